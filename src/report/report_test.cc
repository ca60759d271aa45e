#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/console_summary.h"
#include "report/summary_json.h"

namespace perfgate::report {
namespace {

using results::ErrorClass;
using results::Trend;

// An open-model run with known numbers: 1000 requests of 1..1000 ms corrected latency,
// 20 ms uncorrected, 3 refused connections, one 503.
results::RunResult sample_run() {
  results::RunResult r;
  r.meta.version = "9.9.9";
  r.meta.command_line = "perfgate run http://127.0.0.1:1/ --rate 100";
  r.meta.model = results::Model::kOpen;
  r.meta.target_url = "http://127.0.0.1:1/";
  r.meta.start_unix_nanos = 1'700'000'000LL * kNanosPerSecond;
  r.meta.duration = 10 * kNanosPerSecond;
  r.meta.elapsed = 10 * kNanosPerSecond;
  r.meta.threads = 2;
  r.meta.max_vus = 100;
  r.meta.rate = 100;
  for (int i = 1; i <= 1000; ++i) {
    r.totals.trend(Trend::kDuration).record(i * 1000);
    r.totals.trend(Trend::kDurationUncorrected).record(20000);
  }
  r.totals.http_reqs = 1003;
  r.totals.failed_requests = 4;
  r.totals.iterations = 1003;
  r.totals.dropped_iterations = 7;
  r.totals.data_sent = 50000;
  r.totals.statuses[200] = 999;
  r.totals.statuses[503] = 1;
  r.totals.statuses[0] = 3;
  r.totals.errors[static_cast<size_t>(ErrorClass::kConnectRefused)] = 3;
  r.totals.errors[static_cast<size_t>(ErrorClass::kHttp5xx)] = 1;
  r.vus = {0, 0, 12};
  r.vus_max = {15, 0, 15};
  r.health.warnings.push_back("the load generator was saturated: 97%");
  r.series.push_back({1.0, 100, 0, 5, 500, 900, 950, 990, 1000, 10});
  return r;
}

TEST(SummaryJson, HasK6SummaryExportShapeInMilliseconds) {
  const auto j = nlohmann::json::parse(format_summary_json(sample_run()));
  const auto& m = j.at("metrics");
  EXPECT_EQ(m.at("http_reqs").at("count"), 1003);
  EXPECT_DOUBLE_EQ(m.at("http_reqs").at("rate").get<double>(), 100.3);
  const auto& d = m.at("http_req_duration");
  EXPECT_NEAR(d.at("max").get<double>(), 1000.0, 1.0);
  EXPECT_NEAR(d.at("med").get<double>(), 500.0, 1.0);
  EXPECT_NEAR(d.at("p(99)").get<double>(), 990.0, 1.0);
  EXPECT_NEAR(d.at("p(99.9)").get<double>(), 999.0, 1.0);
  EXPECT_NEAR(d.at("avg").get<double>(), 500.5, 1.0);
  EXPECT_NEAR(m.at("http_req_duration_uncorrected").at("p(95)").get<double>(), 20.0, 0.05);
  EXPECT_TRUE(m.contains("schedule_lag"));
  EXPECT_EQ(m.at("http_req_failed").at("passes"), 4);
  EXPECT_EQ(m.at("http_req_failed").at("fails"), 999);
  EXPECT_NEAR(m.at("http_req_failed").at("value").get<double>(), 4.0 / 1003, 1e-12);
  EXPECT_EQ(m.at("dropped_iterations").at("count"), 7);
  EXPECT_EQ(m.at("vus_max").at("value"), 15);
  EXPECT_EQ(m.at("vus").at("max"), 12);

  const auto& p = j.at("perfgate");
  EXPECT_EQ(p.at("model"), "open");
  EXPECT_EQ(p.at("version"), "9.9.9");
  EXPECT_EQ(p.at("start_time"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(p.at("threads"), 2);
  EXPECT_EQ(p.at("errors").at("connect_refused"), 3);
  EXPECT_EQ(p.at("errors").at("reset"), 0);
  EXPECT_EQ(p.at("responses").at("503"), 1);
  EXPECT_FALSE(p.at("health").at("trustworthy").get<bool>());
  EXPECT_EQ(p.at("time_series").size(), 1u);
  EXPECT_DOUBLE_EQ(p.at("time_series")[0].at("p99_ms").get<double>(), 0.99);
}

TEST(SummaryJson, RootGroupNestsGroupsAndChecksWithK6Ids) {
  const auto root =
      root_group_json({"::a::b", "::c"}, {{"", "top", 1, 2}, {"::a::b", "deep", 3, 0}});
  EXPECT_EQ(root.at("id"), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(root.at("checks").at(0).at("path"), "::top");
  EXPECT_EQ(root.at("checks").at(0).at("id"), k6_group_id("::top"));
  EXPECT_EQ(root.at("checks").at(0).at("fails"), 2);
  ASSERT_EQ(root.at("groups").size(), 2u);
  const auto& a = root.at("groups").at(0);
  EXPECT_EQ(a.at("name"), "a");
  EXPECT_EQ(a.at("path"), "::a");
  EXPECT_EQ(a.at("id"), k6_group_id("::a"));
  const auto& b = a.at("groups").at(0);
  EXPECT_EQ(b.at("name"), "b");
  EXPECT_EQ(b.at("checks").at(0).at("path"), "::a::b::deep");
  EXPECT_EQ(b.at("checks").at(0).at("passes"), 3);
  EXPECT_EQ(root.at("groups").at(1).at("path"), "::c");
  EXPECT_EQ(k6_group_id("abc"), "900150983cd24fb0d6963f7d28e17f72");  // RFC 1321's test vector
  const auto j = nlohmann::json::parse(format_summary_json(sample_run()));
  EXPECT_TRUE(j.at("root_group").at("groups").empty());
}

TEST(SummaryJson, ClosedModelLeavesOutOpenModelTrends) {
  auto r = sample_run();
  r.meta.model = results::Model::kClosed;
  const auto j = nlohmann::json::parse(format_summary_json(r));
  EXPECT_FALSE(j.at("metrics").contains("schedule_lag"));
  EXPECT_FALSE(j.at("metrics").contains("http_req_duration_uncorrected"));
  EXPECT_EQ(j.at("perfgate").at("model"), "closed");
}

TEST(ConsoleSummary, ShowsCountsErrorsCorrectionAndWarnings) {
  const std::string text = format_console_summary(sample_run());
  for (const char* expected :
       {"http_reqs", "1003", "100.3/s", "http_req_duration",
        "(from the scheduled start: corrected)", "http_req_duration_uncorrected", "schedule_lag",
        "p(99.9)=", "http_req_failed", "0.40%", "connect_refused=3", "http_5xx=1", "503=1",
        "no_response=3", "dropped_iterations", "7 scheduled iterations were dropped", "WARNING",
        "saturated: 97%"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n" << text;
  }
}

TEST(ConsoleSummary, ProgressLineHasTheLiveNumbers) {
  auto r = sample_run();
  const std::string line = format_progress_line(3, 10, 12, r.series[0], r.totals);
  EXPECT_NE(line.find("3s/10s"), std::string::npos) << line;
  EXPECT_NE(line.find("vus 12"), std::string::npos) << line;
  EXPECT_NE(line.find("100 req/s"), std::string::npos) << line;
  EXPECT_NE(line.find("p95 950µs"), std::string::npos) << line;
  EXPECT_NE(line.find("errors 0.40%"), std::string::npos) << line;
}

TEST(SummaryJson, WritesAtomicallyAndReportsBadPaths) {
  const std::string path = testing::TempDir() + "perfgate_summary_test.json";
  ASSERT_TRUE(write_summary_json(sample_run(), path));
  EXPECT_FALSE(write_summary_json(sample_run(), "/nonexistent-dir-perfgate/s.json"));
}

// A plan's custom metrics and group_duration, one k6-style line each.
TEST(ConsoleSummary, PlanMetricsInK6Style) {
  EXPECT_EQ(format_plan_metrics({}), "");
  const std::string text = format_plan_metrics(
      {{"group_duration", "trend", "ms", {{"count", 3}, {"avg", 12.5}, {"p(95)", 20}}},
       {"orders", "counter", "", {{"count", 12}, {"rate", 1.2}}},
       {"silent", "trend", "", {}}});
  EXPECT_NE(text.find("custom metrics and groups:"), std::string::npos) << text;
  EXPECT_NE(text.find("group_duration ."), std::string::npos) << text;
  EXPECT_NE(text.find("count=3 avg=12.5ms p(95)=20ms"), std::string::npos) << text;
  EXPECT_NE(text.find("count=12 rate=1.20/s"), std::string::npos) << text;
  EXPECT_NE(text.find("no samples"), std::string::npos) << text;
}

}  // namespace
}  // namespace perfgate::report
