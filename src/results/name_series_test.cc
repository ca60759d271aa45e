#include "results/name_series.h"

#include <gtest/gtest.h>

#include <string>

namespace perfgate::results {
namespace {

HdrHistogram latencies(std::initializer_list<int64_t> values) {
  HdrHistogram h = HdrHistogram::for_latency_micros();
  for (int64_t v : values) h.record(v);
  return h;
}

TEST(NameSeries, OnePointPerSecondWithExactPercentiles) {
  NameSeriesRecorder recorder({"login", "search"});
  recorder.add(0, 1.002, latencies({100, 200, 300, 400}), 4, 1);
  recorder.add(1, 1.002, latencies({50}), 1, 0);
  recorder.add(0, 2.001, latencies({1000}), 1, 0);
  recorder.add(0, 2.4, latencies({3000}), 1, 1);  // the final, partial collection
  const NameSeriesSet set = recorder.finish();
  EXPECT_EQ(set.interval_seconds, 1);
  ASSERT_EQ(set.names.size(), 2u);
  EXPECT_EQ(set.names[0].name, "login");  // the busiest first
  ASSERT_EQ(set.names[0].points.size(), 2u);
  const NamePoint& first = set.names[0].points[0];
  EXPECT_DOUBLE_EQ(first.t_seconds, 1.002);
  EXPECT_EQ(first.requests, 4);
  EXPECT_EQ(first.failures, 1);
  EXPECT_NEAR(first.p50_us, 200, 1);
  EXPECT_NEAR(first.p99_us, 400, 1);
  const NamePoint& second = set.names[0].points[1];  // seconds 2 and 2.4 round to 2: one point
  EXPECT_DOUBLE_EQ(second.t_seconds, 2.4);
  EXPECT_EQ(second.requests, 2);
  EXPECT_NEAR(second.p99_us, 3000, 3);
  EXPECT_EQ(set.names[1].name, "search");
  EXPECT_EQ(set.names[1].points.size(), 1u);
}

TEST(NameSeries, NamesWithoutRequestsAreLeftOut) {
  NameSeriesRecorder recorder({"idle", "busy"});
  recorder.add(1, 1.0, latencies({10}), 1, 0);
  recorder.add(0, 1.0, latencies({}), 0, 0);
  const NameSeriesSet set = recorder.finish();
  ASSERT_EQ(set.names.size(), 1u);
  EXPECT_EQ(set.names[0].name, "busy");
}

TEST(NameSeries, KeepsTheBusiestNamesAndFoldsTheRestIntoOther) {
  std::vector<std::string> names;
  for (size_t i = 0; i < kMaxSeriesNames + 5; ++i) names.push_back("n" + std::to_string(i));
  NameSeriesRecorder recorder(names);
  for (size_t i = 0; i < names.size(); ++i) {  // name i gets i+1 requests of (i+1) ms
    const int64_t us = static_cast<int64_t>(i + 1) * 1000;
    recorder.add(i, 1.0, latencies({us}), static_cast<int64_t>(i + 1), 0);
  }
  const NameSeriesSet set = recorder.finish();
  ASSERT_EQ(set.names.size(), kMaxSeriesNames + 1);
  EXPECT_EQ(set.names[0].name, "n" + std::to_string(names.size() - 1));
  const NameSeries& other = set.names.back();
  EXPECT_EQ(other.name, kOtherSeriesName);
  ASSERT_EQ(other.points.size(), 1u);
  EXPECT_EQ(other.points[0].requests, 1 + 2 + 3 + 4 + 5);  // n0..n4
  EXPECT_NEAR(other.points[0].p99_us, 5000, 5);            // the highest of the folded names
}

TEST(NameSeries, LongRunsCoarsenTheIntervalWithinTheBudget) {
  std::vector<std::string> names;  // 20 names: 300 points each; three of them get requests
  for (size_t i = 0; i < kMaxSeriesNames; ++i) names.push_back("n" + std::to_string(i));
  NameSeriesRecorder recorder(names);
  const int64_t seconds = 3 * static_cast<int64_t>(points_per_name(kMaxSeriesNames)) + 7;
  for (int64_t s = 1; s <= seconds; ++s) {
    for (size_t n = 0; n < 3; ++n) {
      recorder.add(n, static_cast<double>(s), latencies({s * 10}), 2, s % 2);
    }
  }
  const NameSeriesSet set = recorder.finish();
  EXPECT_EQ(set.interval_seconds, 4);
  size_t points = 0;
  int64_t requests = 0, failures = 0;
  for (const NameSeries& n : set.names) {
    points += n.points.size();
    for (const NamePoint& p : n.points) {
      requests += p.requests;
      failures += p.failures;
    }
  }
  EXPECT_LE(points, kMaxNamePoints);
  EXPECT_EQ(requests, 3 * 2 * seconds);          // nothing lost in coarsening
  EXPECT_EQ(failures, 3 * ((seconds + 1) / 2));  // odd seconds failed once
  const NamePoint& last = set.names[0].points.back();
  EXPECT_DOUBLE_EQ(last.t_seconds, static_cast<double>(seconds));
  EXPECT_NEAR(last.p99_us, seconds * 10, seconds * 10 / 500 + 1);
}

}  // namespace
}  // namespace perfgate::results
