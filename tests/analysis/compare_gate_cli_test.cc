// Runs the real binary (PERFGATE_BINARY) on fixture files: compare exit codes 0/3/2, gate exit
// codes 0/4/2, and the report files both write.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "stats/hdr_encoding.h"

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code;
  std::string output;  // stdout and stderr together
};

const std::string kFixtures = std::string(PERFGATE_SOURCE_DIR) + "/tests/analysis/fixtures/";

Outcome run(const std::string& arguments) {
  const std::string command =
      "cd " + kFixtures + " && " + std::string(PERFGATE_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), output};
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("perfgate_gates_" + std::to_string(getpid()))) {
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

TEST(CompareCli, NoRegressionExitsZero) {
  auto r = run("compare gbench_baseline.json gbench_same.json --metric real_time");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("no change"), std::string::npos);
}

TEST(CompareCli, RegressionExitsThree) {
  auto r = run("compare k6_baseline.json k6_regressed.json");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("regression (major) FAIL"), std::string::npos);
  EXPECT_NE(r.output.find("single values"), std::string::npos);
  // Raising --fail-on above the worst severity lets it pass.
  EXPECT_EQ(run("compare k6_baseline.json k6_regressed.json --fail-on critical").exit_code, 0);
}

TEST(CompareCli, SamplesGiveStatisticalVerdicts) {
  auto r = run("compare hyperfine_baseline.json hyperfine_regressed.json --json -");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  auto doc = nlohmann::json::parse(r.output);
  bool saw_distribution = false;
  for (const auto& m : doc["metrics"]) {
    if (m["metric"] != "sleep 0.1 time") continue;
    saw_distribution = true;
    EXPECT_EQ(m["method"], "distribution");
    EXPECT_LT(m["p_value"].get<double>(), 0.05);
    EXPECT_GT(m["ratio_ci95"][0].get<double>(), 1.05);
  }
  EXPECT_TRUE(saw_distribution);
}

TEST(CompareCli, BadInputExitsTwoNamingTheFile) {
  for (const char* args :
       {"compare malformed.json k6_baseline.json", "compare unknown_format.json k6_baseline.json",
        "compare missing.json k6_baseline.json",
        "compare k6_baseline.json k6_regressed.json --format nope", "compare k6_baseline.json",
        "compare a.json b.json --bogus", "compare negative_counts.json k6_baseline.json"}) {
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find("error:"), std::string::npos) << args;
  }
  EXPECT_NE(run("compare malformed.json k6_baseline.json").output.find("malformed.json:"),
            std::string::npos);
}

// report and history add read the same outside files: malformed input is exit 2 (README).
TEST(ReportAndHistoryCli, MalformedInputExitsTwo) {
  TempDir dir;
  for (const std::string& args : {"report malformed.json -o " + dir.file("r.html"),
                                  "report missing.json -o " + dir.file("r.md"),
                                  "history add malformed.json --db " + dir.file("h.db"),
                                  "history add missing.json --db " + dir.file("h.db")}) {
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find("error:"), std::string::npos) << args;
  }
}

TEST(CompareCli, WritesMarkdownAndJunitFiles) {
  TempDir dir;
  auto r = run("compare gbench_baseline.json gbench_regressed.json --markdown " + dir.file("c.md") +
               " --junit " + dir.file("c.xml") + " --json " + dir.file("c.json"));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(slurp(dir.file("c.md")).find("| Metric | Baseline |"), std::string::npos);
  EXPECT_NE(slurp(dir.file("c.xml")).find("<failure"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(slurp(dir.file("c.json")))["summary"]["failed"], true);
}

// Several runs per side, with "--" and with --baseline/--current: run values become samples.
TEST(CompareCli, SeveralRunsPerSide) {
  TempDir dir;
  for (int i = 0; i < 5; ++i) {
    for (const char* side : {"a", "b"}) {
      const double p95 = (side[0] == 'a' ? 100.0 : 140.0) + i;
      std::ofstream(dir.file(std::string(side) + std::to_string(i) + ".json"))
          << "{\"metrics\": {\"http_req_duration\": {\"p(95)\": " << p95 << "}}}";
    }
  }
  std::string base, cur;
  for (int i = 0; i < 5; ++i) {
    base += dir.file("a" + std::to_string(i) + ".json") + " ";
    cur += dir.file("b" + std::to_string(i) + ".json") + " ";
  }
  auto r = run("compare --json - " + base + "-- " + cur);  // options go before "--"
  EXPECT_EQ(r.exit_code, 3) << r.output;
  auto doc = nlohmann::json::parse(r.output);
  EXPECT_EQ(doc["metrics"][0]["samples"]["baseline"], 5);
  EXPECT_EQ(doc["metrics"][0]["method"], "distribution");
  auto listed = run("compare --baseline " + dir.file("a0.json") + "," + dir.file("a1.json") +
                    " --current " + dir.file("b0.json") + "," + dir.file("b1.json") + " --json -");
  EXPECT_EQ(nlohmann::json::parse(listed.output)["metrics"][0]["verdict"], "insufficient data");
}

// perfgate results carrying HdrHistograms: the distribution is compared, not the single value.
TEST(CompareCli, HistogramsInPerfgateResults) {
  TempDir dir;
  std::mt19937_64 rng(9);
  std::lognormal_distribution<double> d(std::log(2000.0), 0.3);
  for (const auto& [name, scale] : {std::pair{"h_base.json", 1.0}, {"h_cur.json", 1.35}}) {
    perfgate::HdrHistogram h = perfgate::HdrHistogram::for_latency_micros();
    for (int i = 0; i < 20000; ++i) h.record(static_cast<int64_t>(scale * d(rng)));
    std::ofstream(dir.file(name)) << R"j({"perfgate": {"version": "0.1.0"}, "metrics":
        {"http_req_duration": {"p(99)": )j"
                                  << h.value_at_percentile(99) / 1000.0 << R"j(, "hdr": ")j"
                                  << perfgate::encode_compressed_base64(h) << "\"}}}";
  }
  auto r = run("compare " + dir.file("h_base.json") + " " + dir.file("h_cur.json") + " --json -");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  auto m = nlohmann::json::parse(r.output)["metrics"][0];
  EXPECT_EQ(m["method"], "distribution");
  EXPECT_EQ(m["samples"]["current"], 20000);
  EXPECT_EQ(m["severity"], "major");  // +35%
}

TEST(GateCli, PassingGatesExitZeroAndWriteReports) {
  TempDir dir;
  auto r =
      run("gate gates.yaml k6_regressed.json perfgate_summary.json --report " + dir.file("g.html") +
          " --report " + dir.file("g.md") + " --report " + dir.file("g.json"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("PASSED"), std::string::npos);
  const std::string html = slurp(dir.file("g.html"));
  EXPECT_NE(html.find("&lt; 200ms"), std::string::npos);
  EXPECT_NE(slurp(dir.file("g.md")).find("p95-regression"), std::string::npos);
  auto json = nlohmann::json::parse(slurp(dir.file("g.json")));
  EXPECT_EQ(json["passed"], true);
  EXPECT_EQ(json["gates"].size(), 5u);
}

TEST(GateCli, BlockingFailureExitsFour) {
  auto r = run("gate gates_strict.yaml k6_regressed.json");
  EXPECT_EQ(r.exit_code, 4) << r.output;
  EXPECT_NE(r.output.find("FAILED"), std::string::npos);
  EXPECT_NE(r.output.find("k6_baseline.json"), std::string::npos);  // the baseline used
  // The baseline from the command line overrides the file's.
  EXPECT_EQ(run("gate gates_strict.yaml k6_regressed.json --baseline k6_regressed.json")
                    .output.find("regression +0.0%") != std::string::npos,
            true);
}

TEST(GateCli, BadGatesFileExitsTwoWithPosition) {
  auto r = run("gate gates_bad.yaml k6_regressed.json");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("gates_bad.yaml:6:16"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("hint"), std::string::npos);
  EXPECT_EQ(run("gate gates.yaml malformed.json").exit_code, 2);
  EXPECT_EQ(run("gate missing.yaml k6_regressed.json").exit_code, 2);
}

}  // namespace

namespace {

// A baseline stored by `perfgate history add` and named history:BRANCH in compare and gate.
TEST(CompareCli, HistoryBaselineSource) {
  TempDir dir;
  const std::string db = dir.file("h.db");
  auto added = run("history add k6_baseline.json --db " + db + " --branch main");
  ASSERT_EQ(added.exit_code, 0) << added.output;
  auto r = run("compare history:main k6_regressed.json --history-db " + db);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("regression (major)"), std::string::npos);
  auto g =
      run("gate gates_strict.yaml k6_regressed.json -q --baseline history:main --history-db " + db);
  EXPECT_EQ(g.exit_code, 4) << g.output;
  auto missing = run("compare history:nosuch k6_regressed.json --history-db " + db);
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("history:nosuch"), std::string::npos);
}

// issue 14: `history add pr.json` then `compare history:main pr.json` compared the run with
// itself and passed. The newest other run is the baseline; if there is none, it is an error.
TEST(CompareCli, HistoryBaselineIsNeverTheCurrentRunItself) {
  TempDir dir;
  const std::string db = dir.file("self.db");
  ASSERT_EQ(run("history add k6_baseline.json --db " + db + " --branch main").exit_code, 0);
  ASSERT_EQ(run("history add k6_regressed.json --db " + db + " --branch main").exit_code, 0);
  auto r = run("compare history:main k6_regressed.json --history-db " + db);
  EXPECT_EQ(r.exit_code, 3) << "baseline must be k6_baseline.json: " << r.output;
  auto only = run("compare history:main k6_baseline.json --history-db " + db +
                  " --metric http_req_duration");
  EXPECT_EQ(only.exit_code, 0) << "k6_regressed.json (newer) is its baseline: " << only.output;
  auto itself = run("compare history:run:2 k6_regressed.json --history-db " + db);
  EXPECT_EQ(itself.exit_code, 2) << itself.output;
  EXPECT_NE(itself.output.find("not its own baseline"), std::string::npos) << itself.output;
}

// issue 14: inputs with no metrics are not "0 metrics, exit 0".
TEST(CompareCli, NothingToCompareIsAnError) {
  TempDir dir;
  const std::string empty = dir.file("empty.json");
  std::ofstream(empty) << R"({"metrics": {}})";
  const std::string lighthouse = dir.file("lh.json");
  std::ofstream(lighthouse) << R"({"lighthouseVersion": "12.0.0", "audits": {}, "categories": {},
      "runtimeError": {"code": "NO_FCP", "message": "The page did not paint any content"}})";
  for (const std::string& file : {empty, lighthouse}) {
    auto r = run("compare k6_baseline.json " + file);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("nothing to compare"), std::string::npos) << r.output;
  }
  EXPECT_NE(run("compare k6_baseline.json " + lighthouse).output.find("did not paint"),
            std::string::npos);
  auto disjoint = run("compare k6_baseline.json lighthouse.json");
  EXPECT_EQ(disjoint.exit_code, 2) << disjoint.output;
  EXPECT_NE(disjoint.output.find("nothing to compare"), std::string::npos) << disjoint.output;
}

// issue 14: identical hyperfine commands were "critical regressions" on their mean user/system.
TEST(CompareCli, HyperfineIdenticalCommandsAreNotRegressions) {
  TempDir dir;
  auto write = [&](const std::string& name, double user, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> t(0.020, 0.001);
    std::vector<double> times(10);
    for (double& x : times) x = t(rng);
    const nlohmann::json result = {{"command", "sleep 0.02"},
                                   {"mean", 0.02},
                                   {"user", user},
                                   {"system", user / 2},
                                   {"times", times}};
    const nlohmann::json doc = {{"results", nlohmann::json::array({result})}};
    std::ofstream(dir.file(name)) << doc.dump();
    return dir.file(name);
  };
  // Means of a few hundred µs that differ by 2x between identical runs, as CPU accounting does.
  const std::string a = write("a.json", 0.0004, 1), b = write("b.json", 0.0009, 2);
  auto r = run("compare " + a + " " + b + " --fail-on none");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("insufficient data"), std::string::npos) << r.output;
}

}  // namespace
