// Bootstrap confidence intervals for the ratio current / baseline of a statistic (a quantile or
// the mean) of two independent samples: the percentile bootstrap. Each of `resamples` rounds
// draws, for each side independently, a resample of the same size with replacement, computes the
// statistic on both and keeps their ratio; the interval is the (1 - c) / 2 and (1 + c) / 2
// type-7 quantiles of those ratios. The point estimate is the ratio on the original samples.
//
// Distributions. Raw samples are resampled literally (O(n) per round). Histograms are never
// expanded: for a quantile, the m-th smallest of N draws from the empirical distribution is
// F^-1(U(m)) with U(m) ~ Beta(m, N - m + 1) (the m-th order statistic of N uniforms), so a round
// costs one Beta variate and a binary search over the buckets — exact, not an approximation,
// for HdrHistogram's nearest-rank quantile (m = ceil(p N)). For the mean of a histogram a round
// draws from the normal distribution N(mean, sd^2 / N) (central limit theorem). Raw samples
// beyond kLiteralResampleLimit use the order-statistic method too, with m = round((N - 1) p) + 1.
//
// Reproducibility: a fixed seed gives identical intervals from the same build (mt19937_64 and
// libstdc++'s gamma/normal distributions).
//
// Thread-safety: pure functions (each call owns its generator).
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "stats/hdr_histogram.h"

namespace perfgate::stats {

inline constexpr size_t kLiteralResampleLimit = 20'000;

struct Statistic {
  enum class Kind { kQuantile, kMean };
  Kind kind = Kind::kQuantile;
  double p = 0.5;  // for kQuantile, in [0, 1]

  static Statistic quantile(double p) { return {Kind::kQuantile, p}; }
  static Statistic mean() { return {Kind::kMean, 0}; }
};

struct BootstrapOptions {
  int resamples = 10'000;
  uint64_t seed = 20240601;
  double confidence = 0.95;
};

struct RatioInterval {
  double baseline = 0;  // the statistic of each side, in the samples' unit
  double current = 0;
  double ratio = 0;  // current / baseline (inf when baseline is 0 and current is not)
  double lower = 0;  // confidence bounds of the ratio
  double upper = 0;
};

// One side of a comparison: raw samples or a histogram whose values times `scale` are in the
// samples' unit. Holds references: the caller keeps the data alive.
class Distribution {
 public:
  static Distribution of_samples(std::span<const double> samples);
  static Distribution of_histogram(const HdrHistogram& histogram, double scale);

  int64_t count() const;
  double statistic(const Statistic& statistic) const;  // on the original data

 private:
  friend RatioInterval bootstrap_ratio(const Distribution&, const Distribution&, const Statistic&,
                                       const BootstrapOptions&);
  // One bootstrap replicate of the statistic; `scratch` is reused between calls.
  double replicate(const Statistic& statistic, std::mt19937_64& rng,
                   std::vector<double>& scratch) const;

  std::span<const double> samples_;
  std::vector<double> sorted_;  // samples, sorted, when the order-statistic method is used
  // Histogram buckets: cumulative counts and the value reported for each non-empty bucket.
  std::vector<int64_t> cumulative_;
  std::vector<double> bucket_values_;
  double hist_mean_ = 0, hist_sd_ = 0;
  int64_t count_ = 0;
  bool histogram_ = false;

  double order_statistic(int64_t m) const;  // 1-based m-th smallest
};

RatioInterval bootstrap_ratio(const Distribution& baseline, const Distribution& current,
                              const Statistic& statistic, const BootstrapOptions& options = {});

}  // namespace perfgate::stats
