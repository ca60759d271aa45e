// The HTML report in a real browser: headless Debian Chromium, driven by check_report.js
// (playwright-core), opens reports written by the `perfgate` binary and must show every section,
// draw every chart series, log no console error and make no network request.
//   - FixtureReport: `perfgate report` on the fixture results file (text that must be escaped).
//   - MonitorFixtureReport: the same with a monitor section: the "System under test" charts.
//   - MergedRunReport: `perfgate merge` of two parts: the per-name and per-scenario charts.
//   - LiveRunReport: a real short `perfgate run` against `perfgate serve`, monitoring the server,
//     --out json, then `perfgate report`; its screenshot is the one in docs/report-screenshot.png
//     (PERFGATE_UPDATE_SCREENSHOT=1 refreshes it).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "fixture.h"
#include "monitor_fixture.h"
#include "report/results_json.h"
#include "test_util.h"

namespace perfgate::report {
namespace {

using nlohmann::json;
using testing::run_command;

const std::string kBinary = PERFGATE_BINARY;

// Runs check_report.js and returns what the page showed; fails the test on console errors.
json open_in_chromium(const std::string& html, const std::string& screenshot) {
  const auto result =
      run_command(std::string("NODE_PATH=") + PERFGATE_WEB_NODE_MODULES + " timeout 60 node " +
                  PERFGATE_SOURCE_DIR + "/tests/report/check_report.js " + html + " " + screenshot);
  EXPECT_EQ(result.exit_code, 0) << "check_report.js failed (stderr above): " << result.output;
  if (result.exit_code != 0) return json::object();
  return json::parse(result.output);
}

void expect_complete_page(const json& page, size_t min_charts) {
  const std::vector<std::string> expected = {
      "summary", "throughput", "latency-over-time", "spectrum", "distribution", "phases",
      "vus",     "names",      "thresholds",        "errors",   "trends"};
  const auto sections = page.value("sections", std::vector<std::string>{});
  for (const auto& s : expected) {
    EXPECT_NE(std::find(sections.begin(), sections.end(), s), sections.end()) << "section " << s;
  }
  ASSERT_GE(page["charts"].size(), min_charts);
  for (const json& chart : page["charts"]) {
    EXPECT_GT(chart["points"].get<int>(), 0) << chart["name"];
    for (const json& series : chart["series"]) {
      EXPECT_TRUE(series["ok"].get<bool>()) << chart["name"] << " / " << series.dump();
    }
  }
}

std::vector<std::string> chart_names(const json& page) {
  std::vector<std::string> names;
  for (const json& chart : page["charts"]) names.push_back(chart["name"]);
  return names;
}

const json& chart_named(const json& page, const std::string& name) {
  for (const json& chart : page["charts"]) {
    if (chart["name"] == name) return chart;
  }
  static const json kMissing = json::object();
  ADD_FAILURE() << "no chart " << name;
  return kMissing;
}

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

void expect_no_monitor_section(const json& page) {
  EXPECT_FALSE(has(page.value("sections", std::vector<std::string>{}), "monitor"));
  for (const std::string& name : chart_names(page)) EXPECT_NE(name.rfind("monitor-", 0), 0u);
  EXPECT_EQ(page.value("text", "").find("System under test"), std::string::npos);
}

TEST(ReportBrowserTest, FixtureReport) {
  const std::string dir = testing::make_temp_dir();
  ASSERT_TRUE(
      write_file_atomically(dir + "/results.json", format_results_json(testing::make_fixture())));
  const auto rc = run_command(kBinary + " report " + dir + "/results.json -o " + dir +
                              "/report.html -o " + dir + "/summary.md");
  ASSERT_EQ(rc.exit_code, 0) << rc.output;
  const json page = open_in_chromium(dir + "/report.html", dir + "/fixture.png");
  expect_complete_page(page, 5);
  EXPECT_EQ(page["verdict"], "FAILED");
  EXPECT_EQ(page["images"], 0);  // "<img>"-like text stayed text
  EXPECT_EQ(page["scripts"], 3);
  const std::string text = page.value("text", "");
  EXPECT_NE(text.find("POST /login <script>alert(1)</script>"), std::string::npos);
  EXPECT_NE(text.find("<b>the generator</b> lagged"), std::string::npos);
  EXPECT_NE(text.find("✗"), std::string::npos);
  EXPECT_NE(text.find("✓"), std::string::npos);
  // A plan run is described by the plan and what it reached, not as one model at "0 req/s".
  EXPECT_NE(text.find("plan: up to "), std::string::npos) << text.substr(0, 600);
  EXPECT_NE(text.find("req/s achieved"), std::string::npos);
  const auto labels = [&](const std::string& name) {
    std::vector<std::string> out;
    for (const json& s : chart_named(page, name)["series"]) out.push_back(s["label"]);
    return out;
  };
  EXPECT_TRUE(has(labels("throughput"), std::string("OK req/s")));
  EXPECT_TRUE(has(labels("throughput"), std::string("KO req/s")));
  EXPECT_TRUE(has(labels("distribution"), std::string("% of requests")));
  expect_no_monitor_section(page);
  std::filesystem::remove_all(dir);
}

// A plan's custom metrics and group_duration get their own table; a run without them has none.
TEST(ReportBrowserTest, PlanMetricsTable) {
  const std::string dir = testing::make_temp_dir();
  ResultsDocument doc = testing::make_fixture();
  doc.plan_metrics = {{"group_duration", "trend", "ms", {{"count", 3}, {"avg", 12.5}}},
                      {"orders", "counter", "", {{"count", 12}, {"rate", 1.2}}}};
  ASSERT_TRUE(write_file_atomically(dir + "/results.json", format_results_json(doc)));
  const auto rc =
      run_command(kBinary + " report " + dir + "/results.json -o " + dir + "/report.html");
  ASSERT_EQ(rc.exit_code, 0) << rc.output;
  const json page = open_in_chromium(dir + "/report.html", dir + "/plan_metrics.png");
  EXPECT_TRUE(has(page.value("sections", std::vector<std::string>{}), "plan-metrics"));
  const std::string text = page.value("text", "");
  EXPECT_NE(text.find("Custom metrics and groups"), std::string::npos);
  EXPECT_NE(text.find("count=12 rate=1.2/s"), std::string::npos) << text;
  EXPECT_NE(text.find("avg=12.5 ms"), std::string::npos) << text;
  std::filesystem::remove_all(dir);
}

// `perfgate merge` of two parts (the second started a second later, listing its scenarios in
// the other order) draws the per-name latency and per-scenario VU charts and the plan's groups.
TEST(ReportBrowserTest, MergedRunReport) {
  const std::string dir = testing::make_temp_dir();
  std::string files;
  for (int i = 0; i < 2; ++i) {
    ResultsDocument doc = testing::make_fixture();
    testing::add_time_detail(doc);
    doc.run.meta.start_unix_nanos += i * kNanosPerSecond;
    doc.environment.segment = i == 0 ? "0:1/2" : "1/2:1";
    doc.environment.instance = "part-" + std::to_string(i);
    if (i == 1) {
      doc.run.scenarios = {"checkout", "browse"};
      for (auto& p : doc.run.series) std::swap(p.scenario_vus[0], p.scenario_vus[1]);
    }
    results::PlanRunOutcome plan;
    for (int k = 0; k < 10; ++k) plan.group_duration.record(1000 * (k + 1));
    doc.plan_run = plan;
    const std::string file = dir + "/part-" + std::to_string(i) + ".json";
    ASSERT_TRUE(write_file_atomically(file, format_results_json(doc)));
    files += " " + file;
  }
  const auto rc = run_command(kBinary + " merge" + files + " -o " + dir + "/merged.json -o " + dir +
                              "/merged.html");
  ASSERT_TRUE(rc.exit_code == 0 || rc.exit_code == 99) << rc.output;  // the fixture's thresholds
  const json page = open_in_chromium(dir + "/merged.html", dir + "/merged.png");
  expect_complete_page(page, 8);
  const auto sections = page.value("sections", std::vector<std::string>{});
  EXPECT_TRUE(has(sections, "name-latency"));
  EXPECT_TRUE(has(sections, "plan-metrics"));
  const json& names = chart_named(page, "name-latency");
  EXPECT_EQ(names["points"], 11);  // seconds 1..11 of the merged run
  EXPECT_EQ(names["series"].size(), 2u);
  std::vector<std::string> vu_labels;
  for (const json& s : chart_named(page, "vus")["series"]) vu_labels.push_back(s["label"]);
  EXPECT_EQ(vu_labels,
            (std::vector<std::string>{"all VUs", "scenario browse", "scenario checkout"}));
  EXPECT_NE(page.value("text", "").find("count=20"), std::string::npos);  // group_duration
  std::filesystem::remove_all(dir);
}

// The number in a cell such as "1,234.5 %" (the page groups thousands with commas).
double cell_number(std::string text) {
  std::erase(text, ',');
  return std::strtod(text.c_str(), nullptr);
}

// The rows of a named table, without its header; empty (and a failure) when it is missing.
std::vector<std::vector<std::string>> table_rows(const json& page, const std::string& name) {
  const json& tables = page.value("tables", json::object());
  if (!tables.contains(name)) {
    ADD_FAILURE() << "no table " << name;
    return {};
  }
  auto rows = tables[name].get<std::vector<std::vector<std::string>>>();
  if (!rows.empty()) rows.erase(rows.begin());
  return rows;
}

// The charts over time that need per-interval detail: latency per request name (p95 by default,
// p99 on demand), errors stacked by class and VUs per scenario, drawn with their data, across
// the page's width. A run without that detail has none of them.
TEST(ReportBrowserTest, TimeDetailCharts) {
  const std::string dir = testing::make_temp_dir();
  ResultsDocument doc = testing::make_fixture();
  testing::add_time_detail(doc);
  ASSERT_TRUE(write_file_atomically(dir + "/results.json", format_results_json(doc)));
  const auto rc =
      run_command(kBinary + " report " + dir + "/results.json -o " + dir + "/report.html");
  ASSERT_EQ(rc.exit_code, 0) << rc.output;
  const json page = open_in_chromium(dir + "/report.html", dir + "/time_detail.png");
  expect_complete_page(page, 8);  // every series of every chart painted
  const auto sections = page.value("sections", std::vector<std::string>{});
  EXPECT_TRUE(has(sections, "name-latency"));
  EXPECT_TRUE(has(sections, "errors-over-time"));
  const json& names = chart_named(page, "name-latency");
  EXPECT_EQ(names["points"], 10);
  ASSERT_EQ(names["series"].size(), 2u);
  EXPECT_EQ(names["series"][1]["label"], "POST /login <script>alert(1)</script>");
  EXPECT_EQ(names["series"][1]["values"], 8);  // gaps where the name had no requests
  // p95 of "GET /api" in second 4 is 9.4 ms; the picker's p99 there is 15 ms.
  EXPECT_NEAR(names["series"][0]["at3"].get<double>(), 9.4, 1e-9);
  EXPECT_NEAR(names["p99_at3"].get<double>(), 15.0, 1e-9);
  const json& errors = chart_named(page, "errors-over-time");
  std::vector<std::string> error_labels;
  for (const json& s : errors["series"]) error_labels.push_back(s["label"]);
  EXPECT_EQ(error_labels, (std::vector<std::string>{"connect_refused", "http_5xx"}));
  EXPECT_NEAR(errors["series"][0]["at3"].get<double>(), 12.0, 1e-9);  // stacked: 10 + 2
  EXPECT_NEAR(errors["series"][1]["at3"].get<double>(), 10.0, 1e-9);
  std::vector<std::string> vu_labels;
  for (const json& s : chart_named(page, "vus")["series"]) vu_labels.push_back(s["label"]);
  EXPECT_EQ(vu_labels,
            (std::vector<std::string>{"all VUs", "scenario browse", "scenario checkout"}));
  // The layout uses the window (1280 px): charts are not a narrow column, and they follow it
  // when it narrows to 900 px.
  for (const json& chart : page["charts"]) {
    EXPECT_GT(chart["width"].get<int>(), 1100) << chart["name"];
  }
  ASSERT_EQ(page["resized_widths"].size(), page["charts"].size());
  for (const json& width : page["resized_widths"]) {
    EXPECT_LT(width.get<int>(), 900);
    EXPECT_GT(width.get<int>(), 700);
  }
  // Log-axis ticks left unlabelled stay blank: no "0 µs" under the distribution's bars.
  const auto ticks = chart_named(page, "distribution")["x_labels"].get<std::vector<std::string>>();
  EXPECT_FALSE(ticks.empty());
  for (const std::string& tick : ticks) EXPECT_NE(tick, "0 µs");
  const auto table = table_rows(page, "name-latency");
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table[0], (std::vector<std::string>{"GET /api", "1,500", "8", "10.0 ms", "21.0 ms"}));

  ASSERT_TRUE(
      write_file_atomically(dir + "/plain.json", format_results_json(testing::make_fixture())));
  ASSERT_EQ(
      run_command(kBinary + " report " + dir + "/plain.json -o " + dir + "/plain.html").exit_code,
      0);
  const json plain = open_in_chromium(dir + "/plain.html", dir + "/plain.png");
  EXPECT_FALSE(has(plain.value("sections", std::vector<std::string>{}), "name-latency"));
  EXPECT_FALSE(has(plain.value("sections", std::vector<std::string>{}), "errors-over-time"));
  EXPECT_EQ(chart_named(plain, "vus")["series"].size(), 1u);
  std::filesystem::remove_all(dir);
}

TEST(ReportBrowserTest, MonitorFixtureReport) {
  const std::string dir = testing::make_temp_dir();
  const ResultsDocument doc = testing::make_fixture_with_monitor();
  ASSERT_TRUE(write_file_atomically(dir + "/results.json", format_results_json(doc)));
  const auto rc =
      run_command(kBinary + " report " + dir + "/results.json -o " + dir + "/report.html");
  ASSERT_EQ(rc.exit_code, 0) << rc.output;
  const json page = open_in_chromium(dir + "/report.html", dir + "/monitor.png");
  expect_complete_page(page, 12);  // every series of every chart painted, no console error
  EXPECT_TRUE(has(page["sections"], "monitor"));
  const auto names = chart_names(page);
  for (const char* id : {"cpu", "memory", "disk", "network", "fds", "threads", "host-cpu"}) {
    EXPECT_TRUE(has(names, std::string("monitor-") + id)) << id;
  }
  const json& cpu = chart_named(page, "monitor-cpu");
  EXPECT_EQ(cpu["points"], testing::kMonitorSamples);
  ASSERT_EQ(cpu["series"].size(), 4u);
  EXPECT_EQ(cpu["series"][0]["label"], "app <cgroup> & co");
  EXPECT_EQ(cpu["series"][0]["values"], testing::kMonitorSamples);
  EXPECT_EQ(cpu["series"][1]["values"], testing::kMonitorSamples - 1);  // no sample at 6 s
  EXPECT_EQ(chart_named(page, "monitor-memory")["series"].size(), 5u);

  // Findings: the monitor's own sentences (with its numbers), one row each.
  const auto findings = table_rows(page, "findings");
  ASSERT_EQ(findings.size(), doc.monitor["findings"].size());
  for (size_t i = 0; i < findings.size(); ++i) {
    EXPECT_EQ(findings[i][0], doc.monitor["findings"][i]["severity"]);
    EXPECT_EQ(findings[i][2], doc.monitor["findings"][i]["summary"]);
  }
  const auto leaks = table_rows(page, "leaks");
  ASSERT_EQ(leaks.size(), 3u);
  EXPECT_EQ(leaks[0][0], "app <cgroup> & co");
  EXPECT_EQ(leaks[0][1], "memory_current_bytes");
  const double slope = doc.monitor["targets"][0]["leak"]["slope_mb_per_hour"];
  EXPECT_NEAR(cell_number(leaks[0][2]), slope, 0.01);
  EXPECT_EQ(leaks[0][6].rfind("leak suspected", 0), 0u) << leaks[0][6];
  EXPECT_EQ(leaks[2][6].rfind("not analysed", 0), 0u) << leaks[2][6];
  const auto events = table_rows(page, "events");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0],
            (std::vector<std::string>{"4 s", "pid 4242 (worker)", "exited", "pid 4242 exited"}));
  // Summary statistics: every metric of the monitor, with its numbers.
  const json& metrics = doc.monitor["metrics"];
  const auto stats = table_rows(page, "monitor-metrics");
  EXPECT_EQ(stats.size(), metrics.size());
  for (const auto& row : stats) {
    if (row[0] != "sut_cpu_percent") continue;
    // app + worker summed where both have a sample (1..4 s): max 80% + 50%.
    EXPECT_NEAR(cell_number(row[5]), metrics["sut_cpu_percent"]["max"].get<double>(), 0.05);
    EXPECT_NEAR(cell_number(row[5]), 130.0, 0.05);
    EXPECT_NEAR(cell_number(row[1]), metrics["sut_cpu_percent"]["avg"].get<double>(), 0.05);
  }
  std::filesystem::remove_all(dir);
}

// `perfgate report` refuses what it cannot read or write, with a message and an exit code.
TEST(ReportCommandTest, RefusesNewerVersionsBadExtensionsAndMissingFiles) {
  const std::string dir = testing::make_temp_dir();
  auto json = results_to_json(testing::make_fixture());
  json["version"] = kResultsFormatVersion + 1;
  ASSERT_TRUE(write_file_atomically(dir + "/newer.json", json.dump()));
  auto newer = run_command(kBinary + " report " + dir + "/newer.json -o " + dir + "/r.html 2>&1");
  EXPECT_EQ(newer.exit_code, 2);  // input perfgate cannot read: a usage error (README)
  EXPECT_NE(newer.output.find("results file version 2 is newer than this perfgate can read"),
            std::string::npos)
      << newer.output;
  EXPECT_FALSE(std::filesystem::exists(dir + "/r.html"));

  auto bad_ext = run_command(kBinary + " report " + dir + "/newer.json -o " + dir + "/r.pdf 2>&1");
  EXPECT_EQ(bad_ext.exit_code, 2);
  EXPECT_NE(bad_ext.output.find("cannot tell the format of"), std::string::npos) << bad_ext.output;

  auto missing = run_command(kBinary + " report " + dir + "/nope.json -o " + dir + "/r.md 2>&1");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("nope.json"), std::string::npos) << missing.output;

  auto unknown_option = run_command(kBinary + " report --bogus 2>&1");
  EXPECT_EQ(unknown_option.exit_code, 2);
  std::filesystem::remove_all(dir);
}

// One file per -o: the results file may come after the outputs.
TEST(ReportCommandTest, ResultsFileMayFollowTheOutputs) {
  const std::string dir = testing::make_temp_dir();
  ASSERT_TRUE(
      write_file_atomically(dir + "/r.json", results_to_json(testing::make_fixture()).dump()));
  auto r = run_command(kBinary + " report -o " + dir + "/a.md -o " + dir + "/b.html " + dir +
                       "/r.json 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(dir + "/a.md"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/b.html"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/r.json.md"));
  std::filesystem::remove_all(dir);
}

// A child process with its stdout on a pipe; killed and reaped by the destructor.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = ::fdopen(fds[0], "r");
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ != nullptr) std::fclose(out_);
  }
  pid_t pid() const { return pid_; }
  std::string read_line() {
    char buffer[512] = {};
    if (out_ == nullptr || std::fgets(buffer, sizeof buffer, out_) == nullptr) return {};
    std::string line(buffer);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    return line;
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
};

TEST(ReportBrowserTest, LiveRunReport) {
  Child server({kBinary, "serve", "--listen", "127.0.0.1:0", "--threads", "1"});
  const std::string url = server.read_line();
  ASSERT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;
  const std::string dir = testing::make_temp_dir();
  const auto run = run_command(kBinary + " run " + url + "/delay/2 --rate 300 --max-vus 20 -d 4s" +
                               " --monitor pid:" + std::to_string(server.pid()) +
                               " --out json=" + dir + "/results.json 2>&1");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto rc =
      run_command(kBinary + " report " + dir + "/results.json -o " + dir + "/report.html");
  ASSERT_EQ(rc.exit_code, 0) << rc.output;
  const json page = open_in_chromium(dir + "/report.html", dir + "/live.png");
  expect_complete_page(page, 5);
  EXPECT_EQ(page["verdict"], "PASSED");
  // The server was monitored once a second for 4 s: its CPU and memory are charted.
  EXPECT_TRUE(has(page["sections"], "monitor"));
  for (const char* name : {"monitor-cpu", "monitor-memory", "monitor-threads"}) {
    const json& chart = chart_named(page, name);
    EXPECT_GE(chart.value("points", 0), 3) << name;
    ASSERT_EQ(chart["series"].size(), 1u) << name;
    EXPECT_NE(chart["series"][0]["label"].get<std::string>().find("perfgate"), std::string::npos);
  }
  const char* update = std::getenv("PERFGATE_UPDATE_SCREENSHOT");
  if (update != nullptr && std::string(update) == "1") {
    std::filesystem::copy_file(dir + "/live.png",
                               std::string(PERFGATE_SOURCE_DIR) + "/docs/report-screenshot.png",
                               std::filesystem::copy_options::overwrite_existing);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace perfgate::report
