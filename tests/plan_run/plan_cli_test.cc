// The command line of plans, as a k6 user types it: -u/-d/-i/--stage replace the scenarios,
// -e sets plan variables, --tag tags every sample, --duration-scale keeps think times, errors
// name what was typed (in order) and a missing plan file is "no such file".
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "plan_test_support.h"

namespace perfgate::test_support {
namespace {

class PlanCliTest : public ::testing::Test {
 protected:
  ServeProcess server_{2};
  void SetUp() override { ASSERT_FALSE(server_.url().empty()); }
};

// Two scenarios, 20 VUs for a minute: an override that did not replace them would overrun.
constexpr const char* kTwoScenarios =
    "options:\n"
    "  baseUrl: ${BASE_URL}\n"
    "  scenarios:\n"
    "    browse: {executor: constant-vus, vus: 20, duration: 1m}\n"
    "    other: {executor: constant-vus, vus: 20, duration: 1m, startTime: 2s}\n"
    "flows:\n"
    "  default:\n"
    "    - {url: /}\n"
    "    - think: 20ms\n";

TEST_F(PlanCliTest, VusAndDurationReplaceTheScenariosWithOne) {
  PlanRun run = run_plan_text("overrides", kTwoScenarios, server_.url(), {"-u", "3", "-d", "1s"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_LT(run.seconds, 8.0);
  const auto& m = run.summary["metrics"];
  EXPECT_EQ(m["vus_max"]["max"].get<int64_t>(), 3) << run.out;
  EXPECT_GT(m["http_reqs"]["count"].get<int64_t>(), 0);
}

TEST_F(PlanCliTest, IterationsRunExactlyThatMany) {
  PlanRun run = run_plan_text("iterations", kTwoScenarios, server_.url(), {"-u", "2", "-i", "7"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.summary["metrics"]["iterations"]["count"].get<int64_t>(), 7);
}

TEST_F(PlanCliTest, StagesRampAndExcludeDuration) {
  PlanRun run = run_plan_text("stages", kTwoScenarios, server_.url(),
                              {"--stage", "500ms:4", "--stage", "500ms:0"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_LE(run.summary["metrics"]["vus_max"]["max"].get<int64_t>(), 4);
  PlanRun bad =
      run_plan_text("stages_bad", kTwoScenarios, server_.url(), {"--stage", "1s:4", "-d", "1s"});
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("--stage excludes"), std::string::npos) << bad.err;
}

TEST_F(PlanCliTest, VusAloneOnAPlanWithScenariosIsRefusedWithAHint) {
  PlanRun run = run_plan_text("vus_alone", kTwoScenarios, server_.url(), {"-u", "3"});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("--vus alone"), std::string::npos) << run.err;
  EXPECT_TRUE(run.summary.is_null());
}

TEST_F(PlanCliTest, EnvFlagSetsPlanVariablesAheadOfTheEnvironment) {
  // BASE_URL in the environment points nowhere; -e wins.
  PlanRun run = run_plan_text("env", kTwoScenarios, "http://127.0.0.1:1",
                              {"-e", "BASE_URL=" + server_.url(), "-d", "500ms", "-u", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.summary["metrics"]["http_req_failed"]["passes"].get<int64_t>(), 0) << run.out;
}

TEST_F(PlanCliTest, TagsReachThresholdSelectors) {
  const std::string plan =
      "options:\n"
      "  baseUrl: ${BASE_URL}\n"
      "  thresholds:\n"
      "    'http_reqs{env:ci}': ['count>0']\n"
      "  vus: 1\n"
      "  iterations: 3\n"
      "flows:\n"
      "  default:\n"
      "    - {url: /}\n";
  PlanRun run = run_plan_text("tags", plan, server_.url(), {"--tag", "env=ci"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_FALSE(run.summary["metrics"]["http_reqs{env:ci}"]["thresholds"]["count>0"].get<bool>());
  EXPECT_EQ(run.summary["metrics"]["http_reqs{env:ci}"]["count"].get<int64_t>(), 3) << run.out;
  PlanRun reserved = run_plan_text("tags_bad", plan, server_.url(), {"--tag", "name=x"});
  EXPECT_EQ(reserved.exit_code, 2) << reserved.err;
}

TEST_F(PlanCliTest, DurationScaleKeepsThinkTime) {
  // 1 VU, 500 ms think, 20 s scaled to 2 s: about 4 iterations. With the think time scaled
  // too (50 ms) it was about 40.
  const std::string plan =
      "options:\n"
      "  baseUrl: ${BASE_URL}\n"
      "  scenarios:\n"
      "    s: {executor: constant-vus, vus: 1, duration: 20s, gracefulStop: 10s}\n"
      "flows:\n"
      "  default:\n"
      "    - {url: /}\n"
      "    - think: 500ms\n";
  PlanRun run = run_plan_text("scale_think", plan, server_.url(), {"--duration-scale", "0.1"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const int64_t iterations = run.summary["metrics"]["iterations"]["count"].get<int64_t>();
  EXPECT_GE(iterations, 2);
  EXPECT_LE(iterations, 6) << "think time was scaled with the duration";
}

TEST_F(PlanCliTest, UnexpectedArgumentsAreNamedInTheOrderTyped) {
  PlanRun run = run_plan_text("extras", kTwoScenarios, server_.url(), {"--bogus", "1", "--other"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--bogus 1 --other"), std::string::npos) << run.err;
}

TEST_F(PlanCliTest, RunHelpNamesThePlanFlags) {
  RunOutcome help = run_perfgate({"run", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--duration-scale"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--stage"), std::string::npos) << help.out;
  RunOutcome plan_help = run_perfgate({"run", "plan.yaml", "--help"});
  EXPECT_EQ(plan_help.exit_code, 0);
  for (const char* flag : {"--vus", "--duration", "--iterations", "--stage", "--env", "--tag",
                           "--duration-scale", "--strict-thresholds"}) {
    EXPECT_NE(plan_help.out.find(flag), std::string::npos) << flag << "\n" << plan_help.out;
  }
}

TEST_F(PlanCliTest, MissingPlanFileIsNoSuchFile) {
  RunOutcome run = run_perfgate({"run", "/nonexistent/perfgate/missing.yaml"});
  EXPECT_EQ(run.exit_code, 104) << run.err;
  EXPECT_EQ(run.err.find("invalid URL"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("missing.yaml"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("o such file"), std::string::npos) << run.err;
}

TEST_F(PlanCliTest, ExplainTakesDurationScaleAndOverrides) {
  const std::string path = temp_path("explain.yaml");
  std::ofstream(path) << kTwoScenarios;
  RunOutcome scaled = run_perfgate(
      {"plan", "--explain", path, "--duration-scale", "0.5", "-e", "BASE_URL=http://127.0.0.1:1"});
  EXPECT_EQ(scaled.exit_code, 0) << scaled.err;
  EXPECT_NE(scaled.out.find("30s"), std::string::npos) << scaled.out;
  RunOutcome ramp = run_perfgate(
      {"plan", "--explain", path, "--stage", "10s:5", "-e", "BASE_URL=http://127.0.0.1:1"});
  EXPECT_EQ(ramp.exit_code, 0) << ramp.err;
  EXPECT_NE(ramp.out.find("ramping-vus"), std::string::npos) << ramp.out;
  EXPECT_EQ(ramp.out.find("browse"), std::string::npos) << ramp.out;
  std::filesystem::remove(path);
}

TEST_F(PlanCliTest, OneLinerRamp) {
  RunOutcome run = run_perfgate({"run", server_.url() + "/", "--stage", "500ms:3", "--stage",
                                 "500ms:0", "--tag", "testid=x"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("http_reqs"), std::string::npos) << run.out;
  RunOutcome bad = run_perfgate({"run", server_.url() + "/", "--stage", "1s:3", "--rate", "10"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A threshold on a request name no step has: no sample ever reaches it.
std::string no_data_plan(bool strict_option) {
  return std::string(
             "options:\n"
             "  baseUrl: ${BASE_URL}\n") +
         (strict_option ? "  strictThresholds: true\n" : "") +
         "  thresholds:\n"
         "    'http_req_duration{name:nothing}': ['p(95)<1000']\n"
         "    http_req_duration: ['p(95)<5000']\n"
         "  vus: 1\n"
         "  iterations: 2\n"
         "flows:\n"
         "  default:\n"
         "    - {name: home, url: /}\n";
}

TEST_F(PlanCliTest, ThresholdWithNoDataIsNotAPass) {
  const std::string junit = temp_path("nodata.xml"), markdown = temp_path("nodata.md");
  PlanRun run = run_plan_text("nodata", no_data_plan(false), server_.url(),
                              {"--out", "junit=" + junit, "--out", "markdown=" + markdown});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.out.find("✓ http_req_duration{name:nothing}"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("– http_req_duration{name:nothing}"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("no data"), std::string::npos) << run.out;
  EXPECT_NE(read_text(junit).find("<skipped message=\"no data\"/>"), std::string::npos)
      << read_text(junit);
  EXPECT_NE(read_text(markdown).find(
                "| ➖ | http\\_req\\_duration{name:nothing} | p(95)&lt;1000 | no data |"),
            std::string::npos)
      << read_text(markdown);
  std::filesystem::remove(junit);
  std::filesystem::remove(markdown);
}

TEST_F(PlanCliTest, StrictThresholdsFailOnNoData) {
  const std::string junit = temp_path("strict.xml");
  PlanRun run = run_plan_text("strict", no_data_plan(false), server_.url(),
                              {"--strict-thresholds", "--out", "junit=" + junit});
  EXPECT_EQ(run.exit_code, 99) << run.out << run.err;
  EXPECT_NE(run.out.find("✗ http_req_duration{name:nothing}"), std::string::npos) << run.out;
  const auto& m = run.summary["metrics"];
  EXPECT_TRUE(m["http_req_duration{name:nothing}"]["thresholds"]["p(95)<1000"].get<bool>());
  EXPECT_FALSE(m["http_req_duration"]["thresholds"]["p(95)<5000"].get<bool>());
  EXPECT_NE(read_text(junit).find("no data"), std::string::npos);
  EXPECT_NE(read_text(junit).find("<failure"), std::string::npos) << read_text(junit);
  std::filesystem::remove(junit);
  PlanRun option = run_plan_text("strict_option", no_data_plan(true), server_.url());
  EXPECT_EQ(option.exit_code, 99) << option.out << option.err;
}

TEST_F(PlanCliTest, TemplateValuesInUrlsAreEscapedAndFiltered) {
  const std::string plan =
      "vars:\n"
      "  city: New York\n"
      "  q: a&b c\n"
      "  creds: user:pass\n"
      "options:\n"
      "  baseUrl: ${BASE_URL}\n"
      "  vus: 1\n"
      "  iterations: 2\n"
      "flows:\n"
      "  default:\n"
      "    - url: /echo?city={{city}}&q={{ q | urlencode }}\n"
      "      headers: {Authorization: 'Basic {{ creds | base64 }}'}\n"
      "      checks:\n"
      "        status: 200\n"
      "        jsonEquals: {'$.query': 'city=New%20York&q=a%26b%20c'}\n"
      "        bodyContains: Basic dXNlcjpwYXNz\n";
  PlanRun run = run_plan_text("filters", plan, server_.url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto& m = run.summary["metrics"];
  EXPECT_EQ(m["http_req_failed"]["passes"].get<int64_t>(), 0) << run.out;
  EXPECT_EQ(m["checks"]["fails"].get<int64_t>(), 0) << run.out;
  EXPECT_EQ(m["checks"]["passes"].get<int64_t>(), 6) << run.out;
}

// More VUs than the open-file limit allows: `plan --check` refuses it at the scenario's line, as
// `run` does before any traffic (the limit is lowered for this test process and its children).
TEST_F(PlanCliTest, CheckRefusesMoreVusThanTheFileLimit) {
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = low.rlim_max = std::min<rlim_t>(saved.rlim_max, 256);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  const std::string path = temp_path("fd_limit.yaml");
  std::ofstream(path) << "options:\n"
                         "  baseUrl: http://127.0.0.1:1\n"
                         "  scenarios:\n"
                         "    big: {executor: constant-vus, vus: 1000, duration: 1s}\n"
                         "flows:\n"
                         "  default: [{url: /}]\n";
  RunOutcome check = run_perfgate({"plan", "--check", path});
  RunOutcome run = run_perfgate({"run", path});
  setrlimit(RLIMIT_NOFILE, &saved);  // as root the hard limit can be raised back
  std::filesystem::remove(path);
  EXPECT_EQ(check.exit_code, 104) << check.out << check.err;
  EXPECT_NE(check.err.find("fd_limit.yaml:4:"), std::string::npos) << check.err;
  EXPECT_NE(check.err.find("1000 VUs"), std::string::npos) << check.err;
  EXPECT_NE(check.err.find("ulimit -n"), std::string::npos) << check.err;
  EXPECT_EQ(run.exit_code, 104) << run.out << run.err;
  EXPECT_NE(run.err.find("open-file limit"), std::string::npos) << run.err;
}

// --http2 and --connections reach a plan's scenarios: 20 VUs over one connection, every request
// answered after 200 ms, travel as concurrent streams (over HTTP/1.1 one connection would carry
// them one after the other: 40 requests in 8 s, a median iteration of seconds).
TEST_F(PlanCliTest, Http2AndConnectionsMultiplexThePlansVus) {
  const std::string plan =
      "options:\n"
      "  baseUrl: ${BASE_URL}\n"
      "  vus: 20\n"
      "  iterations: 40\n"
      "flows:\n"
      "  default:\n"
      "    - {url: /delay/200}\n";
  PlanRun run = run_plan_text("h2_shared", plan, server_.url(), {"--http2", "--connections", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.summary["metrics"]["http_reqs"]["count"].get<int64_t>(), 40);
  EXPECT_LT(run.summary["metrics"]["iteration_duration"]["med"].get<double>(), 1500.0) << run.out;
  PlanRun both = run_plan_text("h2_both", plan, server_.url(), {"--http1", "--http2"});
  EXPECT_EQ(both.exit_code, 2) << "--http1 and --http2 exclude each other";
  // The same with the plan's own options.connections.
  const std::string shared = std::string(plan).insert(plan.find("  vus:"), "  connections: 1\n");
  PlanRun option = run_plan_text("h2_option", shared, server_.url(), {"--http2"});
  ASSERT_EQ(option.exit_code, 0) << option.out << option.err;
  EXPECT_LT(option.summary["metrics"]["iteration_duration"]["med"].get<double>(), 1500.0);
  const std::string zero = std::string(plan).insert(plan.find("  vus:"), "  connections: 0\n");
  PlanRun bad = run_plan_text("h2_zero", zero, server_.url(), {});
  EXPECT_EQ(bad.exit_code, 104) << bad.err;
  EXPECT_NE(bad.err.find("options.connections"), std::string::npos) << bad.err;
}

// Shared connections serve every host a plan names: once both connections are idle and open
// to the first host, a request to a second host takes one of them over (it waited for its
// timeout behind them before, and a run with --connections stalled after one iteration).
TEST_F(PlanCliTest, SharedConnectionsServeASecondHost) {
  const std::string plan =
      "options:\n"
      "  baseUrl: ${BASE_URL}\n"
      "  timeout: 3s\n"
      "  vus: 4\n"
      "  iterations: 40\n"
      "flows:\n"
      "  default:\n"
      "    - {url: /}\n"
      "    - {url: 'http://127.0.0.1:1/refused'}\n";
  PlanRun run = run_plan_text("two_hosts", plan, server_.url(), {"--connections", "2"});
  EXPECT_EQ(run.summary["metrics"]["http_reqs"]["count"].get<int64_t>(), 80) << run.out;
  const auto& errors = run.summary["perfgate"]["errors"];
  EXPECT_EQ(errors.value("connect_refused", int64_t{0}), 40) << errors.dump();
  EXPECT_EQ(errors.value("request_timeout", int64_t{0}), 0) << errors.dump();
  EXPECT_LT(run.summary["metrics"]["iteration_duration"]["max"].get<double>(), 2000.0) << run.out;
}

}  // namespace
}  // namespace perfgate::test_support
