// JSON and console output of a MonitorReport.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/atomic_file.h"
#include "monitor/console_block.h"
#include "monitor/report_json.h"

namespace perfgate::monitor {
namespace {

MonitorReport sample_report() {
  MonitorReport r;
  r.interval_s = 1;
  r.duration_s = 3;
  r.host_cores = 2;
  for (const char* spec : {"pid:10", "pid:11", "self"}) {
    TargetReport t;
    t.spec = spec;
    t.label = spec;
    t.is_self = std::string(spec) == "self";
    for (int s = 1; s <= 3; ++s) {
      TargetPoint p;
      p.t_s = s;
      p.cpu_percent = 10.0 * s;
      p.rss_bytes = 1e6 * s;
      p.threads = 2;
      p.open_fds = 5.0;
      t.points.push_back(p);
    }
    t.leak.analysed = true;
    t.leak.slope_mb_per_hour = t.spec == "pid:10" ? 5 : 1;
    r.targets.push_back(t);
  }
  for (int s = 1; s <= 3; ++s) {
    HostPoint h;
    h.t_s = s;
    h.cpu_percent = 50;
    h.tcp_retransmits = 2.0;
    h.mem_available_bytes = 1e9;
    r.host.push_back(h);
  }
  r.findings.push_back(
      Finding{"leak_suspected", "warning", "pid:10", "RSS grows", {{"x", 1}}, "fix"});
  return r;
}

TEST(ReportJson, MetricsSumTheSystemUnderTestAndSeparateTheGenerator) {
  auto m = metrics_json(sample_report());
  // Two SUT targets at 10/20/30% each: the sum is 20/40/60%.
  EXPECT_DOUBLE_EQ(m["sut_cpu_percent"]["avg"].get<double>(), 40);
  EXPECT_DOUBLE_EQ(m["sut_cpu_percent"]["max"].get<double>(), 60);
  EXPECT_DOUBLE_EQ(m["sut_cpu_percent"]["p(95)"].get<double>(), 60);
  EXPECT_DOUBLE_EQ(m["sut_rss_bytes"]["min"].get<double>(), 2e6);
  EXPECT_DOUBLE_EQ(m["sut_threads"]["med"].get<double>(), 4);
  EXPECT_DOUBLE_EQ(m["sut_rss_slope_mb_per_hour"]["value"].get<double>(), 5);  // the worst
  EXPECT_DOUBLE_EQ(m["sut_cpu_percent{target:pid:11}"]["avg"].get<double>(), 20);
  EXPECT_DOUBLE_EQ(m["generator_cpu_percent"]["max"].get<double>(), 30);
  EXPECT_DOUBLE_EQ(m["host_tcp_retransmits"]["count"].get<double>(), 6);
  EXPECT_DOUBLE_EQ(m["host_tcp_retransmits"]["rate"].get<double>(), 2);
  EXPECT_FALSE(m.contains("sut_pss_bytes"));  // never available: absent, not zero
}

TEST(ReportJson, FullDocumentRoundTripsThroughAnAtomicFile) {
  const std::string path =
      (std::filesystem::temp_directory_path() / fmt::format("pg_monitor_{}.json", getpid()))
          .string();
  ASSERT_TRUE(write_json(sample_report(), path));
  auto text = read_file(path);
  ASSERT_TRUE(text);
  auto j = nlohmann::json::parse(*text);
  EXPECT_EQ(j["targets"].size(), 3u);
  EXPECT_EQ(j["targets"][0]["series"][2]["rss_bytes"].get<double>(), 3e6);
  EXPECT_EQ(j["findings"][0]["id"], "leak_suspected");
  EXPECT_EQ(j["host"]["cores"], 2);
  EXPECT_TRUE(j["metrics"].contains("sut_open_fds"));
  std::filesystem::remove(path);
}

TEST(ConsoleBlock, NamesTargetsHostAndFindings) {
  const std::string block = format_console_block(sample_report());
  EXPECT_NE(block.find("pid:10"), std::string::npos);
  EXPECT_NE(block.find("host (2 cores)"), std::string::npos);
  EXPECT_NE(block.find("[warning] leak_suspected"), std::string::npos);
  EXPECT_NE(block.find("-> fix"), std::string::npos);
  const std::string live = format_live_line(sample_report());
  EXPECT_NE(live.find("cpu 30%"), std::string::npos);
  EXPECT_NE(live.find("host cpu 50%"), std::string::npos);
}

}  // namespace
}  // namespace perfgate::monitor
