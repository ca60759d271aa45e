// SeriesSummary: min / max / mean / median / p95 / last of a resource series, as the k6-style
// `metrics` object and the console block show them.
//
// Percentiles use the nearest-rank rule on the sorted values (p95 of 20 samples is the 19th).
//
// Thread-safety: pure functions.
#pragma once

#include <span>

namespace perfgate::monitor {

struct SeriesSummary {
  int count = 0;
  double min = 0, max = 0, avg = 0, med = 0, p95 = 0, last = 0;
};

// An all-zero summary with count 0 for an empty series.
SeriesSummary summarize(std::span<const double> values);

// The nearest-rank percentile (0 < p <= 100) of `values`; 0 when empty.
double percentile(std::span<const double> values, double p);

}  // namespace perfgate::monitor
