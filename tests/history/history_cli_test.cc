// Runs the real binary (PERFGATE_BINARY) on k6-style result files written by the test:
// add -> list -> show -> trend -> baseline -> check, and the exit codes of each.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "analysis/history/pg_test_server.h"

namespace {

namespace fs = std::filesystem;
using perfgate::analysis::history::PgTestServer;

struct Outcome {
  int exit_code;
  std::string output;  // stdout and stderr together
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class HistoryCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           fmt::format("perfgate-history-cli-{}-{}", getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "h.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `perfgate history <arguments>` in the test's directory.
  Outcome history(const std::string& arguments) {
    const std::string command =
        fmt::format("cd '{}' && env -u PERFGATE_HISTORY_DB {} history {} 2>&1", dir_.string(),
                    PERFGATE_BINARY, arguments);
    FILE* pipe = popen(command.c_str(), "r");
    std::string output;
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
    const int status = pclose(pipe);
    return {WEXITSTATUS(status), output};
  }

  // A k6-style summary with a p(95) latency (ms) and a request rate (req/s).
  std::string result_file(double p95, double rate) {
    const std::string path = (dir_ / fmt::format("r{}.json", files_++)).string();
    nlohmann::json doc = {{"metrics",
                           {{"http_req_duration", {{"p(95)", p95}, {"avg", p95 / 2}}},
                            {"http_reqs", {{"count", 1000}, {"rate", rate}}}}}};
    std::ofstream(path) << doc.dump();
    return path;
  }

  // Adds `count` runs on main with 1% noise around p95 and rate.
  void add_steady(int count, double p95, double rate, const std::string& db, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> noise(1.0, 0.01);
    for (int i = 0; i < count; ++i) {
      const std::string file = result_file(p95 * noise(rng), rate * noise(rng));
      auto r = history(fmt::format("add {} --db '{}' --branch main --commit c{}", file, db, i));
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
  }

  fs::path dir_;
  std::string db_;
  int files_ = 0;
};

// A file written before redaction (or by hand) may carry a URL password or a token in its
// context: the store keeps the run without them.
TEST_F(HistoryCli, AddKeepsNoUrlSecretFromTheContext) {
  const std::string path = (dir_ / "old.json").string();
  nlohmann::json doc = {
      {"metrics", {{"http_reqs", {{"count", 10}, {"rate", 1}}}}},
      {"perfgate",
       {{"command", "perfgate run http://bob:ctxpw-81f2@127.0.0.1:1/?api_key=ctxkey-4a7c"}}}};
  std::ofstream(path) << doc.dump();
  ASSERT_EQ(history("add " + path + " --db " + db_).exit_code, 0);
  std::ifstream in(db_, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), {}};
  EXPECT_EQ(bytes.find("ctxpw-81f2"), std::string::npos);
  EXPECT_EQ(bytes.find("ctxkey-4a7c"), std::string::npos);
  EXPECT_NE(bytes.find("[REDACTED]"), std::string::npos);
}

TEST_F(HistoryCli, AddListShowTrend) {
  for (int i = 0; i < 3; ++i) {
    auto r = history(fmt::format(
        "add {} --db {} --branch main --commit sha{} --tag env=ci --time 2024-05-0{}T10:00:00Z",
        result_file(100 + 10 * i, 500), db_, i, i + 1));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, fmt::format("recorded run #{} (4 metrics", i + 1))) << r.output;
  }
  auto list = history("list --db " + db_ + " --since 2024-05-02");
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_FALSE(contains(list.output, "sha0"));
  EXPECT_TRUE(contains(list.output, "sha1"));
  EXPECT_TRUE(contains(list.output, "env=ci"));
  auto json = history("list --json --db " + db_);
  ASSERT_EQ(json.exit_code, 0) << json.output;
  EXPECT_EQ(nlohmann::json::parse(json.output).size(), 3u);

  auto show = history("show 2 --db " + db_);
  ASSERT_EQ(show.exit_code, 0) << show.output;
  EXPECT_TRUE(contains(show.output, "http_req_duration p(95)")) << show.output;
  EXPECT_TRUE(contains(show.output, "110")) << show.output;

  auto trend = history("trend 'http_req_duration p(95)' --db " + db_);
  ASSERT_EQ(trend.exit_code, 0) << trend.output;
  EXPECT_TRUE(contains(trend.output, "▁▅█")) << trend.output;
  EXPECT_TRUE(contains(trend.output, "over 3 runs")) << trend.output;
  auto csv = history("trend 'http_req_duration p(95)' --csv --since 2024-05-02 --db " + db_);
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_EQ(csv.output,
            "run,recorded_at,commit,branch,value,change_point,change_percent,alert\n"
            "2,2024-05-02T10:00:00Z,sha1,main,110,,,\n"
            "3,2024-05-03T10:00:00Z,sha2,main,120,,,\n");
  auto trend_json = history("trend 'http_reqs rate' --json --db " + db_);
  ASSERT_EQ(trend_json.exit_code, 0) << trend_json.output;
  auto doc = nlohmann::json::parse(trend_json.output);
  EXPECT_EQ(doc["points"].size(), 3u);
  EXPECT_EQ(doc["direction"], "higher is better");
}

TEST_F(HistoryCli, CheckExitsThreeWhenTheNewestRunRegresses) {
  add_steady(30, 100, 500, db_, 1);
  auto steady = history("check --db " + db_);
  EXPECT_EQ(steady.exit_code, 0) << steady.output;
  EXPECT_TRUE(contains(steady.output, "0 of 2 metrics regress")) << steady.output;

  // Latency up 40%, throughput unchanged.
  ASSERT_EQ(
      history(fmt::format("add {} --db {} --branch main --commit bad1", result_file(140, 500), db_))
          .exit_code,
      0);
  auto bad = history("check --db " + db_);
  EXPECT_EQ(bad.exit_code, 3) << bad.output;
  EXPECT_TRUE(contains(bad.output, "REGRESSION http_req_duration p(95)")) << bad.output;
  EXPECT_TRUE(contains(bad.output, "run #31 (bad1) starts a regression")) << bad.output;
  EXPECT_EQ(history("check 'http_reqs rate' --db " + db_).exit_code, 0);
  EXPECT_EQ(history("check 'http_req_duration p(95)' --branch feature --db " + db_).exit_code, 1);
}

// issue 14: `vus max` and `http_req_waiting min` are not what a team gates on; one run with a
// 30% worse p(95) after a few noisy runs is.
TEST_F(HistoryCli, CheckJudgesTheDefaultSetAndOneBadRun) {
  auto add = [&](double p95, double waiting_min, double vus_max) {
    const std::string path = (dir_ / fmt::format("r{}.json", files_++)).string();
    nlohmann::json doc = {{"metrics",
                           {{"http_req_duration", {{"p(95)", p95}, {"med", p95 / 2}, {"min", 1.0}}},
                            {"http_req_waiting", {{"min", waiting_min}, {"p(95)", p95 * 0.9}}},
                            {"vus", {{"max", vus_max}}},
                            {"http_reqs", {{"count", 1000}, {"rate", 500}}}}}};
    std::ofstream(path) << doc.dump();
    auto r = history(fmt::format("add {} --db {} --branch main", path, db_));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  };
  for (double p95 : {100.0, 106.0, 95.0, 103.0, 98.0}) add(p95, 0.1, 10);
  add(100, 0.5, 50);  // generator-side and configuration changes only
  auto quiet = history("check --db " + db_);
  EXPECT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_TRUE(contains(quiet.output, "0 of 3 metrics regress")) << quiet.output;
  auto everything = history("check --all --db " + db_);
  EXPECT_EQ(everything.exit_code, 3) << "--all still judges them: " << everything.output;
  add(130, 0.1, 10);  // 30% worse p(95)
  auto bad = history("check --db " + db_);
  EXPECT_EQ(bad.exit_code, 3) << bad.output;
  EXPECT_TRUE(contains(bad.output, "REGRESSION http_req_duration p(95): run #7")) << bad.output;
  EXPECT_FALSE(contains(bad.output, "vus")) << bad.output;
}

TEST_F(HistoryCli, TrendAlertsWarnUnlessFailOnTrend) {
  add_steady(30, 100, 500, db_, 4);
  for (double p95 : {103.0, 106.0, 109.0}) {  // a creeping rise, each run worse than the last
    ASSERT_EQ(
        history(fmt::format("add {} --db {} --branch main", result_file(p95, 500), db_)).exit_code,
        0);
  }
  auto warned = history("check 'http_req_duration p(95)' --db " + db_);
  EXPECT_EQ(warned.exit_code, 0) << warned.output;
  EXPECT_TRUE(contains(warned.output,
                       "TREND http_req_duration p(95): run #33 completes 3 worse "
                       "runs in a row"))
      << warned.output;
  auto failed = history("check 'http_req_duration p(95)' --fail-on-trend --db " + db_);
  EXPECT_EQ(failed.exit_code, 3) << failed.output;
}

TEST_F(HistoryCli, CheckIsDirectionAwareForThroughput) {
  const std::string faster_db = (dir_ / "faster.db").string();
  add_steady(30, 100, 500, faster_db, 2);
  ASSERT_EQ(history(fmt::format("add {} --db {} --branch main", result_file(100, 700), faster_db))
                .exit_code,
            0);
  EXPECT_EQ(history("check 'http_reqs rate' --db " + faster_db).exit_code, 0);

  add_steady(30, 100, 500, db_, 2);
  ASSERT_EQ(
      history(fmt::format("add {} --db {} --branch main", result_file(100, 300), db_)).exit_code,
      0);
  auto slower = history("check 'http_reqs rate' --db " + db_);
  EXPECT_EQ(slower.exit_code, 3) << slower.output;
}

TEST_F(HistoryCli, BaselineByBranchAndPin) {
  ASSERT_EQ(
      history(fmt::format("add {} --db {} --branch main --commit m1", result_file(10, 1), db_))
          .exit_code,
      0);
  ASSERT_EQ(history(fmt::format("add {} --db {} --branch dev --commit d1", result_file(20, 1), db_))
                .exit_code,
            0);
  auto by_branch = history("baseline --branch main --json --db " + db_);
  ASSERT_EQ(by_branch.exit_code, 0) << by_branch.output;
  EXPECT_TRUE(contains(by_branch.output, "\"commit\": \"m1\"")) << by_branch.output;
  ASSERT_EQ(history("baseline --pin 2 --db " + db_).exit_code, 0);
  auto pinned = history("baseline --db " + db_);  // no selector: the pinned run
  ASSERT_EQ(pinned.exit_code, 0) << pinned.output;
  EXPECT_TRUE(contains(pinned.output, "run #2")) << pinned.output;
  EXPECT_EQ(history("baseline --branch nope --db " + db_).exit_code, 1);
  EXPECT_EQ(history("baseline --pin 9 --db " + db_).exit_code, 1);
}

TEST_F(HistoryCli, DefaultDatabaseIsCreatedUnderDotPerfgate) {
  auto r = history("add " + result_file(1, 1));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir_ / ".perfgate" / "history.db"));
  EXPECT_TRUE(contains(history("list").output, "#1"));
}

TEST_F(HistoryCli, UsageAndRuntimeErrors) {
  EXPECT_EQ(history("").exit_code, 2);
  EXPECT_EQ(history("add").exit_code, 2);
  auto bogus = history("list --bogus");
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_TRUE(contains(bogus.output, "usage:")) << bogus.output;
  auto since = history("list --since yesterday --db " + db_);
  EXPECT_EQ(since.exit_code, 2);
  EXPECT_TRUE(contains(since.output, "'yesterday' is not a date")) << since.output;
  EXPECT_EQ(history("add x.json --tag novalue --db " + db_).exit_code, 2);
  auto missing = history("add nope.json --db " + db_);
  EXPECT_EQ(missing.exit_code, 2);  // unreadable input is a usage error (README, exit codes)
  EXPECT_TRUE(contains(missing.output, "nope.json")) << missing.output;
  EXPECT_EQ(history("show 99 --db " + db_).exit_code, 1);
  EXPECT_EQ(history("trend 'no such metric' --db " + db_).exit_code, 1);
  EXPECT_EQ(history("trend m --csv --json --db " + db_).exit_code, 2);
}

TEST_F(HistoryCli, PostgresDatabaseThroughTheBinary) {
  if (PgTestServer::binary_dir().empty()) {
    GTEST_SKIP() << "PostgreSQL is not installed (no initdb/pg_ctl under /usr/lib/postgresql)";
  }
  auto server = PgTestServer::start();
  ASSERT_TRUE(server) << "cannot start PostgreSQL: " << server.error().describe();
  auto uri = (*server)->create_database();
  ASSERT_TRUE(uri) << uri.error().describe();
  add_steady(25, 50, 900, *uri, 3);
  EXPECT_EQ(history("check --db " + *uri).exit_code, 0);
  ASSERT_EQ(
      history(fmt::format("add {} --db {} --branch main --commit slow", result_file(80, 900), *uri))
          .exit_code,
      0);
  auto check = history("check --db " + *uri);
  EXPECT_EQ(check.exit_code, 3) << check.output;
  auto list = history("list --limit 1 --db " + *uri);
  EXPECT_TRUE(contains(list.output, "slow")) << list.output;
}

}  // namespace
