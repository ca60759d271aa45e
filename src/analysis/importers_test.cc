#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "analysis/metric_table.h"
#include "stats/hdr_encoding.h"

namespace perfgate::analysis {
namespace {

std::string fixture(const std::string& name) {
  return std::string(PERFGATE_SOURCE_DIR) + "/tests/analysis/fixtures/" + name;
}

MetricTable load(const std::string& name, std::string_view format = "auto") {
  auto set = load_metric_table(fixture(name), format);
  EXPECT_TRUE(set) << set.error().describe();
  return set ? *set : MetricTable{};
}

TEST(Importers, K6SummaryExport) {
  const MetricTable set = load("k6_baseline.json");
  EXPECT_EQ(set.format, "k6");
  const Metric* p95 = set.find("http_req_duration p(95)");
  ASSERT_NE(p95, nullptr);
  EXPECT_DOUBLE_EQ(p95->value, 88.9);
  EXPECT_EQ(p95->unit, "ms");
  EXPECT_EQ(p95->direction, Direction::kLowerIsBetter);
  const Metric* rate = set.find("http_reqs rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->direction, Direction::kHigherIsBetter);
  EXPECT_EQ(set.find("http_req_failed value")->direction, Direction::kLowerIsBetter);
  EXPECT_EQ(set.find("checks value")->direction, Direction::kHigherIsBetter);
  EXPECT_EQ(set.find("http_req_duration thresholds"), nullptr);  // not a number
}

TEST(Importers, PerfgateSummaryWithMonitoringMetrics) {
  const MetricTable set = load("perfgate_summary.json");
  EXPECT_EQ(set.format, "perfgate");
  EXPECT_EQ(set.context.at("version"), "0.1.0");
  EXPECT_EQ(set.find("sut_rss_bytes max")->unit, "bytes");
  EXPECT_EQ(set.find("sut_cpu_percent avg")->unit, "%");
  EXPECT_EQ(set.find("sut_rss_slope_mb_per_hour value")->unit, "MB/h");
  EXPECT_EQ(set.find("sut_rss_bytes max")->direction, Direction::kLowerIsBetter);
}

TEST(Importers, PerfgateHistogramsAreDecoded) {
  HdrHistogram h = HdrHistogram::for_latency_micros();
  for (int i = 1; i <= 1000; ++i) h.record(i * 10);  // 10 µs .. 10 ms
  const std::string text =
      R"j({"perfgate": {"version": "0.1.0"}, "metrics": {"http_req_duration":
          {"avg": 5.0, "p(95)": 9.5, "hdr": ")j" +
      encode_compressed_base64(h) + R"j("}}})j";
  auto set = parse_metric_table(text, "auto", "inline");
  ASSERT_TRUE(set) << set.error().describe();
  const Metric* p95 = set->find("http_req_duration p(95)");
  ASSERT_NE(p95, nullptr);
  ASSERT_NE(p95->histogram, nullptr);
  EXPECT_EQ(p95->histogram->count(), 1000);
  EXPECT_DOUBLE_EQ(p95->histogram_scale, 0.001);
  auto bad = parse_metric_table(
      R"({"perfgate": {}, "metrics": {"x_duration": {"avg": 1, "hdr": "HISTFAAAbad="}}})", "auto",
      "inline");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("bad histogram"), std::string::npos);
}

TEST(Importers, PerfgateResultsFileTrendsHistogramsAndNames) {
  const MetricTable set = load("perfgate_results_baseline.json");
  EXPECT_EQ(set.format, "perfgate");
  EXPECT_EQ(set.context.at("git_commit"), "0123456789abcdef0123456789abcdef01234567");
  const Metric* p95 = set.find("http_req_duration p(95)");
  ASSERT_NE(p95, nullptr);
  EXPECT_EQ(p95->unit, "ms");
  ASSERT_NE(p95->histogram, nullptr);
  EXPECT_EQ(p95->histogram->count(), 2000);
  // The summary value (µs in the file) and the histogram agree, in ms.
  EXPECT_DOUBLE_EQ(p95->value, p95->histogram->value_at_percentile(95) * 0.001);
  EXPECT_NE(set.find("http_req_duration{name:GET /api} p(99)"), nullptr);
  EXPECT_EQ(set.find("http_reqs rate")->direction, Direction::kHigherIsBetter);
  EXPECT_EQ(set.find("http_req_failed value")->unit, "ratio");
  EXPECT_EQ(set.find("vus max")->value, 17);
  auto newer = load_metric_table(fixture("perfgate_results_v2.json"));
  ASSERT_FALSE(newer);
  EXPECT_NE(newer.error().message.find("version 2 is newer"), std::string::npos);
}

TEST(Importers, PerfgateResultsFileMonitorMetricsAreMetrics) {
  const std::string path = ::testing::TempDir() + "perfgate_results_monitor.json";
  std::ofstream(path) << R"({"format": "perfgate-results", "version": 1,
    "monitor": {"duration_s": 10, "metrics": {
      "sut_rss_bytes": {"avg": 1.0e8, "max": 1.5e8},
      "sut_rss_slope_mb_per_hour": {"value": 0.4}}}})";
  auto set = load_metric_table(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(set) << set.error().describe();
  const Metric* rss = set->find("sut_rss_bytes max");
  ASSERT_NE(rss, nullptr);
  EXPECT_EQ(rss->value, 1.5e8);
  EXPECT_EQ(rss->unit, "bytes");
  EXPECT_EQ(rss->direction, Direction::kLowerIsBetter);
  ASSERT_NE(set->find("sut_rss_slope_mb_per_hour value"), nullptr);
  EXPECT_EQ(set->find("monitor duration_s"), nullptr) << "only the metrics object holds metrics";
}

TEST(Importers, GoogleBenchmarkRepetitionsAreSamplesAggregatesAreNot) {
  const MetricTable set = load("gbench_baseline.json");  // contains a bare NaN
  EXPECT_EQ(set.format, "gbench");
  const Metric* real = set.find("BM_Parse/64 real_time");
  ASSERT_NE(real, nullptr);
  EXPECT_EQ(real->samples.size(), 6u);  // 6 repetitions; _mean/_median/_stddev/_cv excluded
  EXPECT_EQ(real->unit, "ns");
  EXPECT_GT(real->value, 700);
  EXPECT_EQ(set.find("BM_Parse/64 bytes_per_second")->direction, Direction::kHigherIsBetter);
  EXPECT_EQ(set.find("BM_Parse/64 iterations"), nullptr);
}

TEST(Importers, GoogleBenchmarkAggregatesOnly) {
  auto set = parse_metric_table(R"({"context": {}, "benchmarks": [
      {"name": "BM_A_mean", "run_name": "BM_A", "run_type": "aggregate", "aggregate_name": "mean",
       "aggregate_unit": "time", "real_time": 10.5, "cpu_time": 10.0, "time_unit": "us"},
      {"name": "BM_A_median", "run_name": "BM_A", "run_type": "aggregate", "aggregate_name": "median",
       "aggregate_unit": "time", "real_time": 10.2, "cpu_time": 9.9, "time_unit": "us"},
      {"name": "BM_B", "run_name": "BM_B", "run_type": "iteration", "error_occurred": true,
       "error_message": "boom", "real_time": 0, "time_unit": "ns"}]})",
                                "auto", "inline");
  ASSERT_TRUE(set) << set.error().describe();
  const Metric* a = set->find("BM_A real_time");
  ASSERT_NE(a, nullptr);
  EXPECT_DOUBLE_EQ(a->value, 10.2);  // the median aggregate
  EXPECT_TRUE(a->samples.empty());
  EXPECT_EQ(set->find("BM_B real_time"), nullptr);  // errored benchmarks measured nothing
}

TEST(Importers, HyperfineTimesAreSamples) {
  const MetricTable set = load("hyperfine_baseline.json");
  EXPECT_EQ(set.format, "hyperfine");
  const Metric* t = set.find("sleep 0.1 time");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->samples.size(), 12u);
  EXPECT_EQ(t->unit, "s");
  ASSERT_NE(set.find("sleep 0.1 user"), nullptr);
  // hyperfine exports user/system as means over the runs: no noise estimate, not judged alone.
  EXPECT_TRUE(set.find("sleep 0.1 user")->needs_samples);
  EXPECT_TRUE(set.find("sleep 0.1 user")->samples.empty());
}

TEST(Importers, HyperfinePerRunUserAndSystemAreSamples) {
  auto set = parse_metric_table(
      R"({"results": [{"command": "x", "mean": 0.01, "times": [0.01, 0.011, 0.009, 0.01],
          "user": [0.004, 0.005, 0.004, 0.005], "system_times": [0.001, 0.002, 0.001, 0.001]}]})",
      "auto", "h.json");
  ASSERT_TRUE(set) << set.error().describe();
  EXPECT_EQ(set->find("x user")->samples.size(), 4u);
  EXPECT_FALSE(set->find("x user")->needs_samples);
  EXPECT_EQ(set->find("x system")->samples.size(), 4u);
}

TEST(Importers, K6HandleSummaryValuesAreRead) {
  auto set = parse_metric_table(R"json({"root_group": {"name": "", "groups": [], "checks": []},
      "options": {"summaryTrendStats": ["avg", "p(95)"]}, "state": {"testRunDurationMs": 3000},
      "metrics": {
        "http_req_duration": {"type": "trend", "contains": "time",
                              "values": {"avg": 12.5, "med": 10, "p(95)": 30},
                              "thresholds": {"p(95)<200": {"ok": true}}},
        "http_req_failed": {"type": "rate", "contains": "default",
                            "values": {"rate": 0.02, "passes": 2, "fails": 98}},
        "http_reqs": {"type": "counter", "contains": "default",
                      "values": {"count": 100, "rate": 33.3}},
        "data_received": {"type": "counter", "contains": "data",
                          "values": {"count": 5000, "rate": 1666}},
        "vus": {"type": "gauge", "contains": "default", "values": {"value": 1, "min": 1, "max": 5}}
      }})json",
                                "auto", "summary.json");
  ASSERT_TRUE(set) << set.error().describe();
  EXPECT_EQ(set->format, "k6");
  ASSERT_NE(set->find("http_req_duration p(95)"), nullptr);
  EXPECT_EQ(set->find("http_req_duration p(95)")->unit, "ms");
  EXPECT_DOUBLE_EQ(set->find("http_req_duration p(95)")->value, 30);
  ASSERT_NE(set->find("http_req_failed value"), nullptr) << "a Rate's rate is its value";
  EXPECT_DOUBLE_EQ(set->find("http_req_failed value")->value, 0.02);
  EXPECT_EQ(set->find("http_req_failed value")->direction, Direction::kLowerIsBetter);
  EXPECT_EQ(set->find("http_reqs rate")->unit, "/s");
  EXPECT_EQ(set->find("data_received count")->unit, "");
  EXPECT_EQ(set->find("data_received rate")->unit, "bytes/s");
  EXPECT_DOUBLE_EQ(set->find("vus max")->value, 5);
}

TEST(Importers, NoMetricsIsAnErrorNotAnEmptySet) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"metrics": {}})", "no metrics"},
      {R"({"lighthouseVersion": "11.0.0", "audits": {}, "categories": {},
           "runtimeError": {"code": "NO_FCP", "message": "The page did not paint"}})",
       "The page did not paint"},
      {R"({"results": []})", "no metrics"},
      {R"({"benchmarks": []})", "no metrics"},
  };
  for (const auto& [text, expected] : cases) {
    auto set = parse_metric_table(text, "auto", "run.json");
    ASSERT_FALSE(set) << text;
    EXPECT_NE(set.error().message.find(expected), std::string::npos) << set.error().message;
    EXPECT_NE(set.error().message.find("nothing to compare"), std::string::npos);
  }
}

TEST(Importers, FingerprintIsStableAndContentSensitive) {
  const MetricTable a = load("k6_baseline.json");
  EXPECT_EQ(fingerprint(a), fingerprint(load("k6_baseline.json")));
  EXPECT_EQ(fingerprint(a).size(), 16u);
  EXPECT_NE(fingerprint(a), fingerprint(load("k6_regressed.json")));
}

TEST(Importers, PerfgateResultsThroughputHasPerSecondSamples) {
  auto set = parse_metric_table(R"({"format": "perfgate-results", "version": 1,
      "counters": {"http_reqs": {"count": 350, "rate": 100}},
      "series": {"interval_s": 1, "points": [{"t": 1.0, "requests": 100},
          {"t": 2.0, "requests": 110}, {"t": 3.0, "requests": 90}, {"t": 3.5, "requests": 50}]}})",
                                "auto", "r.json");
  ASSERT_TRUE(set) << set.error().describe();
  const Metric* rate = set->find("http_reqs rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->samples, (std::vector<double>{100, 110, 90})) << "the partial second is out";
}

// A plan's custom metrics and group_duration are metrics of compare, gate and history.
TEST(Importers, PerfgateResultsPlanMetrics) {
  auto set = parse_metric_table(R"j({"format": "perfgate-results", "version": 1, "plan_metrics": {
      "group_duration": {"type": "trend", "unit": "ms", "count": 3, "avg": 12.5, "p(95)": 20},
      "orders": {"type": "counter", "count": 12, "rate": 1.2},
      "ok_ratio": {"type": "rate", "value": 0.75, "passes": 3, "fails": 1}}})j",
                                "auto", "r.json");
  ASSERT_TRUE(set) << set.error().describe();
  const Metric* p95 = set->find("group_duration p(95)");
  ASSERT_NE(p95, nullptr);
  EXPECT_EQ(p95->value, 20);
  EXPECT_EQ(p95->unit, "ms");
  EXPECT_EQ(p95->direction, Direction::kLowerIsBetter);
  EXPECT_EQ(set->find("group_duration count")->unit, "");
  ASSERT_NE(set->find("orders count"), nullptr);
  EXPECT_EQ(set->find("orders count")->value, 12);
  EXPECT_EQ(set->find("orders rate")->unit, "/s");
  EXPECT_EQ(set->find("ok_ratio value")->value, 0.75);
  EXPECT_EQ(set->find("plan_metrics"), nullptr);
  EXPECT_EQ(set->find("orders type"), nullptr);
}

TEST(Importers, LighthouseScoresAndAuditsSkippingErrors) {
  const MetricTable set = load("lighthouse.json");
  EXPECT_EQ(set.format, "lighthouse");
  const Metric* score = set.find("performance score");
  ASSERT_NE(score, nullptr);
  EXPECT_DOUBLE_EQ(score->value, 0.89);
  EXPECT_EQ(score->direction, Direction::kHigherIsBetter);
  for (const char* audit : {"first-contentful-paint", "largest-contentful-paint",
                            "total-blocking-time", "cumulative-layout-shift", "interactive"}) {
    EXPECT_NE(set.find(audit), nullptr) << audit;
  }
  EXPECT_EQ(set.find("largest-contentful-paint")->unit, "ms");
  EXPECT_EQ(set.find("speed-index"), nullptr);  // errored audit skipped
  EXPECT_EQ(set.find("viewport"), nullptr);     // no numericValue
}

TEST(Importers, BencherMetricFormat) {
  const MetricTable set = load("bmf.json");
  EXPECT_EQ(set.format, "bmf");
  EXPECT_DOUBLE_EQ(set.find("benchmark_name latency")->value, 88.0);
  EXPECT_EQ(set.find("benchmark_name latency")->unit, "ns");
  EXPECT_EQ(set.find("benchmark_name throughput")->direction, Direction::kHigherIsBetter);
  EXPECT_EQ(set.find("my_binary file-size")->unit, "bytes");
}

TEST(Importers, ExplicitFormatOverridesDetection) {
  auto wrong = load_metric_table(fixture("k6_baseline.json"), "hyperfine");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("k6_baseline.json"), std::string::npos);
  EXPECT_NE(wrong.error().message.find("results"), std::string::npos);
  auto unknown = load_metric_table(fixture("k6_baseline.json"), "jmeter");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("unknown format"), std::string::npos);
}

// Malformed input of every format: an error naming the source, never a crash.
TEST(Importers, MalformedInputGivesClearErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"k6", R"({"metrics": {"http_req_duration": 5}})"},
      {"k6", R"({"metrics": [1, 2]})"},
      {"gbench", R"({"benchmarks": [{"run_type": "iteration", "real_time": 5}]})"},
      {"gbench", R"({"benchmarks": [3]})"},
      {"hyperfine", R"({"results": [{"mean": 1}]})"},
      {"hyperfine", R"({"results": [{"command": "x", "times": "fast"}]})"},
      {"lighthouse", R"({"audits": []})"},
      {"bmf", R"({"bench": {"latency": {"lower_value": 1}}})"},
      {"bmf", R"({"bench": 7})"},
      {"auto", R"([1, 2, 3])"},
      {"auto", "{\"metrics\": {\n\"a\": {\"avg\": 1,,}}}"},
      {"auto", ""},
  };
  for (const auto& [format, text] : cases) {
    auto set = parse_metric_table(text, format, "input.json");
    ASSERT_FALSE(set) << format << ": " << text;
    EXPECT_EQ(set.error().message.rfind("input.json", 0), 0u) << set.error().message;
  }
  auto positioned =
      parse_metric_table("{\"metrics\": {\n\"a\": {\"avg\": 1,,}}}", "auto", "f.json");
  EXPECT_NE(positioned.error().message.find("f.json:2:"), std::string::npos)
      << positioned.error().message;
  auto missing = load_metric_table(fixture("does_not_exist.json"));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("does_not_exist.json"), std::string::npos);
}

// compare, gate and history judge only possible values, whatever the format.
TEST(Importers, NegativeCountsAndTimesAreRefused) {
  auto count = parse_metric_table(R"({"metrics": {"http_reqs": {"count": -5, "rate": 1}}})", "k6",
                                  "neg.json");
  ASSERT_FALSE(count);
  EXPECT_NE(count.error().message.find("neg.json: metric 'http_reqs count' has a negative value"),
            std::string::npos)
      << count.error().message;
  auto duration = parse_metric_table(
      R"j({"metrics": {"http_req_duration": {"avg": -1, "p(95)": 3}}})j", "k6", "t.json");
  ASSERT_FALSE(duration);
  auto fine =
      parse_metric_table(R"({"metrics": {"vus": {"value": 2, "min": 0}}})", "k6", "ok.json");
  EXPECT_TRUE(fine) << fine.error().describe();
}

}  // namespace
}  // namespace perfgate::analysis
