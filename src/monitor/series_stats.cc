#include "monitor/series_stats.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace perfgate::monitor {

double percentile(std::span<const double> values, double p) {
  if (values.empty()) return 0;
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const double rank = std::ceil(p / 100 * static_cast<double>(sorted.size()));
  const size_t index = static_cast<size_t>(std::clamp(rank, 1.0, double(sorted.size()))) - 1;
  return sorted[index];
}

SeriesSummary summarize(std::span<const double> values) {
  SeriesSummary s;
  if (values.empty()) return s;
  s.count = static_cast<int>(values.size());
  s.min = *std::min_element(values.begin(), values.end());
  s.max = *std::max_element(values.begin(), values.end());
  double sum = 0;
  for (double v : values) sum += v;
  s.avg = sum / static_cast<double>(values.size());
  s.med = percentile(values, 50);
  s.p95 = percentile(values, 95);
  s.last = values.back();
  return s;
}

}  // namespace perfgate::monitor
