#include "stats/hdr_histogram.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace perfgate {

HdrHistogram::HdrHistogram(int64_t lowest, int64_t highest, int significant_digits)
    : lowest_(lowest), highest_(highest), digits_(significant_digits) {
  assert(lowest >= 1 && highest >= 2 * lowest && significant_digits >= 1 &&
         significant_digits <= 5);
  const int64_t single_unit_resolution = 2 * static_cast<int64_t>(std::pow(10, digits_));
  const int sub_bucket_count_magnitude =
      static_cast<int>(std::ceil(std::log2(static_cast<double>(single_unit_resolution))));
  sub_bucket_half_count_magnitude_ = std::max(sub_bucket_count_magnitude, 1) - 1;
  unit_magnitude_ = static_cast<int32_t>(std::floor(std::log2(static_cast<double>(lowest))));
  sub_bucket_count_ = 1 << (sub_bucket_half_count_magnitude_ + 1);
  sub_bucket_half_count_ = sub_bucket_count_ / 2;
  sub_bucket_mask_ = static_cast<int64_t>(sub_bucket_count_ - 1) << unit_magnitude_;

  int64_t smallest_untrackable = static_cast<int64_t>(sub_bucket_count_) << unit_magnitude_;
  bucket_count_ = 1;
  while (smallest_untrackable <= highest_) {
    if (smallest_untrackable > std::numeric_limits<int64_t>::max() / 2) {
      ++bucket_count_;
      break;
    }
    smallest_untrackable <<= 1;
    ++bucket_count_;
  }
  counts_.assign(static_cast<size_t>(bucket_count_ + 1) * sub_bucket_half_count_, 0);
  min_ = std::numeric_limits<int64_t>::max();
}

void HdrHistogram::add(const HdrHistogram& other) {
  if (other.total_ == 0) return;
  const bool same_shape =
      other.lowest_ == lowest_ && other.highest_ == highest_ && other.digits_ == digits_;
  if (same_shape) {
    for (int32_t i = other.first_index(), last = other.last_index(); i <= last; ++i) {
      counts_[i] += other.counts_[i];
    }
    total_ += other.total_;
    clamped_ += other.clamped_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    return;
  }
  for (int32_t i = other.first_index(), last = other.last_index(); i <= last; ++i) {
    if (other.counts_[i] != 0) record(other.value_at_index(i), other.counts_[i]);
  }
}

void HdrHistogram::add_at_index(int32_t index, int64_t count) {
  counts_[index] += count;
  total_ += count;
  const int64_t value = value_at_index(index);
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void HdrHistogram::reset() {
  if (total_ != 0) std::fill(&counts_[first_index()], &counts_[last_index()] + 1, 0);
  total_ = 0;
  clamped_ = 0;
  min_ = std::numeric_limits<int64_t>::max();
  max_ = 0;
}

int64_t HdrHistogram::value_at_index(int32_t index) const {
  int32_t bucket = (index >> sub_bucket_half_count_magnitude_) - 1;
  int32_t sub_bucket = (index & (sub_bucket_half_count_ - 1)) + sub_bucket_half_count_;
  if (bucket < 0) {
    sub_bucket -= sub_bucket_half_count_;
    bucket = 0;
  }
  return static_cast<int64_t>(sub_bucket) << (bucket + unit_magnitude_);
}

int64_t HdrHistogram::size_of_equivalent_range(int64_t value) const {
  const int32_t bucket = bucket_index(value);
  const int32_t sub_bucket = static_cast<int32_t>(value >> (bucket + unit_magnitude_));
  const int32_t adjusted = sub_bucket >= sub_bucket_count_ ? bucket + 1 : bucket;
  return int64_t{1} << (unit_magnitude_ + adjusted);
}

int64_t HdrHistogram::lowest_equivalent(int64_t value) const {
  const int32_t bucket = bucket_index(value);
  const int32_t sub_bucket = static_cast<int32_t>(value >> (bucket + unit_magnitude_));
  return static_cast<int64_t>(sub_bucket) << (bucket + unit_magnitude_);
}

int64_t HdrHistogram::highest_equivalent(int64_t value) const {
  return lowest_equivalent(value) + size_of_equivalent_range(value) - 1;
}

int64_t HdrHistogram::median_equivalent(int64_t value) const {
  return lowest_equivalent(value) + size_of_equivalent_range(value) / 2;
}

int64_t HdrHistogram::min() const { return total_ == 0 ? 0 : lowest_equivalent(min_); }

int64_t HdrHistogram::max() const {
  return total_ == 0 ? 0 : std::min(highest_equivalent(max_), std::max(max_, highest_));
}

double HdrHistogram::mean() const {
  if (total_ == 0) return 0;
  double sum = 0;
  for (int32_t i = first_index(), last = last_index(); i <= last; ++i) {
    if (counts_[i] != 0)
      sum += static_cast<double>(counts_[i]) * median_equivalent(value_at_index(i));
  }
  return sum / static_cast<double>(total_);
}

double HdrHistogram::stddev() const {
  if (total_ == 0) return 0;
  const double m = mean();
  double sum_sq = 0;
  for (int32_t i = first_index(), last = last_index(); i <= last; ++i) {
    if (counts_[i] == 0) continue;
    const double d = static_cast<double>(median_equivalent(value_at_index(i))) - m;
    sum_sq += d * d * static_cast<double>(counts_[i]);
  }
  return std::sqrt(sum_sq / static_cast<double>(total_));
}

int64_t HdrHistogram::value_at_percentile(double percentile) const {
  if (total_ == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  if (percentile == 0.0) return min();
  // Move p down by one ulp so that p * N landing exactly on an integer is not pushed up by
  // floating-point noise (Java's rule).
  const double p = std::nextafter(percentile, 0.0) / 100.0;
  const int64_t wanted = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(p * total_)));
  int64_t seen = 0;
  for (int32_t i = first_index(), last = last_index(); i <= last; ++i) {
    seen += counts_[i];
    if (seen >= wanted) return std::min(highest_equivalent(value_at_index(i)), max());
  }
  return max();
}

}  // namespace perfgate
