// LinearFit: an ordinary least-squares line y = intercept + slope * x with a confidence interval
// for the slope, corrected for serially correlated residuals.
//
// Resource series are autocorrelated (RSS that rose a moment ago is still up), so the textbook
// interval, which assumes independent residuals, is far too narrow and would call a process that
// allocates in bursts "leaking". We use the effective sample size of Santer et al. (2000):
// n_eff = n * (1 - r1) / (1 + r1), with r1 the lag-1 autocorrelation of the residuals (only when
// positive), the residual variance divided by (n_eff - 2), and a Student t quantile with n_eff - 2
// degrees of freedom. With n_eff <= 2 the interval is infinite: too little independent evidence.
//
// Thread-safety: pure functions.
#pragma once

#include <span>

namespace perfgate::monitor {

struct LinearFit {
  int n = 0;                        // points used
  double slope = 0;                 // y units per x unit
  double intercept = 0;             // y at x = 0
  double slope_stderr = 0;          // standard error of the slope, using n_effective
  double lag1_autocorrelation = 0;  // of the residuals, in [-1, 1]
  double n_effective = 0;           // n shrunk for positive lag-1 autocorrelation
  double ci_low = 0;                // confidence interval of the slope (level given to fit_line)
  double ci_high = 0;               // +-infinity when n_effective <= 2
  bool valid = false;               // false with fewer than 3 points or all x equal
};

// Fits y on x. REQUIRES: xs.size() == ys.size(); 0 < confidence < 1.
LinearFit fit_line(std::span<const double> xs, std::span<const double> ys,
                   double confidence = 0.95);

// The p-quantile (0 < p < 1) of Student's t distribution with `df` > 0 degrees of freedom
// (real-valued df allowed), found by bisection on the numerically integrated density; accurate to
// about 1e-6 for df >= 1 and p <= 0.9995.
double t_quantile(double p, double df);

}  // namespace perfgate::monitor
