// The HTML report as a file: self-contained, every marker filled, the data HTML-safe. The
// browser test (report_browser_test.cc) checks what it draws.
#include "report/html_report.h"

#include <gtest/gtest.h>

#include "fixture.h"
#include "monitor_fixture.h"
#include "report/report_assets.h"

namespace perfgate::report {
namespace {

using nlohmann::json;

// The JSON the page reads: the text of <script id="perfgate-data">, parsed back.
json embedded_data(const std::string& html) {
  const std::string open = R"(<script id="perfgate-data" type="application/json">)";
  const size_t begin = html.find(open);
  if (begin == std::string::npos) return nullptr;
  const size_t from = begin + open.size();
  return json::parse(html.substr(from, html.find("</script>", from) - from));
}

const json& chart(const json& charts, const std::string& id) {
  for (const json& c : charts["charts"]) {
    if (c["id"] == id) return c;
  }
  static const json kMissing = json::object();
  ADD_FAILURE() << "no chart " << id;
  return kMissing;
}

std::vector<std::string> labels(const json& chart) {
  std::vector<std::string> out;
  for (const json& s : chart.value("series", json::array())) out.push_back(s["label"]);
  return out;
}

TEST(HtmlReportTest, IsSelfContained) {
  const std::string html = format_html_report(testing::make_fixture());
  EXPECT_EQ(html.find("@PERFGATE_"), std::string::npos);  // every marker filled
  EXPECT_NE(html.find(assets::kUplotJs.substr(0, 200)), std::string::npos);
  for (const char* remote : {"src=\"http", "href=\"http", "src=\"//", "@import", "url(http"}) {
    EXPECT_EQ(html.find(remote), std::string::npos) << remote;
  }
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
}

// The page gets the per-interval detail it charts over time (per-name latency, errors by class,
// VUs by scenario) in its embedded results, with request names still HTML-safe.
TEST(HtmlReportTest, EmbedsTheTimeDetail) {
  ResultsDocument doc = testing::make_fixture();
  testing::add_time_detail(doc);
  const std::string html = format_html_report(doc);
  const json data = embedded_data(html);
  ASSERT_TRUE(data.is_object());
  const json& results = data["results"];
  const json& names = results["name_series"]["names"];
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[1]["name"], "POST /login <script>alert(1)</script>");
  EXPECT_EQ(names[1]["points"].size(), 8u);
  EXPECT_EQ(names[0]["points"][3], json({4.0, 150, 8, 4'400, 9'400, 15'000}));
  EXPECT_EQ(results["series"]["points"][3]["error_classes"],
            json({{"connect_refused", 2}, {"http_5xx", 10}}));
  EXPECT_EQ(results["series"]["scenarios"], json({"browse", "checkout"}));
  EXPECT_EQ(results["series"]["points"][0]["scenario_vus"], json({3, 1}));
  EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);

  const json plain = embedded_data(format_html_report(testing::make_fixture()))["results"];
  EXPECT_FALSE(plain.contains("name_series"));
  EXPECT_FALSE(plain["series"].contains("scenarios"));
}

TEST(HtmlReportTest, DataCannotCloseItsScriptElement) {
  const std::string html = format_html_report(testing::make_fixture());
  // The fixture's request name holds "</script>"; the page has exactly its own three.
  size_t closes = 0;
  for (size_t at = html.find("</script"); at != std::string::npos;
       at = html.find("</script", at + 1)) {
    ++closes;
  }
  EXPECT_EQ(closes, 3u);
  EXPECT_NE(html.find("\\u003c/script\\u003e"), std::string::npos);
  EXPECT_EQ(html_safe_json(nlohmann::json{{"a", "x</script><!--&"}}),
            R"({"a":"x\u003c/script\u003e\u003c!--\u0026"})");
  EXPECT_EQ(html_safe_json(nlohmann::json("\xE2\x80\xA8")), R"("\u2028")");
}

TEST(HtmlReportTest, SpectrumCoversTheTailUpToTheMaximum) {
  const ResultsDocument doc = testing::make_fixture();
  const auto spectrum = percentile_spectrum(doc);
  const auto& x = spectrum["x"];
  ASSERT_GE(x.size(), 30u);  // 2000 samples: 1/(1-p) up to ~2000, ten points a decade
  EXPECT_EQ(x[0], 1.0);
  EXPECT_GT(x.back().get<double>(), 2000.0);
  const auto& corrected = spectrum["series"]["http_req_duration"];
  const auto& uncorrected = spectrum["series"]["http_req_duration_uncorrected"];
  ASSERT_EQ(corrected.size(), x.size());
  EXPECT_EQ(corrected.back(), doc.run.totals.trend(results::Trend::kDuration).max());
  for (size_t i = 1; i < corrected.size(); ++i) EXPECT_GE(corrected[i], corrected[i - 1]);
  EXPECT_LT(uncorrected[10], corrected[10]);  // p90: uncorrected is 0.9x in the fixture

  ResultsDocument closed = doc;
  closed.run.meta.model = results::Model::kClosed;
  EXPECT_FALSE(percentile_spectrum(closed)["series"].contains("http_req_duration_uncorrected"));
}

TEST(HtmlReportTest, MonitorChartsUseTheRunsTimeAxis) {
  const ResultsDocument doc = testing::make_fixture_with_monitor();
  const json m = monitor_charts(doc);
  // The monitor started 0.5 s before the load test, so its sample at 1 s is 0.5 s into the run.
  EXPECT_DOUBLE_EQ(m["offset_s"].get<double>(), -testing::kMonitorLeadSeconds);
  ASSERT_EQ(m["x"].size(), static_cast<size_t>(testing::kMonitorSamples));
  for (int i = 0; i < testing::kMonitorSamples; ++i) {
    EXPECT_DOUBLE_EQ(m["x"][i].get<double>(), i + 1 - testing::kMonitorLeadSeconds);
  }
  // From 0 to the later of the load test's last interval (10 s) and the last sample (11.5 s).
  EXPECT_EQ(m["x_range"], json::array({0.0, 11.5}));
  std::vector<std::string> ids;
  for (const json& c : m["charts"]) ids.push_back(c["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"cpu", "memory", "disk", "network", "fds", "threads",
                                           "host-cpu"}));
}

TEST(HtmlReportTest, MonitorChartsHaveOneSeriesPerTargetAndField) {
  const json m = monitor_charts(testing::make_fixture_with_monitor());
  const std::string app = "app <cgroup> & co", self = "perfgate (self)",
                    worker = "pid 4242 (worker)";
  const json& cpu = chart(m, "cpu");
  EXPECT_EQ(cpu["unit"], "% of one core");
  EXPECT_EQ(labels(cpu), (std::vector<std::string>{app, self, worker, app + ": cgroup"}));
  for (int i = 0; i < testing::kMonitorSamples; ++i) {
    EXPECT_DOUBLE_EQ(cpu["series"][0]["values"][i].get<double>(), 20.0 * (i + 1));
    EXPECT_DOUBLE_EQ(cpu["series"][3]["values"][i].get<double>(), 20.0 * (i + 1) + 5);
  }
  EXPECT_TRUE(cpu["series"][1]["values"][5].is_null());  // self has no sample at 6 s
  EXPECT_EQ(cpu["series"][1]["values"][6], 50.0);
  EXPECT_EQ(cpu["series"][2]["values"][3], 50.0);  // the worker's last sample, then it exited
  EXPECT_TRUE(cpu["series"][2]["values"][4].is_null());

  const json& memory = chart(m, "memory");  // in MB (10^6 bytes)
  EXPECT_EQ(memory["unit"], "MB");
  EXPECT_EQ(labels(memory),
            (std::vector<std::string>{app + ": RSS", self + ": RSS", worker + ": RSS",
                                      app + ": cgroup memory", app + ": cgroup limit"}));
  EXPECT_NEAR(memory["series"][0]["values"][0].get<double>(), 105.2, 1e-9);
  EXPECT_NEAR(memory["series"][0]["values"][11].get<double>(), 160.4, 1e-9);
  EXPECT_NEAR(memory["series"][3]["values"][11].get<double>(), 170.4, 1e-9);
  EXPECT_NEAR(memory["series"][4]["values"][0].get<double>(), 180.0, 1e-9);
  EXPECT_EQ(memory["series"][4].value("limit", false), true);
  EXPECT_FALSE(memory["series"][0].contains("limit"));

  // Only the app reported open fds and I/O: no empty series for the others.
  EXPECT_EQ(labels(chart(m, "fds")), std::vector<std::string>{app});
  EXPECT_EQ(chart(m, "fds")["series"][0]["values"][11], 52.0);
  EXPECT_EQ(labels(chart(m, "disk")), (std::vector<std::string>{app + ": read", app + ": write"}));
  EXPECT_EQ(chart(m, "disk")["series"][0]["values"][2], 3000.0);
  EXPECT_EQ(labels(chart(m, "network")),
            (std::vector<std::string>{app + ": received", app + ": sent"}));
  EXPECT_EQ(labels(chart(m, "threads")), (std::vector<std::string>{app, self, worker}));
  EXPECT_EQ(chart(m, "host-cpu")["series"][0]["values"][0], 61.0);
}

TEST(HtmlReportTest, PageEmbedsTheMonitorChartsOnlyForMonitoredRuns) {
  const ResultsDocument monitored = testing::make_fixture_with_monitor();
  const std::string html = format_html_report(monitored);
  const json data = embedded_data(html);
  ASSERT_TRUE(data.is_object());
  EXPECT_EQ(data["derived"]["monitor"], monitor_charts(monitored));
  std::vector<std::string> findings;
  for (const json& f : data["results"]["monitor"]["findings"]) findings.push_back(f["id"]);
  for (const char* id : {"memory_near_limit", "leak_suspected", "target_exited"}) {
    EXPECT_NE(std::find(findings.begin(), findings.end(), id), findings.end()) << id;
  }
  EXPECT_EQ(html.find("app <cgroup>"), std::string::npos);  // labels are HTML-safe too
  EXPECT_NE(html.find("app \\u003ccgroup\\u003e \\u0026 co"), std::string::npos);

  const ResultsDocument plain = testing::make_fixture();
  EXPECT_TRUE(monitor_charts(plain).is_null());
  const json plain_data = embedded_data(format_html_report(plain));
  ASSERT_TRUE(plain_data.is_object());
  EXPECT_FALSE(plain_data["derived"].contains("monitor"));
  EXPECT_FALSE(plain_data["results"].contains("monitor"));
}

// A results file may come from anywhere: wrong types and missing fields are skipped, not fatal.
TEST(HtmlReportTest, MonitorChartsSkipMalformedSamples) {
  ResultsDocument doc = testing::make_fixture();
  doc.monitor = json::parse(R"({"targets": [
      {"label": 5, "spec": "pid:7", "series": [{"t_s": "x", "cpu_percent": 1},
                                               {"t_s": 1, "cpu_percent": "high", "threads": 2},
                                               {"t_s": 2, "cpu_percent": 7}]},
      "not a target"],
      "host": [1, 2]})");
  const json m = monitor_charts(doc);
  EXPECT_EQ(m["offset_s"], 0.0);  // no started_unix_ns: monitor time is taken as run time
  EXPECT_EQ(m["x"], json::array({1.0, 2.0}));
  EXPECT_EQ(m["x_range"], json::array({0.0, 10.0}));
  ASSERT_EQ(m["charts"].size(), 2u);
  EXPECT_EQ(labels(chart(m, "cpu")), std::vector<std::string>{"pid:7"});
  EXPECT_EQ(chart(m, "cpu")["series"][0]["values"], json::array({nullptr, 7.0}));
  EXPECT_EQ(chart(m, "threads")["series"][0]["values"], json::array({2.0, nullptr}));

  doc.monitor = json::object();  // monitored, but nothing sampled: a section without charts
  EXPECT_EQ(monitor_charts(doc)["charts"], json::array());
}

}  // namespace
}  // namespace perfgate::report
