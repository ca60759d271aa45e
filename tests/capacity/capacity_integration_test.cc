// The capacity, scale and stress commands against servers whose laws are known. Each test runs
// the real binary once (a search of short trials) and checks the answer against the law:
// capacity within 5 % of W/S, σ and κ within 15 %, recovery within 1 s of the breaker's hold.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "law_server.h"
#include "tests/engine/child_process.h"

namespace perfgate::test_support {
namespace {

using std::chrono::seconds;

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, false);
}

std::string temp_path(const std::string& name) { return ::testing::TempDir() + "/" + name; }

TEST(CapacityCommand, FindsTheSaturationThroughputOfWWorkersWithServiceTimeS) {
  // 5 workers × 20 ms: exactly 250/s. Below it every request takes 20 ms (uniform arrivals do
  // not queue); above it the queue grows by (rate − 250) per second and p95 leaves 35 ms within
  // a fraction of a second.
  LawServer server({.law = LawConfig::Law::kWorkers, .workers = 5, .service_ms = 20});
  const std::string out = temp_path("capacity.json");
  // clang-format off
  RunOutcome r = run_perfgate({"capacity", server.url(),
                               "--slo", "p(95)<35ms", "--slo", "http_req_failed<1%",
                               "-d", "2s", "--warmup", "0.5s", "--start-rate", "100",
                               "--growth", "1.5", "--resolution", "2%", "--budget", "90s",
                               "--cooldown", "1s", "--threads", "1", "--out", "json=" + out},
                              seconds(110));
  // clang-format on
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json doc = read_json(out);
  ASSERT_TRUE(doc.contains("capacity")) << r.out;
  const nlohmann::json& c = doc["capacity"];
  const double rate = c["sustainable_rate"].get<double>();
  EXPECT_NEAR(rate, 250, 250 * 0.05) << r.out;
  EXPECT_EQ(c["limited_by"], "target") << r.out;
  EXPECT_LE(c["spent_seconds"].get<double>(), 90);
  EXPECT_GE(c["trials"].size(), 5u);
  EXPECT_TRUE(c["trials"][0].contains("results"));
  EXPECT_EQ(doc["format"], "perfgate-results");  // the top level is an ordinary results file
  // The HTML report of the file (read back through the results model) keeps the search: the
  // page draws the hockey stick from it.
  const std::string html = temp_path("capacity.html");
  RunOutcome report = run_perfgate({"report", out, "-o", html}, seconds(20));
  ASSERT_EQ(report.exit_code, 0) << report.err;
  std::ifstream page(html);
  const std::string text((std::istreambuf_iterator<char>(page)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"sustainable_rate\""), std::string::npos);
  // The answer is a gateable metric.
  const std::string gates = temp_path("gates.yaml");
  std::ofstream(gates) << "gates:\n  capacity:\n    condition: capacity_rate >= 200\n";
  RunOutcome gate = run_perfgate({"gate", gates, out}, seconds(20));
  EXPECT_EQ(gate.exit_code, 0) << gate.out << gate.err;
}

TEST(ScaleCommand, RecoversSigmaAndKappaOfAUslServer) {
  // S = 20 ms, σ = 0.05, κ = 0.002: N* = sqrt(0.95 / 0.002) ≈ 21.8.
  LawServer server({.law = LawConfig::Law::kUsl, .service_ms = 20, .sigma = 0.05, .kappa = 0.002});
  const std::string out = temp_path("scale.json");
  RunOutcome r = run_perfgate({"scale", server.url(), "--vus", "1,2,4,8,16,24,32,48", "-d", "4s",
                               "--warmup", "1s", "--threads", "1", "--out", "json=" + out},
                              seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json s = read_json(out)["scalability"];
  ASSERT_TRUE(s["usl"].is_object()) << r.out;
  EXPECT_NEAR(s["usl"]["sigma"]["value"].get<double>(), 0.05, 0.05 * 0.15) << r.out;
  EXPECT_NEAR(s["usl"]["kappa"]["value"].get<double>(), 0.002, 0.002 * 0.15) << r.out;
  EXPECT_NEAR(s["usl"]["peak_concurrency"]["value"].get<double>(), 21.8, 21.8 * 0.15) << r.out;
  EXPECT_EQ(s["verdict"]["model"], "usl");
  EXPECT_NE(r.out.find("coherency"), std::string::npos) << r.out;
}

TEST(StressCommand, MeasuresTheBreakersHoldAsRecoveryTime) {
  // Trips above 150/s and stays open 3 s after the overload ends.
  LawServer server(
      {.law = LawConfig::Law::kBreaker, .service_ms = 2, .trip_rate = 150, .trip_seconds = 3});
  const std::string out = temp_path("stress.json");
  RunOutcome r = run_perfgate(
      {"stress", server.url(), "--rate", "50", "--step-factor", "2", "-d", "3s", "--warmup", "1s",
       "--recovery", "10s", "--threads", "1", "--out", "json=" + out},
      seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json s = read_json(out)["stress"];
  EXPECT_DOUBLE_EQ(s["breaking_load"]["rate"].get<double>(), 200) << r.out;
  EXPECT_EQ(s["failure_mode"], "errors") << r.out;
  EXPECT_GT(s["errors_at_break"]["http_5xx"].get<int64_t>(), 0);
  ASSERT_EQ(s["recovered"], true) << r.out;
  EXPECT_NEAR(s["recovery_seconds"].get<double>(), 3, 1.0) << r.out;
}

}  // namespace
}  // namespace perfgate::test_support

namespace perfgate::test_support {
namespace {

TEST(ScaleCommand, FitsInstancesFromResultsFiles) {
  // Stand-ins for runs against 1, 2, 4, 8 instances: closed-model runs of N connections against
  // the USL server (S = 20 ms, σ = 0.05, κ = 0.002), one results file each, N from "N=FILE".
  LawServer server({.law = LawConfig::Law::kUsl, .service_ms = 20, .sigma = 0.05, .kappa = 0.002});
  std::vector<std::string> args = {"scale", "--instances"};
  for (int n : {1, 2, 4, 8}) {
    const std::string file = temp_path("instances-" + std::to_string(n) + ".json");
    RunOutcome run = run_perfgate({"run", server.url(), "-c", std::to_string(n), "-d", "2s",
                                   "--threads", "1", "--out", "json=" + file},
                                  seconds(20));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    args.push_back(std::to_string(n) + "=" + file);
  }
  const std::string out = temp_path("instances-scale.json");
  args.push_back("--out");
  args.push_back("json=" + out);
  RunOutcome r = run_perfgate(args, seconds(20));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json s = read_json(out)["scalability"];
  EXPECT_EQ(s["unit"], "instances");
  ASSERT_EQ(s["points"].size(), 4u);
  EXPECT_DOUBLE_EQ(s["points"][3]["n"].get<double>(), 8);
  // X(8) = 8·50 / (1 + 0.35 + 0.112) = 273.6/s: efficiency 273.6 / (8 · 50) = 0.68.
  EXPECT_NEAR(s["points"][3]["efficiency"].get<double>(), 0.684, 0.684 * 0.1) << r.out;
  EXPECT_TRUE(s["usl"].is_object()) << r.out;
  EXPECT_NE(r.out.find("efficiency at 8 instances"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace perfgate::test_support
