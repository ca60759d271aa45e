// Scalability laws fitted to measured throughput X at concurrency (or instance count) N:
//   Universal Scalability Law (Gunther): X(N) = λN / (1 + σ(N−1) + κN(N−1))
//   Amdahl's law: the USL with κ = 0.
// λ is the throughput of one unit, σ the contention (the serialised fraction), κ the coherency
// (crosstalk) cost. Both are fitted by non-linear least squares (stats/least_squares.h) from
// an initial guess taken from the USL's linearisation N/X = a + bN + cN², so results match
// SciPy's curve_fit with that starting point. With κ > 0 throughput peaks at
// N* = sqrt((1 − σ)/κ); its interval comes from the delta method on the parameter covariance.
//
// The verdict compares the two nested models with an F-test (one extra parameter):
// F = (SSR_amdahl − SSR_usl) / (SSR_usl / (n − 3)); the USL is preferred when p < 0.05 and its
// κ is positive, Amdahl's law otherwise. AIC (n·ln(SSR/n) + 2k) is reported alongside.
//
// Thread-safety: pure functions.
#pragma once

#include <span>
#include <string>

#include "core/result.h"

namespace perfgate::stats {

struct Estimate {
  double value = 0;
  double low = 0;  // 95 % confidence interval
  double high = 0;
  double standard_error = 0;
};

struct LawFit {
  Estimate lambda, sigma, kappa;  // kappa is exactly 0 for Amdahl's law
  double r2 = 0;
  double ssr = 0;
  double aic = 0;
  bool has_peak = false;           // κ > 0 (and σ < 1)
  Estimate peak_concurrency;       // N*, when has_peak
  double peak_throughput = 0;      // X(N*), when has_peak
  double max_speedup = 0;          // Amdahl: 1/σ (0 when σ <= 0)
  double predict(double n) const;  // X(n) under this fit
};

struct ScalabilityFit {
  LawFit usl;
  LawFit amdahl;
  double f_statistic = 0;
  double f_p_value = 1;
  std::string verdict;  // "usl" or "amdahl"
  size_t points = 0;
};

// REQUIRES: n.size() == x.size(). Needs at least 4 points with distinct N >= 1 and x > 0.
Result<ScalabilityFit> fit_scalability(std::span<const double> n, std::span<const double> x);

// The single-law fits, for tests and callers that want one.
Result<LawFit> fit_usl(std::span<const double> n, std::span<const double> x);
Result<LawFit> fit_amdahl(std::span<const double> n, std::span<const double> x);

}  // namespace perfgate::stats
