#include "stats/descriptive.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "stats/quantile.h"

namespace perfgate::stats {

double mean(std::span<const double> samples) {
  // Welford-style running mean: no overflow for large sums of large values.
  double m = 0;
  size_t n = 0;
  for (double x : samples) m += (x - m) / static_cast<double>(++n);
  return m;
}

double variance(std::span<const double> samples) {
  if (samples.size() < 2) return 0;
  double m = 0, m2 = 0;
  size_t n = 0;
  for (double x : samples) {
    ++n;
    const double delta = x - m;
    m += delta / static_cast<double>(n);
    m2 += delta * (x - m);
  }
  return m2 / static_cast<double>(n - 1);
}

double stddev(std::span<const double> samples) { return std::sqrt(variance(samples)); }

double median(std::span<const double> samples) { return quantile(samples, 0.5); }

Summary summarize(std::span<const double> samples) {
  Summary s;
  if (samples.empty()) return s;
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  s.count = sorted.size();
  s.mean = mean(sorted);
  s.stddev = stddev(sorted);
  s.min = sorted.front();
  s.max = sorted.back();
  s.median = quantile_sorted(sorted, 0.5);
  return s;
}

}  // namespace perfgate::stats
