// Quantiles of samples, and the one definition perfgate uses everywhere for them.
//
// Definition (documented because tools differ): for n sorted samples x[0..n-1] and 0 <= p <= 1,
// quantile(p) = x[k] + (h - k) * (x[k+1] - x[k]) with h = (n - 1) * p and k = floor(h) — linear
// interpolation between order statistics, Hyndman & Fan type 7, the default of R, NumPy and
// Excel's PERCENTILE.INC. The median is quantile(0.5): the middle value, or the mean of the two
// middle values. Histograms use HdrHistogram's nearest-rank rule instead (stats/hdr_histogram.h).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace perfgate::stats {

// REQUIRES: `sorted` ascending and non-empty; 0 <= p <= 1.
double quantile_sorted(std::span<const double> sorted, double p);

// Copies, sorts and takes quantile_sorted. REQUIRES: non-empty.
double quantile(std::span<const double> samples, double p);

// Rearranges `samples` (nth_element, O(n)) and returns the type-7 quantile. REQUIRES: non-empty.
double quantile_in_place(std::span<double> samples, double p);

// Reads a statistic name as a probability: "med"/"median"/"p50" -> 0.5, "p95"/"p(95)" -> 0.95,
// "p99.9"/"p(99.9)" -> 0.999, "min" -> 0, "max" -> 1. nullopt for anything else ("avg", "rate").
std::optional<double> parse_percentile(std::string_view stat);

// The fewest samples per side for which quantile p is estimated well enough to test: at least
// kMinSamples (with 4 vs 4 the exact two-sided Mann-Whitney p can reach 2/70 < 0.05; with 3 vs 3
// it never goes below 0.1), and for tail quantiles enough that >= 4 samples lie beyond it (4 / (1 -
// p) for p > 0.75: p90 -> 40, p95 -> 80, p99 -> 400, p99.9 -> 4000).
inline constexpr int kMinSamples = 4;
int min_samples_for_quantile(double p);

}  // namespace perfgate::stats
