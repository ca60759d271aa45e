#include "stats/hdr_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace perfgate {
namespace {

// The exact value at percentile p of sorted samples, with the same "at least ceil(pN) values
// <= v" rule the histogram documents (p * N computed in exact decimal terms: 99.9% of 200,000
// is 199,800, not the 199,800.00000000003 that floating point gives).
int64_t exact_percentile(const std::vector<int64_t>& sorted, double p) {
  const double rank_exact = std::round(p * 1e6) * static_cast<double>(sorted.size()) / 1e8;
  const auto rank = static_cast<size_t>(std::max(1.0, std::ceil(rank_exact - 1e-9)));
  return sorted[rank - 1];
}

void expect_percentiles_within_tenth_of_a_percent(std::vector<int64_t> samples) {
  HdrHistogram h = HdrHistogram::for_latency_micros();
  for (int64_t v : samples) h.record(v);
  std::sort(samples.begin(), samples.end());
  for (double p : {1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
    const double exact = static_cast<double>(exact_percentile(samples, p));
    const double approx = static_cast<double>(h.value_at_percentile(p));
    EXPECT_LE(std::abs(approx - exact) / exact, 0.001) << "p" << p << " exact " << exact;
  }
  EXPECT_EQ(h.count(), static_cast<int64_t>(samples.size()));
}

TEST(HdrHistogram, LogNormalPercentilesMatchExactWithinPointOnePercent) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(std::log(2000.0), 0.8);  // µs, median 2 ms
  std::vector<int64_t> samples(200'000);
  for (auto& s : samples) s = std::max<int64_t>(1, static_cast<int64_t>(dist(rng)));
  expect_percentiles_within_tenth_of_a_percent(samples);
}

TEST(HdrHistogram, BimodalPercentilesMatchExactWithinPointOnePercent) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> fast(800, 60), slow(250'000, 20'000);  // cache hit / miss
  std::bernoulli_distribution is_slow(0.05);
  std::vector<int64_t> samples(200'000);
  for (auto& s : samples) {
    s = std::max<int64_t>(1, static_cast<int64_t>(is_slow(rng) ? slow(rng) : fast(rng)));
  }
  expect_percentiles_within_tenth_of_a_percent(samples);
}

TEST(HdrHistogram, FootprintMatchesReferenceTable) {
  HdrHistogram h = HdrHistogram::for_latency_micros();
  EXPECT_EQ(h.counts_length(), 23'552);  // 188,416 bytes of counts
}

TEST(HdrHistogram, MinMaxMeanAndEmpty) {
  HdrHistogram h = HdrHistogram::for_latency_micros();
  EXPECT_EQ(h.value_at_percentile(99), 0);
  EXPECT_EQ(h.max(), 0);
  for (int64_t v : {100, 200, 300}) h.record(v);
  EXPECT_EQ(h.min(), 100);
  EXPECT_EQ(h.max(), 300);
  EXPECT_NEAR(h.mean(), 200, 0.5);
  EXPECT_EQ(h.value_at_percentile(50), 200);
  EXPECT_EQ(h.value_at_percentile(100), 300);
}

TEST(HdrHistogram, ClampsValuesAboveRangeAndCountsThem) {
  HdrHistogram h(1, 1000, 3);
  h.record(5000);
  EXPECT_EQ(h.count(), 1);
  EXPECT_EQ(h.clamped_count(), 1);
  EXPECT_GE(h.max(), 1000);
}

TEST(HdrHistogram, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 rng(1);
  std::exponential_distribution<double> dist(1.0 / 5000);
  HdrHistogram a = HdrHistogram::for_latency_micros(), b = a, all = a;
  for (int i = 0; i < 50'000; ++i) {
    const auto v = static_cast<int64_t>(dist(rng)) + 1;
    (i % 2 ? a : b).record(v);
    all.record(v);
  }
  a.add(b);
  EXPECT_EQ(a.count(), all.count());
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    EXPECT_EQ(a.value_at_percentile(p), all.value_at_percentile(p));
  }
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
}

TEST(HdrHistogram, MergeAcrossDifferentConfigurationsReRecords) {
  HdrHistogram coarse(1, 3'600'000'000LL, 2);
  coarse.record(12345);
  HdrHistogram fine = HdrHistogram::for_latency_micros();
  fine.add(coarse);
  EXPECT_EQ(fine.count(), 1);
  EXPECT_NEAR(fine.value_at_percentile(50), 12345, 12345 * 0.01);
}

// Merging, resetting and the statistics walk only the recorded range; the extremes (0, a value
// clamped to the highest trackable one) lie inside it, and a reset leaves no count behind.
TEST(HdrHistogram, RecordedRangeCoversTheExtremesAndResetClearsIt) {
  HdrHistogram h = HdrHistogram::for_latency_micros();
  h.record(-5);
  h.record(777);
  h.record(h.highest_trackable_value() * 2);
  HdrHistogram merged = HdrHistogram::for_latency_micros();
  merged.add(h);
  EXPECT_EQ(merged.count(), 3);
  EXPECT_EQ(merged.value_at_percentile(1), 0);
  EXPECT_EQ(merged.max(), h.max());
  EXPECT_EQ(merged.clamped_count(), 1);
  EXPECT_NEAR(merged.mean(), h.mean(), 1e-6);
  merged.reset();
  h.reset();
  for (int32_t i = 0; i < merged.counts_length(); ++i) {
    ASSERT_EQ(merged.count_at_index(i), 0) << i;
    ASSERT_EQ(h.count_at_index(i), 0) << i;
  }
  EXPECT_EQ(merged.value_at_percentile(50), 0);
  EXPECT_EQ(merged.mean(), 0);
  merged.record(1000);
  merged.add(h);  // an empty histogram adds nothing
  EXPECT_EQ(merged.count(), 1);
  EXPECT_EQ(merged.value_at_percentile(100), merged.highest_equivalent(1000));
  EXPECT_EQ(merged.min(), merged.lowest_equivalent(1000));
}

}  // namespace
}  // namespace perfgate
