// merge_results on synthetic parts: series aligned on wall-clock seconds, histograms added,
// thresholds evaluated again, gaps in the segments and missing parts reported; scenario_vus
// aligned by scenario name, name_series and plan_run combined.
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

TEST(Merge, APlanDescriptionCountsTheVusOfEveryPart) {
  std::vector<MergeInput> in;
  for (const char* segment : {"0:1/2", "1/2:1"}) {
    report::ResultsDocument d = part(0, segment, 1000);
    d.run.meta.max_vus = d.run.meta.vus = 5;
    d.run.meta.description = "plan: 2 scenario(s) (ramping-vus, constant-vus), up to 5 VUs";
    in.push_back({std::string(segment) + ".json", std::move(d)});
  }
  MergeOutcome out = merge_results(in, "perfgate merge");
  EXPECT_EQ(out.merged.run.meta.description,
            "plan: 2 scenario(s) (ramping-vus, constant-vus), up to 10 VUs");
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

TEST(Merge, PlacesLateCollectionsAndAShortLastIntervalInTheirOwnSeconds) {
  report::ResultsDocument a = part(0, "0:1/2", 1000), b = part(0, "1/2:1", 1000);
  for (report::ResultsDocument* d : {&a, &b}) {
    d->run.series.clear();
    d->intervals.clear();
    double start = 0;
    int64_t latency_us = 1000;
    for (double t : {1.00008, 2.00009, 2.4}) {  // collections a little late; a short last one
      results::TimeSeriesPoint p;
      p.t_seconds = t;
      p.requests = 1;
      d->run.series.push_back(p);
      HdrHistogram h = HdrHistogram::for_latency_micros();
      h.record(latency_us);
      d->intervals.push_back(
          {start, t - start, "http_req_duration", h.max(), encode_compressed_base64(h)});
      start = t;
      latency_us += 1000;
    }
  }
  std::vector<MergeInput> in;
  in.push_back({"a.json", a});
  in.push_back({"b.json", b});
  const auto& series = merge_results(in, "perfgate merge").merged.run.series;
  ASSERT_EQ(series.size(), 3u);
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(series[k].t_seconds, static_cast<double>(k + 1));
    EXPECT_EQ(series[k].requests, 2);
    EXPECT_NEAR(static_cast<double>(series[k].p99_us), 1000.0 * static_cast<double>(k + 1), 2);
  }
}

HdrHistogram latencies(std::initializer_list<std::pair<int64_t, int>> values) {
  HdrHistogram h = HdrHistogram::for_latency_micros();
  for (auto [value, times] : values) {
    for (int i = 0; i < times; ++i) h.record(value);
  }
  return h;
}

results::TimeSeriesPoint vus_point(double t, std::vector<int64_t> scenario_vus) {
  results::TimeSeriesPoint p;
  p.t_seconds = t;
  for (int64_t v : scenario_vus) p.active_vus += v;
  p.scenario_vus = std::move(scenario_vus);
  return p;
}

TEST(Merge, SumsScenarioVusByScenarioNameNotByPosition) {
  report::ResultsDocument a = part(0, "0:1/2", 1000), b = part(1, "1/2:1", 1000);
  a.run.scenarios = {"browse", "checkout"};
  a.run.series = {vus_point(1, {3, 1}), vus_point(2, {4, 2})};
  b.run.scenarios = {"checkout", "admin", "browse"};  // another order, and a name of its own
  b.run.series = {vus_point(1, {5, 1, 10}), vus_point(2, {6, 0, 20})};
  std::vector<MergeInput> in;
  in.push_back({"a.json", a});
  in.push_back({"b.json", b});
  const report::ResultsDocument merged = merge_results(in, "perfgate merge").merged;
  ASSERT_EQ(merged.run.scenarios, (std::vector<std::string>{"browse", "checkout", "admin"}));
  ASSERT_EQ(merged.run.series.size(), 3u);
  // Second 2: a's second 2 ({4, 2}) and b's second 1 ({checkout 5, admin 1, browse 10}).
  EXPECT_EQ(merged.run.series[0].scenario_vus, (std::vector<int64_t>{3, 1, 0}));
  EXPECT_EQ(merged.run.series[1].scenario_vus, (std::vector<int64_t>{14, 7, 1}));
  EXPECT_EQ(merged.run.series[2].scenario_vus, (std::vector<int64_t>{20, 6, 0}));
  for (const auto& p : merged.run.series) {
    int64_t sum = 0;
    for (int64_t v : p.scenario_vus) sum += v;
    EXPECT_EQ(sum, p.active_vus) << "at " << p.t_seconds;
  }
  // A part that lists no scenarios: its VUs cannot be placed, so the merge has none.
  in.push_back({"c.json", part(0, "", 1000)});
  const report::ResultsDocument without = merge_results(in, "perfgate merge").merged;
  EXPECT_TRUE(without.run.scenarios.empty());
  for (const auto& p : without.run.series) EXPECT_TRUE(p.scenario_vus.empty());
}

// A name's point of `requests` requests at end second t, percentiles from `h`, and (when
// `keep`) its `name:` interval histogram, as a part writes them.
void add_name_point(report::ResultsDocument& d, const std::string& name, double t,
                    const HdrHistogram& h, bool keep, int64_t failures = 0) {
  auto& names = d.run.name_series.names;
  auto it = std::find_if(names.begin(), names.end(), [&](const auto& n) { return n.name == name; });
  if (it == names.end()) it = names.insert(names.end(), results::NameSeries{name, {}});
  it->points.push_back({t, h.count(), failures, h.value_at_percentile(50),
                        h.value_at_percentile(95), h.value_at_percentile(99)});
  if (keep)
    d.intervals.push_back({t - 1, 1.0, "name:" + name, h.max(), encode_compressed_base64(h)});
}

const results::NameSeries* find_series(const report::ResultsDocument& d, const std::string& name) {
  for (const auto& n : d.run.name_series.names) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

TEST(Merge, NameSeriesPercentilesAreExactWhereThePartsKeptTheirIntervalHistograms) {
  report::ResultsDocument a = part(0, "0:1/2", 1000), b = part(0, "1/2:2/3", 1000),
                          c = part(0, "2/3:1", 1000);
  const HdrHistogram fast = latencies({{1000, 60}}), slow = latencies({{9000, 40}});
  add_name_point(a, "login", 1, fast, true, 2);
  add_name_point(b, "login", 1, slow, true, 1);
  add_name_point(a, "cart", 1, fast, false);  // no interval histograms: an upper bound
  add_name_point(b, "cart", 1, slow, false);
  // c has no name_series at all (a file written before it existed).
  std::vector<MergeInput> in;
  in.push_back({"a.json", a});
  in.push_back({"b.json", b});
  in.push_back({"c.json", c});
  const report::ResultsDocument merged = merge_results(in, "perfgate merge").merged;
  EXPECT_EQ(merged.run.name_series.interval_seconds, 1);
  const results::NameSeries* login = find_series(merged, "login");
  ASSERT_NE(login, nullptr);
  ASSERT_EQ(login->points.size(), 1u);
  HdrHistogram both = fast;
  both.add(slow);
  EXPECT_EQ(login->points[0].requests, 100);
  EXPECT_EQ(login->points[0].failures, 3);
  EXPECT_EQ(login->points[0].p50_us, both.value_at_percentile(50));  // ~1 ms, not the max 9 ms
  EXPECT_LT(login->points[0].p50_us, 2000);
  EXPECT_EQ(login->points[0].p99_us, both.value_at_percentile(99));
  const results::NameSeries* cart = find_series(merged, "cart");
  ASSERT_NE(cart, nullptr);
  EXPECT_EQ(cart->points[0].requests, 100);
  EXPECT_EQ(cart->points[0].p50_us, slow.value_at_percentile(50));  // the higher part's
}

TEST(Merge, NameSeriesCoarsensToTheLargestIntervalAndFoldsBeyondTwentyNames) {
  report::ResultsDocument a = part(0, "0:1/2", 1000), b = part(2, "1/2:1", 1000);
  const HdrHistogram h = latencies({{1000, 10}});
  for (double t : {1, 2, 3, 4}) add_name_point(a, "home", t, h, false);
  b.run.name_series.interval_seconds = 2;
  for (double t : {2, 4}) add_name_point(b, "home", t, h, false);  // on the axis: 4 and 6
  // 21 names in a with home (each n less busy than the one before), and b's own "other": the
  // 20 busiest are kept, n19 is folded.
  for (int k = 0; k < 20; ++k) {
    add_name_point(a, "n" + std::to_string(k), 1, latencies({{1000, 30 - k}}), false);
  }
  add_name_point(b, results::kOtherSeriesName, 2, latencies({{5000, 1}}), false);
  std::vector<MergeInput> in;
  in.push_back({"a.json", a});
  in.push_back({"b.json", b});
  const report::ResultsDocument merged = merge_results(in, "perfgate merge").merged;
  const results::NameSeriesSet& set = merged.run.name_series;
  EXPECT_EQ(set.interval_seconds, 2);
  ASSERT_EQ(set.names.size(), results::kMaxSeriesNames + 1);
  EXPECT_EQ(set.names[0].name, "home");       // 60 requests: the busiest
  ASSERT_EQ(set.names[0].points.size(), 3u);  // seconds 1-2, 3-4 and 5-6
  EXPECT_EQ(set.names[0].points[0].requests, 20);
  EXPECT_EQ(set.names[0].points[1].requests, 30);  // a's 3 and 4, b's 2 (4 on the axis)
  EXPECT_EQ(set.names[0].points[2].requests, 10);
  EXPECT_EQ(set.names[0].points[2].t_seconds, 6);
  const results::NameSeries& other = set.names.back();
  EXPECT_EQ(other.name, results::kOtherSeriesName);
  EXPECT_NE(find_series(merged, "n18"), nullptr);
  EXPECT_EQ(find_series(merged, "n19"), nullptr);  // the least busy of the names: folded
  int64_t folded = 0;
  for (const auto& p : other.points) folded += p.requests;
  EXPECT_EQ(folded, 11 + 1);  // n19's 11 and b's other
}

results::PlanRunOutcome plan_run(const HdrHistogram& groups, int64_t failed, bool aborted) {
  results::PlanRunOutcome r;
  r.name = "shop";
  r.groups = {"", "::cart"};
  r.group_duration = groups;
  results::SubMetricOutcome trend{"http_req_duration{kind:page}",
                                  results::SubMetricOutcome::Kind::kTrend, 0, 0, groups.count()};
  trend.trend = groups;
  r.sub_metrics.push_back(trend);
  r.sub_metrics.push_back(
      {"http_req_failed{kind:page}", results::SubMetricOutcome::Kind::kRate, failed, 100, 100});
  r.iterations_started_per_second = {5, 6, 7};
  r.aborted = aborted;
  if (aborted) r.abort_reason = "http_req_failed rate<0.01 failed", r.aborted_at_seconds = 2.5;
  return r;
}

TEST(Merge, PlanRunAddsHistogramsAlignsStartsKeepsTheAbortAndFeedsThresholds) {
  report::ResultsDocument a = part(0, "0:1/2", 1000), b = part(1, "1/2:1", 1000);
  const HdrHistogram fast = latencies({{2000, 90}}), slow = latencies({{50000, 10}});
  a.plan_run = plan_run(fast, 0, false);
  b.plan_run = plan_run(slow, 3, true);
  b.plan_run->groups = {"::checkout", "::cart"};
  for (auto* d : {&a, &b}) {
    // Each part alone fails p(95)<10 (b) or passes it (a); on the merged data p(95) is 50 ms.
    d->thresholds.push_back({"group_duration", "p(95)<10", d == &a, 0, "ms", false});
    d->thresholds.push_back({"http_req_duration{kind:page}", "p(90)<10", true, 0, "ms", false});
    d->thresholds.push_back({"http_req_failed{kind:page}", "rate<0.02", d == &a, 0, "", false});
  }
  std::vector<MergeInput> in;
  in.push_back({"a.json", a});
  in.push_back({"b.json", b});
  const MergeOutcome out = merge_results(in, "perfgate merge");
  ASSERT_TRUE(out.merged.plan_run);
  const results::PlanRunOutcome& r = *out.merged.plan_run;
  HdrHistogram both = fast;
  both.add(slow);
  EXPECT_EQ(encode_compressed_base64(r.group_duration), encode_compressed_base64(both));
  EXPECT_EQ(r.groups, (std::vector<std::string>{"", "::cart", "::checkout"}));
  ASSERT_EQ(r.sub_metrics.size(), 2u);
  EXPECT_EQ(r.sub_metrics[0].trend.count(), 100);
  EXPECT_EQ(r.sub_metrics[1].count, 3);
  EXPECT_EQ(r.sub_metrics[1].total, 200);
  EXPECT_EQ(r.iterations_started_per_second, (std::vector<int64_t>{5, 11, 13, 7}));
  EXPECT_TRUE(r.aborted);
  EXPECT_DOUBLE_EQ(r.aborted_at_seconds, 3.5);  // b's 2.5 s, b started a second later
  EXPECT_NE(r.abort_reason.find("part 1/2:1"), std::string::npos) << r.abort_reason;
  // group_duration, the trend sub-metric and the rate sub-metric: evaluated on the merged data.
  auto threshold = [&](const std::string& metric) {
    for (const auto& t : out.merged.thresholds) {
      if (t.metric == metric) return t;
    }
    return report::ThresholdOutcome{};
  };
  EXPECT_FALSE(threshold("group_duration").passed);
  EXPECT_DOUBLE_EQ(threshold("group_duration").observed,
                   static_cast<double>(both.value_at_percentile(95)) / 1000);
  EXPECT_TRUE(threshold("http_req_duration{kind:page}").passed);  // p(90) is 2 ms
  EXPECT_DOUBLE_EQ(threshold("http_req_failed{kind:page}").observed, 3.0 / 200);
  EXPECT_TRUE(threshold("http_req_failed{kind:page}").passed);  // b alone failed it
  EXPECT_TRUE(out.notes.empty()) << out.notes.front();
}

TEST(Merge, SumsCustomCountersAndRatesExactlyAndLeavesCustomTrendsOut) {
  report::ResultsDocument a = part(0, "0:1/2", 1000), b = part(0, "1/2:1", 1000);
  a.plan_run = plan_run(latencies({{2000, 4}}), 0, false);
  b.plan_run = plan_run(latencies({{4000, 6}}), 0, false);
  a.plan_metrics = {{"ok", "rate", "", {{"value", 0.9}, {"passes", 9}, {"fails", 1}}},
                    {"orders", "counter", "", {{"count", 10}, {"rate", 5}}},
                    {"queue", "gauge", "", {{"value", 3}, {"min", 1}, {"max", 7}}},
                    {"think", "trend", "", {{"avg", 5}, {"max", 9}}}};
  b.plan_metrics = {{"ok", "rate", "", {{"value", 0.3}, {"passes", 3}, {"fails", 7}}},
                    {"orders", "counter", "", {{"count", 20}, {"rate", 10}}},
                    {"queue", "gauge", "", {{"value", 0}, {"min", 0}, {"max", 4}}}};
  for (auto* d : {&a, &b}) {
    d->thresholds.push_back({"orders", "count>=25", false, 0, "", false});
    d->thresholds.push_back({"ok", "rate>0.5", d == &a, 0, "", false});
    d->thresholds.push_back({"queue", "max<8", true, 0, "", false});
  }
  std::vector<MergeInput> in;
  in.push_back({"a.json", a});
  in.push_back({"b.json", b});
  const MergeOutcome out = merge_results(in, "perfgate merge");
  const auto& metrics = out.merged.plan_metrics;
  auto stats = [&](const std::string& name) {
    for (const auto& m : metrics) {
      if (m.name == name) return m.stats;
    }
    return std::vector<std::pair<std::string, double>>{};
  };
  ASSERT_EQ(metrics.size(), 4u);  // group_duration, ok, orders, queue: not the trend
  EXPECT_EQ(metrics[0].name, "group_duration");
  EXPECT_EQ(stats("group_duration").front(), (std::pair<std::string, double>{"count", 10}));
  EXPECT_EQ(stats("orders").front(), (std::pair<std::string, double>{"count", 30}));
  EXPECT_EQ(stats("ok").front(), (std::pair<std::string, double>{"value", 0.6}));
  EXPECT_EQ(stats("queue"), (std::vector<std::pair<std::string, double>>{{"min", 0}, {"max", 7}}));
  ASSERT_EQ(out.merged.thresholds.size(), 5u);
  EXPECT_TRUE(out.merged.thresholds[2].passed);  // orders count>=25: 30
  EXPECT_EQ(out.merged.thresholds[2].observed, 30);
  EXPECT_TRUE(out.merged.thresholds[3].passed);  // ok rate>0.5: 12 of 20
  EXPECT_DOUBLE_EQ(out.merged.thresholds[3].observed, 0.6);
  EXPECT_EQ(out.merged.thresholds[4].observed, 7);
  ASSERT_EQ(out.notes.size(), 1u);
  EXPECT_NE(out.notes[0].find("custom trend think"), std::string::npos) << out.notes[0];
}

TEST(Merge, APartStartedFarOffDoesNotGrowTheIterationStartsBeyondTheirBound) {
  report::ResultsDocument a = part(0, "0:1/2", 1000), b = part(5'000'000, "1/2:1", 1000);
  a.plan_run = plan_run(latencies({{2000, 4}}), 0, false);
  b.plan_run = plan_run(latencies({{4000, 6}}), 0, false);
  std::vector<MergeInput> in;
  in.push_back({"a.json", a});
  in.push_back({"b.json", b});
  const auto merged = merge_results(in, "perfgate merge").merged;
  ASSERT_TRUE(merged.plan_run);
  EXPECT_EQ(merged.plan_run->iterations_started_per_second, (std::vector<int64_t>{5, 6, 7}));
  EXPECT_EQ(merged.plan_run->group_duration.count(), 10);  // the histograms still add up
}

TEST(Merge, PartsWithoutPlanRunMergeWithout) {
  std::vector<MergeInput> in;
  in.push_back({"a.json", part(0, "0:1/2", 1000)});
  in.push_back({"b.json", part(0, "1/2:1", 1000)});
  EXPECT_FALSE(merge_results(in, "perfgate merge").merged.plan_run);
}

}  // namespace
}  // namespace perfgate::cli
