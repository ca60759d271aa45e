// HdrHistogram: a log-linear histogram of non-negative integer values with a fixed relative
// precision (G. Tene's algorithm; see shared/reference/hdrhistogram.md).
//
// perfgate records latencies in microseconds with the range 1 µs .. 1 h and 3 significant
// digits: ~184 KiB of counts, O(1) record with no allocation, and every reported value within
// 1/1024 (< 0.1%) of the true one. Values above the highest trackable value are clamped to it and
// counted in `clamped_count()` rather than lost, so a stuck request still shows up as "max".
//
// Percentile rule (documented because implementations differ): the value at percentile p is the
// highest value equivalent to the smallest recorded value v such that at least ceil(p/100 * N)
// values are <= v (Java's rule; p = 0 gives the lowest equivalent of the minimum).
//
// Every non-zero count lies between the indices of the lowest and highest value recorded, so
// merging, resetting and the statistics walk only that range (a run's latencies fill a few
// hundred of the ~23,000 counts), not the whole array.
//
// Thread-safety: none. Each thread records into its own histogram; a coordinator merges them
// with add() while the owners record into a different one (see engine/metric_shard.h).
#pragma once

#include <cstdint>
#include <vector>

namespace perfgate {

class HdrHistogram {
 public:
  // REQUIRES: lowest >= 1, highest >= 2 * lowest, 1 <= significant_digits <= 5.
  HdrHistogram(int64_t lowest, int64_t highest, int significant_digits);

  // The default configuration for latencies in microseconds: 1 µs .. 1 h, 3 digits.
  static HdrHistogram for_latency_micros() { return HdrHistogram(1, 3'600'000'000LL, 3); }

  // Records `count` occurrences of `value`. Negative values are recorded as 0; values above the
  // highest trackable value are clamped (and counted in clamped_count()).
  void record(int64_t value, int64_t count = 1) {
    if (value < 0) value = 0;
    if (value > highest_) {
      value = highest_;
      clamped_ += count;
    }
    counts_[counts_index_for(value)] += count;
    total_ += count;
    if (value < min_) min_ = value;
    if (value > max_) max_ = value;
  }

  // Adds all of `other`'s counts. Same configuration: a vector add; otherwise re-recorded.
  void add(const HdrHistogram& other);
  void reset();

  int64_t count() const { return total_; }
  int64_t clamped_count() const { return clamped_; }
  int64_t min() const;  // 0 when empty
  int64_t max() const;  // 0 when empty
  double mean() const;  // 0 when empty
  double stddev() const;
  int64_t value_at_percentile(double percentile) const;  // 0 when empty

  // Bucket geometry, for encoders and iterators.
  int64_t lowest_discernible_value() const { return lowest_; }
  int64_t highest_trackable_value() const { return highest_; }
  int significant_digits() const { return digits_; }
  int32_t counts_length() const { return static_cast<int32_t>(counts_.size()); }
  int64_t count_at_index(int32_t index) const { return counts_[index]; }
  void add_at_index(int32_t index, int64_t count);  // for decoders; updates min/max/total
  int64_t value_at_index(int32_t index) const;
  int64_t lowest_equivalent(int64_t value) const;
  int64_t highest_equivalent(int64_t value) const;
  int64_t median_equivalent(int64_t value) const;
  int32_t counts_index_for(int64_t value) const {
    const int32_t bucket = bucket_index(value);
    const int32_t sub_bucket = static_cast<int32_t>(value >> (bucket + unit_magnitude_));
    return ((bucket + 1) << sub_bucket_half_count_magnitude_) +
           (sub_bucket - sub_bucket_half_count_);
  }

 private:
  int32_t bucket_index(int64_t value) const {
    const int pow2_ceiling = 64 - __builtin_clzll(static_cast<uint64_t>(value | sub_bucket_mask_));
    return pow2_ceiling - unit_magnitude_ - (sub_bucket_half_count_magnitude_ + 1);
  }
  int64_t size_of_equivalent_range(int64_t value) const;
  // The index range [first, last] that holds every non-zero count; empty (first > last) when
  // nothing was recorded.
  int32_t first_index() const { return total_ == 0 ? 1 : counts_index_for(min_); }
  int32_t last_index() const { return total_ == 0 ? 0 : counts_index_for(max_); }

  int64_t lowest_;
  int64_t highest_;
  int digits_;
  int32_t unit_magnitude_;
  int32_t sub_bucket_half_count_magnitude_;
  int32_t sub_bucket_count_;
  int32_t sub_bucket_half_count_;
  int64_t sub_bucket_mask_;
  int32_t bucket_count_;

  std::vector<int64_t> counts_;
  int64_t total_ = 0;
  int64_t clamped_ = 0;
  int64_t min_;
  int64_t max_ = 0;
};

}  // namespace perfgate
