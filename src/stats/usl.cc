#include "stats/usl.h"

#include <algorithm>
#include <boost/math/distributions/fisher_f.hpp>
#include <cmath>
#include <vector>

#include "stats/least_squares.h"

namespace perfgate::stats {
namespace {

// Parameters: p[0] = λ, p[1] = σ, p[2] = κ (USL only).
double usl_value(double n, std::span<const double> p) {
  const double kappa = p.size() > 2 ? p[2] : 0.0;
  return p[0] * n / (1 + p[1] * (n - 1) + kappa * n * (n - 1));
}

void usl_gradient(double n, std::span<const double> p, std::span<double> g) {
  const double kappa = p.size() > 2 ? p[2] : 0.0;
  const double d = 1 + p[1] * (n - 1) + kappa * n * (n - 1);
  g[0] = n / d;
  g[1] = -p[0] * n * (n - 1) / (d * d);
  if (p.size() > 2) g[2] = -p[0] * n * n * (n - 1) / (d * d);
}

LeastSquaresModel law_model(size_t parameters) {
  return LeastSquaresModel{parameters, usl_value, usl_gradient};
}

// Linearisation N/X = a + bN + cN² (exact for the USL), solved by linear least squares:
// 1/λ = a + b + c, κ = cλ, σ = bλ + κ.
std::vector<double> initial_guess(std::span<const double> n, std::span<const double> x) {
  std::vector<std::vector<double>> ata(3, std::vector<double>(3, 0.0));
  std::vector<double> atb(3, 0.0), abc;
  for (size_t i = 0; i < n.size(); ++i) {
    const double row[3] = {1.0, n[i], n[i] * n[i]};
    for (int r = 0; r < 3; ++r) {
      atb[r] += row[r] * n[i] / x[i];
      for (int c = 0; c < 3; ++c) ata[r][c] += row[r] * row[c];
    }
  }
  double lambda = x[0] / n[0], sigma = 0.01, kappa = 1e-4;
  if (solve_linear(ata, atb, &abc) && abc[0] + abc[1] + abc[2] > 0) {
    lambda = 1.0 / (abc[0] + abc[1] + abc[2]);
    kappa = std::max(abc[2] * lambda, 0.0);
    sigma = std::clamp(abc[1] * lambda + kappa, 0.0, 1.0);
  }
  return {lambda, sigma, kappa};
}

Estimate estimate(const LeastSquaresFit& fit, size_t k) {
  return Estimate{fit.params[k], fit.ci_low[k], fit.ci_high[k], fit.standard_errors[k]};
}

// N* = sqrt((1 − σ)/κ) with a delta-method interval.
void add_peak(const LeastSquaresFit& fit, LawFit* law) {
  const double sigma = law->sigma.value, kappa = law->kappa.value;
  if (!(kappa > 0) || !(sigma < 1)) return;
  law->has_peak = true;
  const double peak = std::sqrt((1 - sigma) / kappa);
  const double d_sigma = -0.5 / (kappa * peak);
  const double d_kappa = -0.5 * peak / kappa;
  const auto& c = fit.covariance;
  const double var =
      d_sigma * d_sigma * c[1][1] + d_kappa * d_kappa * c[2][2] + 2 * d_sigma * d_kappa * c[1][2];
  const double se = std::sqrt(std::max(var, 0.0));
  const double t = student_t_975(static_cast<double>(fit.points - 3));
  law->peak_concurrency = Estimate{peak, std::max(peak - t * se, 0.0), peak + t * se, se};
  law->peak_throughput = law->predict(peak);
}

Result<void> check_data(std::span<const double> n, std::span<const double> x, size_t minimum) {
  if (n.size() != x.size()) return make_error("concurrency and throughput differ in length");
  if (n.size() < minimum) {
    return make_error("a scalability fit needs at least " + std::to_string(minimum) +
                      " measured points");
  }
  for (size_t i = 0; i < n.size(); ++i) {
    if (!(n[i] >= 1) || !(x[i] > 0)) {
      return make_error("every point needs N >= 1 and a throughput above 0");
    }
  }
  return {};
}

double aic(double ssr, size_t points, size_t parameters) {
  const double nn = static_cast<double>(points);
  return nn * std::log(std::max(ssr, 1e-300) / nn) + 2.0 * static_cast<double>(parameters);
}

Result<LawFit> fit_law(std::span<const double> n, std::span<const double> x, size_t parameters) {
  if (auto ok = check_data(n, x, parameters + 1); !ok) return ok.error();
  std::vector<double> start = initial_guess(n, x);
  start.resize(parameters);
  auto fit = fit_least_squares(law_model(parameters), n, x, start);
  if (!fit) return fit.error();
  LawFit law;
  law.lambda = estimate(*fit, 0);
  law.sigma = estimate(*fit, 1);
  if (parameters > 2) law.kappa = estimate(*fit, 2);
  law.r2 = fit->r2;
  law.ssr = fit->ssr;
  law.aic = aic(fit->ssr, n.size(), parameters);
  if (law.sigma.value > 0 && law.kappa.value == 0) law.max_speedup = 1.0 / law.sigma.value;
  if (parameters > 2) add_peak(*fit, &law);
  return law;
}

}  // namespace

double LawFit::predict(double n) const {
  return lambda.value * n / (1 + sigma.value * (n - 1) + kappa.value * n * (n - 1));
}

Result<LawFit> fit_usl(std::span<const double> n, std::span<const double> x) {
  return fit_law(n, x, 3);
}

Result<LawFit> fit_amdahl(std::span<const double> n, std::span<const double> x) {
  return fit_law(n, x, 2);
}

Result<ScalabilityFit> fit_scalability(std::span<const double> n, std::span<const double> x) {
  if (auto ok = check_data(n, x, 4); !ok) return ok.error();
  auto usl = fit_usl(n, x);
  if (!usl) return usl.error();
  auto amdahl = fit_amdahl(n, x);
  if (!amdahl) return amdahl.error();
  ScalabilityFit out{*usl, *amdahl, 0, 1, "amdahl", n.size()};
  const double dof = static_cast<double>(n.size() - 3);
  if (usl->ssr > 0) {
    out.f_statistic = std::max(amdahl->ssr - usl->ssr, 0.0) / (usl->ssr / dof);
    const boost::math::fisher_f distribution(1.0, dof);
    out.f_p_value = boost::math::cdf(boost::math::complement(distribution, out.f_statistic));
  } else {
    out.f_p_value = amdahl->ssr > 0 ? 0.0 : 1.0;
  }
  if (out.f_p_value < 0.05 && usl->kappa.value > 0) out.verdict = "usl";
  return out;
}

}  // namespace perfgate::stats
