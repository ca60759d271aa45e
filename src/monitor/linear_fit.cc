#include "monitor/linear_fit.h"

#include <cmath>
#include <limits>
#include <numbers>

namespace perfgate::monitor {
namespace {

double t_density(double x, double df, double log_norm) {
  return std::exp(log_norm - (df + 1) / 2 * std::log1p(x * x / df));
}

// P(0 <= T <= t) by composite Simpson's rule; the density is smooth, so 2000 panels are plenty.
double t_central_mass(double t, double df) {
  const double log_norm =
      std::lgamma((df + 1) / 2) - std::lgamma(df / 2) - 0.5 * std::log(df * std::numbers::pi);
  constexpr int kPanels = 2000;
  const double h = t / kPanels;
  double sum = t_density(0, df, log_norm) + t_density(t, df, log_norm);
  for (int i = 1; i < kPanels; ++i) {
    sum += (i % 2 == 1 ? 4 : 2) * t_density(i * h, df, log_norm);
  }
  return sum * h / 3;
}

double mean_of(std::span<const double> v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

}  // namespace

double t_quantile(double p, double df) {
  if (p == 0.5) return 0;
  if (p < 0.5) return -t_quantile(1 - p, df);
  const double target = p - 0.5;
  double lo = 0;
  double hi = 1;
  while (t_central_mass(hi, df) < target && hi < 1e6) hi *= 2;
  for (int i = 0; i < 80 && hi - lo > 1e-7 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    (t_central_mass(mid, df) < target ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

LinearFit fit_line(std::span<const double> xs, std::span<const double> ys, double confidence) {
  LinearFit fit;
  fit.n = static_cast<int>(xs.size());
  if (fit.n < 3 || ys.size() != xs.size()) return fit;
  const double mx = mean_of(xs);
  const double my = mean_of(ys);
  double sxx = 0;
  double sxy = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    sxx += (xs[i] - mx) * (xs[i] - mx);
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  if (sxx <= 0) return fit;
  fit.valid = true;
  fit.slope = sxy / sxx;
  fit.intercept = my - fit.slope * mx;

  // Residuals, their variance and lag-1 autocorrelation (points are taken in x order).
  double sse = 0;
  double lag_product = 0;
  double previous = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double e = ys[i] - (fit.intercept + fit.slope * xs[i]);
    sse += e * e;
    if (i > 0) lag_product += e * previous;
    previous = e;
  }
  fit.lag1_autocorrelation = sse > 0 ? lag_product / sse : 0;
  const double r = std::max(0.0, fit.lag1_autocorrelation);
  fit.n_effective = fit.n * (1 - r) / (1 + r);

  const double inf = std::numeric_limits<double>::infinity();
  if (fit.n_effective <= 2) {
    fit.slope_stderr = inf;
    fit.ci_low = -inf;
    fit.ci_high = inf;
    return fit;
  }
  const double df = fit.n_effective - 2;
  fit.slope_stderr = std::sqrt(sse / df / sxx);
  const double half_width = t_quantile(0.5 + confidence / 2, df) * fit.slope_stderr;
  fit.ci_low = fit.slope - half_width;
  fit.ci_high = fit.slope + half_width;
  return fit;
}

}  // namespace perfgate::monitor
