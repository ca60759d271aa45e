// merge_results on synthetic parts: series aligned on wall-clock seconds, histograms added,
// thresholds evaluated again, gaps in the segments and missing parts reported.
#include <gtest/gtest.h>

#include <algorithm>

#include "cli/results_merge.h"
#include "stats/hdr_encoding.h"

namespace perfgate::cli {
namespace {

report::ResultsDocument part(int64_t start_s, const std::string& segment, int64_t latency_us) {
  report::ResultsDocument d;
  d.run.meta.start_unix_nanos = (1'800'000'000 + start_s) * kNanosPerSecond;
  d.run.meta.elapsed = 2 * kNanosPerSecond;
  d.environment.segment = segment;
  d.environment.instance = "part " + segment;
  for (int i = 0; i < 10; ++i) d.run.totals.trends[5].record(latency_us);  // http_req_duration
  d.run.totals.http_reqs = 10;
  d.run.totals.iterations = 10;
  for (double t : {1.0, 2.0}) {
    results::TimeSeriesPoint p;
    p.t_seconds = t;
    p.requests = 5;
    p.p99_us = latency_us;
    d.run.series.push_back(p);
    HdrHistogram h = HdrHistogram::for_latency_micros();
    for (int i = 0; i < 5; ++i) h.record(latency_us);
    d.intervals.push_back({t - 1, 1.0, "http_req_duration", h.max(), encode_compressed_base64(h)});
  }
  d.thresholds.push_back({"http_req_duration", "p(50)<1.5", true, 1.0, "ms", false});
  d.thresholds.push_back({"iterations", "count>=20", false, 10, "", false});
  return d;
}

TEST(Merge, AlignsSeriesOnWallClockSecondsAndReevaluatesThresholds) {
  ASSERT_EQ(results::kTrendNames[5], "http_req_duration");
  std::vector<MergeInput> in;
  in.push_back({"a.json", part(0, "0:1/2", 1000)});
  in.push_back({"b.json", part(1, "1/2:1", 2000)});  // started a second later
  MergeOutcome out = merge_results(in, "perfgate merge a.json b.json");
  EXPECT_TRUE(out.problems.empty());
  const auto& series = out.merged.run.series;
  ASSERT_EQ(series.size(), 3u);  // seconds 1, 2, 3 of the common axis
  EXPECT_EQ(series[0].requests, 5);
  EXPECT_EQ(series[1].requests, 10);
  EXPECT_EQ(series[2].requests, 5);
  // Second 2 mixes both parts: its p99 comes from the merged interval histogram.
  EXPECT_NEAR(static_cast<double>(series[1].p99_us), 2000, 2);
  EXPECT_EQ(out.merged.run.meta.elapsed, 3 * kNanosPerSecond);
  EXPECT_EQ(out.merged.run.totals.trends[5].count(), 20);
  // p(50) of 10 x 1 ms and 10 x 2 ms is 1 ms; count>=20 now holds.
  ASSERT_EQ(out.merged.thresholds.size(), 2u);
  EXPECT_TRUE(out.merged.thresholds[0].passed);
  EXPECT_TRUE(out.merged.thresholds[1].passed);
  EXPECT_EQ(out.merged.thresholds[1].observed, 20);
  EXPECT_TRUE(out.merged.passed());
  ASSERT_EQ(out.merged.parts.size(), 2u);
  EXPECT_EQ(out.merged.parts[1]["instance"], "part 1/2:1");
}

TEST(Merge, ReportsMissingPartsAndSegmentGaps) {
  std::vector<MergeInput> in;
  in.push_back({"a.json", part(0, "0:1/4", 1000)});
  in.push_back({"c.json", part(0, "1/2:3/4", 1000)});
  in.push_back({"gone.json", make_error("cannot open gone.json")});
  MergeOutcome out = merge_results(in, "perfgate merge");
  ASSERT_EQ(out.problems.size(), 3u);
  EXPECT_EQ(out.problems[0], "part gone.json is missing: cannot open gone.json");
  EXPECT_EQ(out.problems[1], "segment 1/4:1/2 is missing (no part ran it)");
  EXPECT_EQ(out.problems[2], "segment 3/4:1 is missing (no part ran it)");
  EXPECT_EQ(out.merged.parts[2]["status"], "missing");
  const auto& warnings = out.merged.run.health.warnings;
  EXPECT_NE(std::find(warnings.begin(), warnings.end(), out.problems[2]), warnings.end());
}

}  // namespace
}  // namespace perfgate::cli
