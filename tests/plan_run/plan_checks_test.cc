// Checks keep their identity (group path, request step, name) from the plan to every output:
// the console summary, --summary-json, the results file, JUnit and Markdown, so a failed
// `status in [200]` says which endpoint failed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "plan_test_support.h"

namespace perfgate::test_support {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class PlanChecksTest : public ::testing::Test {
 protected:
  ServeProcess server_{1};
  void SetUp() override { ASSERT_FALSE(server_.url().empty()); }
};

// Two requests with the same `status: 200` check, one in a group; only /nope fails it.
constexpr const char* kSameCheckTwice =
    "options:\n"
    "  baseUrl: ${BASE_URL}\n"
    "  scenarios:\n"
    "    s: {executor: per-vu-iterations, vus: 2, iterations: 3}\n"
    "  thresholds:\n"
    "    'checks{check:home is up}': ['rate==1']\n"
    "flows:\n"
    "  default:\n"
    "    - name: home\n"
    "      url: /\n"
    "      checks: {status: 200, \"home is up\": {status: 200, durationBelow: 10s}}\n"
    "    - group: shop\n"
    "      steps:\n"
    "        - {name: missing, url: /nope, checks: {status: 200}}\n";

TEST_F(PlanChecksTest, EachCheckSaysWhereItRan) {
  const std::string results = temp_path("checks_results.json");
  const std::string junit = temp_path("checks.xml");
  const std::string markdown = temp_path("checks.md");
  PlanRun run = run_plan_text(
      "named_checks", kSameCheckTwice, server_.url(),
      {"--out", "json=" + results, "--out", "junit=" + junit, "--out", "markdown=" + markdown});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  // Console: the two `status in [200]` checks are two lines, each with its step.
  EXPECT_NE(run.out.find("✓ status in [200]                  home"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("✗ status in [200]                  ::shop › missing"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("✓ home is up"), std::string::npos) << run.out;

  const auto& listed = run.summary["perfgate"]["checks"];
  ASSERT_EQ(listed.size(), 3u) << listed.dump();
  EXPECT_EQ(listed[0]["step"], "home");
  EXPECT_EQ(listed[0]["group"], "");
  EXPECT_EQ(listed[0]["passes"], 6);
  EXPECT_EQ(listed[1]["name"], "home is up");
  EXPECT_EQ(listed[2]["name"], "status in [200]");
  EXPECT_EQ(listed[2]["group"], "::shop");
  EXPECT_EQ(listed[2]["step"], "missing");
  EXPECT_EQ(listed[2]["fails"], 6);
  EXPECT_EQ(run.summary["metrics"]["checks{check:home is up}"]["passes"], 6);
  // k6's root_group knows checks by group path and name.
  const auto& root = run.summary["root_group"];
  EXPECT_EQ(root["checks"].size(), 2u) << root.dump();
  ASSERT_EQ(root["groups"].size(), 1u) << root.dump();
  EXPECT_EQ(root["groups"][0]["checks"][0]["path"], "::shop::status in [200]");
  EXPECT_EQ(root["groups"][0]["checks"][0]["fails"], 6);

  const nlohmann::json file = nlohmann::json::parse(slurp(results), nullptr, false);
  ASSERT_TRUE(file.is_object());
  const auto& stored = file["checks"];
  ASSERT_EQ(stored.size(), 3u) << stored.dump();
  EXPECT_EQ(stored[2]["group"], "::shop");
  EXPECT_EQ(stored[2]["step"], "missing");
  EXPECT_EQ(stored[2]["fails"], 6);
  EXPECT_NE(slurp(junit).find("name=\"::shop › missing › status in [200]\""), std::string::npos);
  EXPECT_NE(slurp(markdown).find("| ❌ | status in \\[200\\] | ::shop › missing | 0 | 6 |"),
            std::string::npos)
      << slurp(markdown);

  // `perfgate report` redraws the same from the results file.
  RunOutcome redrawn = run_perfgate({"report", results, "-o", markdown}, std::chrono::seconds(20));
  EXPECT_EQ(redrawn.exit_code, 0) << redrawn.err;
  EXPECT_NE(slurp(markdown).find("| ❌ | status in \\[200\\] | ::shop › missing | 0 | 6 |"),
            std::string::npos);
  for (const auto& f : {results, junit, markdown}) std::filesystem::remove(f);
}

// Step tags narrow thresholds (and win over the scenario's tag of the same name), quoted values
// hold commas, group_duration has one sub-metric per group path, a body file is sent, and a
// `once` group runs in each VU's first iteration only.
TEST_F(PlanChecksTest, StepTagsQuotedSelectorsGroupDurationAndBodyFiles) {
  const std::string body = temp_path("login_body.json");
  std::ofstream(body) << "{\"username\": \"{{user}}\", \"password\": \"secret\"}";
  const std::string plan =
      "vars: {user: ann}\n"
      "options:\n"
      "  baseUrl: ${BASE_URL}\n"
      "  scenarios:\n"
      "    s: {executor: per-vu-iterations, vus: 2, iterations: 2, tags: {kind: web}}\n"
      "  thresholds:\n"
      "    'http_reqs{kind:api}': ['count==2']\n"
      "    'http_reqs{kind:web}': ['count==10']\n"
      "    'http_reqs{team:\"a, b\"}': ['count==2']\n"
      "    'checks{check:\"logged in, with token\"}': ['rate==1']\n"
      "    'group_duration{group:::auth}': ['count==2']\n"
      "    'group_duration{group:::auth::inner}': ['count==2']\n"
      "    'group_duration{group:::nowhere}': ['count==0']\n"
      "    'done{kind:api}': ['count==2']\n"
      "metrics: {done: counter}\n"
      "flows:\n"
      "  default:\n"
      "    - {name: home, url: /}\n"
      "    - group: auth\n"
      "      once: true\n"
      "      steps:\n"
      "        - name: login\n"
      "          method: POST\n"
      "          url: /login\n"
      "          headers: {Content-Type: application/json}\n"
      "          body: {file: " +
      body +
      ", template: true}\n"
      "          tags: {kind: api, team: \"a, b\"}\n"
      "          record: {done: 1}\n"
      "          checks: {\"logged in, with token\": {status: 200, jsonExists: $.token}}\n"
      "        - group: inner\n"
      "          steps: [{name: again, url: /}]\n"
      "    - {name: last, url: /}\n";
  PlanRun run = run_plan_text("step_tags", plan, server_.url());
  std::filesystem::remove(body);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.out.find("    ✗ "), std::string::npos) << run.out;
  const auto& m = run.summary["metrics"];
  // The auth group runs `once`: in each VU's first iteration only.
  EXPECT_EQ(m["http_reqs{kind:api}"]["count"], 2) << m.dump();
  EXPECT_EQ(m["http_reqs{team:\"a, b\"}"]["count"], 2) << m.dump();
  EXPECT_EQ(m["checks{check:\"logged in, with token\"}"]["passes"], 2);
  EXPECT_EQ(m["group_duration{group:::auth}"]["count"], 2);
  EXPECT_EQ(m["http_reqs"]["count"], 4 + 4 + 2 + 2);  // home, last; login, again
  EXPECT_NE(run.err.find("threshold on group_duration{group:::nowhere} matches no group"),
            std::string::npos)
      << run.err;
}

// The `url` tag is the URL requested (rendered per request when templated), secrets redacted
// in it as in the selector that names it.
TEST_F(PlanChecksTest, UrlTagIsTheRenderedUrl) {
  const std::string base = server_.url();
  const std::string plan =
      "options:\n"
      "  baseUrl: ${BASE_URL}\n"
      "  scenarios:\n"
      "    s: {executor: per-vu-iterations, vus: 2, iterations: 2}\n"
      "  thresholds:\n"
      "    'http_reqs{url:\"" +
      base +
      "/?v=0\"}': ['count==2']\n"
      "    'http_reqs{url:" +
      base +
      "/?v=1}': ['count==2']\n"
      "    'http_reqs{url:" +
      base +
      "/fixed}': ['count==4']\n"
      "    'http_reqs{url:\"" +
      base +
      "/?token=s3cr3tv4l\"}': ['count==4']\n"
      "    'http_req_duration{url:" +
      base +
      "/?v=2}': ['count==0']\n"
      "flows:\n"
      "  default:\n"
      "    - {name: item, url: \"/?v={{__ITER}}\"}\n"
      "    - {name: fixed, url: /fixed}\n"
      "    - {name: secret, url: \"/?token=s3cr3tv4l\"}\n";
  PlanRun run = run_plan_text("url_tag", plan, base);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.out.find("    ✗ "), std::string::npos) << run.out;
  const auto& m = run.summary["metrics"];
  EXPECT_EQ(m["http_reqs{url:" + base + "/?v=1}"]["count"], 2) << m.dump();
  EXPECT_EQ(m["http_reqs{url:" + base + "/?token=[REDACTED]}"]["count"], 4) << m.dump();
  EXPECT_EQ(run.summary.dump().find("s3cr3tv4l"), std::string::npos);
  EXPECT_EQ(run.out.find("s3cr3tv4l"), std::string::npos);
}

// The k6-style example: each VU logs in once (`once: true`), then a weighted mix of flows reuses
// its token; named checks, step tags and a body file all in one plan.
TEST_F(PlanChecksTest, K6ShopExampleLogsInOncePerVu) {
  PlanRun run = run_plan_file(std::string(PERFGATE_SOURCE_DIR) + "/examples/k6-shop.yaml",
                              server_.url(), {"--duration-scale", "0.05"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto& m = run.summary["metrics"];
  const int64_t logins = m["checks{check:logged in}"]["passes"].get<int64_t>();
  EXPECT_GE(logins, 1);
  EXPECT_LE(logins, 10) << "one login per VU, whatever the flow of its first iteration";
  EXPECT_EQ(m["checks{check:logged in}"]["fails"], 0);
  EXPECT_EQ(m["checks"]["fails"], 0) << run.out;
  EXPECT_EQ(m["group_duration{group:::auth}"]["count"], logins);
}

}  // namespace
}  // namespace perfgate::test_support
