// One `perfgate run` with all file outputs, a Prometheus endpoint and the monitor together:
// every file is written and consistent with the others, /metrics answers during the run, and
// bad attachments are refused before any traffic.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "child_process.h"

namespace perfgate::test_support {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// GET /metrics from 127.0.0.1:port over a plain socket; "" when nothing answers.
std::string scrape(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[8192];
      ssize_t n;
      while ((n = read(fd, buffer, sizeof buffer)) > 0) reply.append(buffer, n);
    }
  }
  close(fd);
  return reply;
}

class RunOutputs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("perfgate_run_outputs_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(RunOutputs, AllOutputsAndTheMonitorInOneRun) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty());
  const int metrics_port = unused_port();
  ChildProcess run({"run",
                    serve.url() + "/",
                    "-u",
                    "4",
                    "-d",
                    "3s",
                    "--threads",
                    "1",
                    "--summary-json",
                    file("summary.json"),
                    "--out",
                    "json=" + file("r.json"),
                    "--out",
                    "html=" + file("r.html"),
                    "--out",
                    "junit=" + file("r.xml"),
                    "--out",
                    "markdown=" + file("r.md"),
                    "--out",
                    "csv=" + file("r.csv"),
                    "--out",
                    "hdr=" + file("r.hlog"),
                    "--out",
                    "prometheus=127.0.0.1:" + std::to_string(metrics_port),
                    "--monitor",
                    "self"});
  std::this_thread::sleep_for(std::chrono::milliseconds(1800));
  const std::string metrics = scrape(metrics_port);
  ASSERT_EQ(run.wait(std::chrono::seconds(30)), 0) << run.out() << run.err();

  EXPECT_NE(metrics.find("200 OK"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("perfgate_http_reqs_total"), std::string::npos) << metrics;

  const json summary = json::parse(slurp(file("summary.json")));
  const json results = json::parse(slurp(file("r.json")));
  const int64_t requests = summary["metrics"]["http_reqs"]["count"].get<int64_t>();
  ASSERT_GT(requests, 0);
  EXPECT_EQ(results["format"], "perfgate-results");
  EXPECT_EQ(results["counters"]["http_reqs"]["count"].get<int64_t>(), requests) << results.dump();
  ASSERT_TRUE(results.contains("monitor"));
  EXPECT_FALSE(results["monitor"]["targets"].empty());

  EXPECT_NE(slurp(file("r.html")).find("<html"), std::string::npos);
  EXPECT_NE(slurp(file("r.xml")).find("<testsuite"), std::string::npos);
  EXPECT_NE(slurp(file("r.md")).find("| requests |"), std::string::npos);
  const std::string csv = slurp(file("r.csv"));
  EXPECT_GE(std::count(csv.begin(), csv.end(), '\n'), 3) << csv;  // header + >= 2 seconds
  const std::string hlog = slurp(file("r.hlog"));
  EXPECT_NE(hlog.find("#[Histogram log format version 1.3]"), std::string::npos);
  EXPECT_NE(hlog.find("HISTFAAA"), std::string::npos);
  EXPECT_NE(run.out().find("monitor:"), std::string::npos) << run.out();
}

TEST_F(RunOutputs, BadAttachmentsAreRefusedBeforeAnyTraffic) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty());
  const std::string url = serve.url() + "/";
  RunOutcome r = run_perfgate({"run", url, "-d", "1s", "--out", "json=/nonexistent-dir/r.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("http_reqs"), std::string::npos) << "no run may start";

  r = run_perfgate({"run", url, "-d", "1s", "--out", "carrier-pigeon=x"});
  EXPECT_EQ(r.exit_code, 2);

  // One file named twice (./ and a redundant ../ normalise away) would be overwritten.
  const std::string same = file("same.out");
  r = run_perfgate({"run", url, "-d", "1s", "--out", "json=" + same, "--out",
                    "html=" + dir_.string() + "/./../" + dir_.filename().string() + "/same.out"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("name the same file"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(same));

  r = run_perfgate({"run", url, "-d", "1s", "--monitor", "pid:999999999"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.out.find("http_reqs"), std::string::npos);
}

// Thresholds on the monitor's metrics are judged after the monitor stopped: a plan can gate on
// the system under test's memory and CPU (here the perfgate processes, always busy in a run).
TEST_F(RunOutputs, PlanThresholdsOnMonitorMetrics) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty());
  const std::string plan = file("sut.yaml");
  std::ofstream(plan) << "options:\n"
                         "  baseUrl: "
                      << serve.url()
                      << "\n"
                         "  thresholds:\n"
                         "    sut_rss_bytes: [\"max<4GB\"]\n"
                         "    sut_cpu_percent: [\"avg<0.0001\"]\n"
                         "  scenarios:\n"
                         "    main: {executor: constant-vus, vus: 2, duration: 2s, exec: home}\n"
                         "flows:\n"
                         "  home:\n"
                         "    steps:\n"
                         "      - {name: home, url: /}\n";
  const RunOutcome r = run_perfgate({"run", plan, "--threads", "1", "--monitor", "cmd:perfgate",
                                     "--out", "json=" + file("sut.json")});
  EXPECT_EQ(r.exit_code, 99) << r.out << r.err;
  EXPECT_NE(r.out.find("\u2713 sut_rss_bytes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\u2717 sut_cpu_percent"), std::string::npos) << r.out;
  const json results = json::parse(slurp(file("sut.json")));
  bool cpu_failed = false;
  for (const json& t : results["thresholds"]) {
    if (t["metric"] == "sut_cpu_percent") cpu_failed = !t["passed"].get<bool>();
  }
  EXPECT_TRUE(cpu_failed) << results["thresholds"].dump();
}

}  // namespace
}  // namespace perfgate::test_support
