#!/usr/bin/python3
"""Reference values for src/stats/usl_test.cc, computed with SciPy's curve_fit.

Run: /usr/bin/python3 src/stats/testdata/usl_reference.py   (Debian: python3-scipy)
curve_fit uses Levenberg-Marquardt (no bounds) and absolute_sigma=False, so
cov = inv(J^T J) * SSR / (n - p); intervals are p +- t(0.975, n - p) * sqrt(diag(cov)).
"""
import numpy as np
from scipy import stats
from scipy.optimize import curve_fit

DATA = {
    # Throughput with multiplicative noise around lambda=1000, sigma=0.05, kappa=0.0005.
    "usl": ([1, 2, 4, 8, 16, 32, 48, 64],
            [1012.0, 1890.0, 3420.0, 5360.0, 6900.0, 6650.0, 5630.0, 4700.0]),
    # Close to Amdahl: lambda=200, sigma=0.1, no coherency.
    "amdahl": ([1, 2, 3, 4, 6, 8, 12, 16],
               [201.0, 362.0, 502.0, 612.0, 790.0, 940.0, 1140.0, 1260.0]),
}


def usl(n, lam, sigma, kappa):
    return lam * n / (1 + sigma * (n - 1) + kappa * n * (n - 1))


def amdahl(n, lam, sigma):
    return lam * n / (1 + sigma * (n - 1))


def report(name, f, n, x, p0):
    p, cov = curve_fit(f, n, x, p0=p0)
    se = np.sqrt(np.diag(cov))
    dof = len(n) - len(p)
    t = stats.t.ppf(0.975, dof)
    ssr = float(np.sum((x - f(n, *p)) ** 2))
    r2 = 1 - ssr / float(np.sum((x - x.mean()) ** 2))
    print(f"{name}: params={list(p)} se={list(se)} low={list(p - t * se)} "
          f"high={list(p + t * se)} ssr={ssr!r} r2={r2!r}")
    return p, ssr


for name, (n, x) in DATA.items():
    n = np.array(n, dtype=float)
    x = np.array(x, dtype=float)
    pu, ssr_u = report(name + " usl", usl, n, x, [x[0], 0.01, 1e-4])
    pa, ssr_a = report(name + " amdahl", amdahl, n, x, [x[0], 0.01])
    dof = len(n) - 3
    f = (ssr_a - ssr_u) / (ssr_u / dof)
    print(f"{name}: F={f!r} p={stats.f.sf(f, 1, dof)!r}")
    if pu[2] > 0:
        print(f"{name}: N*={np.sqrt((1 - pu[1]) / pu[2])!r}")
