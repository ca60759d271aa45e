// Planted secrets: a secret planted through each route perfgate knows (plan/redact.h) must not
// appear in any artifact of a run against `perfgate serve` on 127.0.0.1: the results file, HTML,
// JUnit, Markdown, CSV, HdrHistogram log, --summary-json, stdout and stderr, reports redrawn by
// `perfgate report`, and the SQLite history store after `perfgate history add`. Each test also
// checks that the secret really travelled (the target or the fake InfluxDB saw traffic), so a
// run that silently sent nothing cannot pass.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "child_process.h"
#include "fake_influx.h"

namespace perfgate::test_support {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class PlantedSecrets : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("perfgate_secrets_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  // --out for every file format, plus the summary.
  std::vector<std::string> every_output() const {
    std::vector<std::string> args = {"--summary-json", file("summary.json")};
    for (const char* spec : {"json=r.json", "html=r.html", "junit=r.xml", "markdown=r.md",
                             "csv=r.csv", "hdr=r.hlog"}) {
      const std::string s = spec;
      args.push_back("--out");
      args.push_back(s.substr(0, s.find('=') + 1) + file(s.substr(s.find('=') + 1)));
    }
    return args;
  }

  // Redraws the results file and records it in a history database; keeps their output.
  void redraw_and_record() {
    const RunOutcome report = run_perfgate(
        {"report", file("r.json"), "-o", file("redrawn.html"), "-o", file("redrawn.md")});
    EXPECT_EQ(report.exit_code, 0) << report.err;
    const RunOutcome history =
        run_perfgate({"history", "add", file("r.json"), "--db", file("history.db")});
    EXPECT_EQ(history.exit_code, 0) << history.err;
    const RunOutcome show = run_perfgate({"history", "show", "1", "--db", file("history.db")});
    console_ += report.out + report.err + history.out + history.err + show.out + show.err;
    EXPECT_TRUE(fs::exists(file("history.db")));
  }

  // Every file in the directory, the consoles seen, and nothing else, searched for `secrets`.
  void expect_nowhere(const std::vector<std::string>& secrets) const {
    int files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
      if (!entry.is_regular_file() || entry.path().extension() == ".yaml") continue;
      ++files;
      const std::string content = slurp(entry.path());
      for (const std::string& secret : secrets) {
        EXPECT_EQ(content.find(secret), std::string::npos)
            << secret << " leaked into " << entry.path().filename();
      }
    }
    EXPECT_GE(files, 10);  // six --out files, summary, two redraws, the database
    for (const std::string& secret : secrets) {
      EXPECT_EQ(console_.find(secret), std::string::npos) << secret << " leaked to a console";
    }
  }

  fs::path dir_;
  std::string console_;  // stdout and stderr of every command run
};

TEST_F(PlantedSecrets, OneLinerHeaderBodyQueryAndInfluxUrl) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty());
  FakeInflux influx;
  std::vector<std::string> args = {"run",
                                   serve.url() + "/echo?access_token=qtok-3b8e51",
                                   "-u",
                                   "2",
                                   "-d",
                                   "1s",
                                   "--threads",
                                   "1",
                                   "-X",
                                   "POST",
                                   "-H",
                                   "Authorization: Bearer hdr-9c1e77",
                                   "--header=X-Api-Key: key-5d0c2a",
                                   "--body",
                                   "user=u&password=bodypw-4d2a",
                                   "--out",
                                   "influxdb=http://127.0.0.1:" + std::to_string(influx.port()) +
                                       "/write?db=perf&u=me&p=influxpw-6a0f"};
  for (const std::string& a : every_output()) args.push_back(a);
  const RunOutcome run = run_perfgate(args, std::chrono::seconds(30));
  console_ = run.out + run.err;
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // The secrets travelled: requests were answered and InfluxDB got its password.
  EXPECT_NE(slurp(file("r.json")).find("\"http_reqs\""), std::string::npos);
  bool influx_saw_password = false;
  for (const std::string& line : influx.request_lines())
    influx_saw_password |= line.find("p=influxpw-6a0f") != std::string::npos;
  EXPECT_TRUE(influx_saw_password);
  EXPECT_NE(slurp(file("r.json")).find("Authorization: [REDACTED]"), std::string::npos);
  redraw_and_record();
  expect_nowhere({"qtok-3b8e51", "hdr-9c1e77", "key-5d0c2a", "bodypw-4d2a", "influxpw-6a0f"});
}

TEST_F(PlantedSecrets, PlanEnvironmentAndListedSecrets) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty());
  std::ofstream(file("plan.yaml")) << R"(options:
  baseUrl: ${BASE_URL}
  secrets: [TENANT]
  headers: {X-Api-Key: "${API_TOKEN}", Authorization: "Basic literal-cred-77ab"}
  thresholds:
    "http_req_duration{name:GET /echo?token=${API_TOKEN}}": ["p(95)<5000"]
  vus: 2
  duration: 1s
flows:
  main:
    - url: /echo?token=${API_TOKEN}
      checks: {bodyContains: "${TENANT}", status: 200}
    - group: tenant ${TENANT}
      steps: [{url: "/?t=${TENANT}", name: "by tenant ${TENANT}"}]
)";
  ::setenv("BASE_URL", serve.url().c_str(), 1);
  ::setenv("API_TOKEN", "envtok-7f3a91", 1);
  ::setenv("TENANT", "tenant-55e1c0", 1);
  std::vector<std::string> args = {"run", file("plan.yaml"), "--threads", "1"};
  for (const std::string& a : every_output()) args.push_back(a);
  const RunOutcome run = run_perfgate(args, std::chrono::seconds(30));
  console_ = run.out + run.err;
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("GET /echo?token=[REDACTED]"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("body contains [REDACTED]"), std::string::npos) << run.out;
  // The threshold's name filter matched the (redacted) request name: it observed data.
  EXPECT_EQ(run.out.find("no data"), std::string::npos) << run.out;
  redraw_and_record();
  expect_nowhere({"envtok-7f3a91", "tenant-55e1c0", "literal-cred-77ab"});
}

TEST_F(PlantedSecrets, ErrorMessagesDoNotEchoThem) {
  const RunOutcome userinfo =
      run_perfgate({"run", "http://bob:urlpw-29d4@127.0.0.1:9/", "-d", "1s"});
  EXPECT_EQ(userinfo.exit_code, 2);
  EXPECT_NE(userinfo.err.find("invalid URL"), std::string::npos) << userinfo.err;
  console_ += userinfo.out + userinfo.err;

  std::ofstream(file("bad.yaml")) << R"(options:
  baseUrl: http://bob:planpw-31e0@127.0.0.1:9
  timeout: ${API_TOKEN}
  vus: 1
  duration: 1s
flows: {main: [{url: "/"}]}
)";
  ::setenv("API_TOKEN", "durtok-8e2f", 1);
  for (const std::string command : {"run", "plan"}) {
    std::vector<std::string> args = {command, file("bad.yaml")};
    if (command == "plan") args.insert(args.begin() + 1, "--check");
    const RunOutcome bad = run_perfgate(args);
    EXPECT_EQ(bad.exit_code, 104) << bad.err;
    EXPECT_NE(bad.err.find("duration"), std::string::npos) << bad.err;
    console_ += bad.out + bad.err;
  }
  for (const std::string secret : {"urlpw-29d4", "planpw-31e0", "durtok-8e2f"}) {
    EXPECT_EQ(console_.find(secret), std::string::npos) << secret << " in: " << console_;
  }
}

}  // namespace
}  // namespace perfgate::test_support
