// Descriptive statistics of a sample: mean, variance, standard deviation, median, min, max.
// Variance is the unbiased sample variance (divides by n - 1); the median follows
// stats/quantile.h (mean of the two middle values for even n).
//
// Thread-safety: pure functions.
#pragma once

#include <span>

namespace perfgate::stats {

struct Summary {
  size_t count = 0;
  double mean = 0;
  double stddev = 0;  // sample standard deviation; 0 when count < 2
  double min = 0;
  double median = 0;
  double max = 0;
};

// REQUIRES for mean/median: non-empty.
double mean(std::span<const double> samples);
double variance(std::span<const double> samples);  // 0 when fewer than 2 samples
double stddev(std::span<const double> samples);
double median(std::span<const double> samples);
Summary summarize(std::span<const double> samples);  // all zero when empty

}  // namespace perfgate::stats
