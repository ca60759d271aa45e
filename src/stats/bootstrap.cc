#include "stats/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "stats/descriptive.h"
#include "stats/quantile.h"

namespace perfgate::stats {
namespace {

using Rng = std::mt19937_64;

// A uniform index in [0, n) by Lemire's multiply-shift (bias < n / 2^64, negligible here).
size_t uniform_index(Rng& rng, size_t n) {
  return static_cast<size_t>((static_cast<unsigned __int128>(rng()) * n) >> 64);
}

// The m-th order statistic of N uniforms: Beta(m, N - m + 1), through two gamma variates.
double beta_order_statistic(Rng& rng, int64_t m, int64_t n) {
  std::gamma_distribution<double> a(static_cast<double>(m), 1.0);
  std::gamma_distribution<double> b(static_cast<double>(n - m + 1), 1.0);
  const double x = a(rng), y = b(rng);
  return x / (x + y);
}

double ratio_of(double current, double baseline) {
  if (baseline == 0) {
    return current == 0 ? 1.0 : std::copysign(std::numeric_limits<double>::infinity(), current);
  }
  return current / baseline;
}

}  // namespace

Distribution Distribution::of_samples(std::span<const double> samples) {
  Distribution d;
  d.samples_ = samples;
  d.count_ = static_cast<int64_t>(samples.size());
  if (samples.size() > kLiteralResampleLimit) {
    d.sorted_.assign(samples.begin(), samples.end());
    std::sort(d.sorted_.begin(), d.sorted_.end());
  }
  return d;
}

Distribution Distribution::of_histogram(const HdrHistogram& histogram, double scale) {
  Distribution d;
  d.histogram_ = true;
  d.count_ = histogram.count();
  d.hist_mean_ = histogram.mean() * scale;
  d.hist_sd_ = histogram.stddev() * scale;
  const double max = static_cast<double>(histogram.max());
  int64_t seen = 0;
  for (int32_t i = 0; i < histogram.counts_length(); ++i) {
    const int64_t c = histogram.count_at_index(i);
    if (c == 0) continue;
    seen += c;
    d.cumulative_.push_back(seen);
    // The same representative value as HdrHistogram::value_at_percentile.
    const double v = static_cast<double>(histogram.highest_equivalent(histogram.value_at_index(i)));
    d.bucket_values_.push_back(std::min(v, max) * scale);
  }
  return d;
}

int64_t Distribution::count() const { return count_; }

double Distribution::order_statistic(int64_t m) const {
  if (!histogram_) return sorted_[static_cast<size_t>(std::clamp<int64_t>(m, 1, count_) - 1)];
  auto it = std::lower_bound(cumulative_.begin(), cumulative_.end(), m);
  if (it == cumulative_.end()) --it;
  return bucket_values_[static_cast<size_t>(it - cumulative_.begin())];
}

double Distribution::statistic(const Statistic& statistic) const {
  if (count_ == 0) return 0;
  if (statistic.kind == Statistic::Kind::kMean) {
    return histogram_ ? hist_mean_ : mean(samples_);
  }
  if (histogram_) {
    const double p = std::clamp(statistic.p, 0.0, 1.0);
    const auto m = std::max<int64_t>(
        1, static_cast<int64_t>(std::ceil(std::nextafter(p, 0.0) * static_cast<double>(count_))));
    return order_statistic(m);
  }
  return quantile(samples_, statistic.p);
}

double Distribution::replicate(const Statistic& statistic, Rng& rng,
                               std::vector<double>& scratch) const {
  const bool literal = !histogram_ && sorted_.empty();
  if (statistic.kind == Statistic::Kind::kMean && !literal) {
    std::normal_distribution<double> normal(
        histogram_ ? hist_mean_ : mean(samples_),
        (histogram_ ? hist_sd_ : stddev(samples_)) / std::sqrt(static_cast<double>(count_)));
    return normal(rng);
  }
  if (literal) {
    scratch.resize(samples_.size());
    for (double& x : scratch) x = samples_[uniform_index(rng, samples_.size())];
    if (statistic.kind == Statistic::Kind::kMean) return mean(scratch);
    return quantile_in_place(scratch, statistic.p);
  }
  const double p = std::clamp(statistic.p, 0.0, 1.0);
  const int64_t m =
      histogram_ ? std::max<int64_t>(1, static_cast<int64_t>(std::ceil(
                                            std::nextafter(p, 0.0) * static_cast<double>(count_))))
                 : static_cast<int64_t>(std::llround(static_cast<double>(count_ - 1) * p)) + 1;
  const double u = beta_order_statistic(rng, m, count_);
  const auto rank = std::clamp<int64_t>(
      static_cast<int64_t>(std::ceil(u * static_cast<double>(count_))), 1, count_);
  return order_statistic(rank);
}

RatioInterval bootstrap_ratio(const Distribution& baseline, const Distribution& current,
                              const Statistic& statistic, const BootstrapOptions& options) {
  RatioInterval out;
  out.baseline = baseline.statistic(statistic);
  out.current = current.statistic(statistic);
  out.ratio = ratio_of(out.current, out.baseline);
  if (baseline.count() == 0 || current.count() == 0 || options.resamples < 2) {
    out.lower = out.upper = out.ratio;
    return out;
  }
  Rng rng(options.seed);
  std::vector<double> ratios(static_cast<size_t>(options.resamples));
  std::vector<double> scratch;
  for (double& r : ratios) {
    const double b = baseline.replicate(statistic, rng, scratch);
    const double c = current.replicate(statistic, rng, scratch);
    r = ratio_of(c, b);
  }
  std::sort(ratios.begin(), ratios.end());
  const double alpha = 1 - options.confidence;
  out.lower = quantile_sorted(ratios, alpha / 2);
  out.upper = quantile_sorted(ratios, 1 - alpha / 2);
  return out;
}

}  // namespace perfgate::stats
