// `perfgate run plan.yaml` end to end: every example plan passes against `perfgate serve`
// (shortened with --duration-scale), invalid plans exit 104 before any traffic, failed
// thresholds exit 99, and abortOnFail stops a run early with 99 too (as k6 does).
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <string>
#include <thread>

#include "plan_test_support.h"

namespace perfgate::test_support {
namespace {

std::string example(const std::string& name) {
  return std::string(PERFGATE_SOURCE_DIR) + "/examples/" + name;
}

class PlanRunTest : public ::testing::Test {
 protected:
  ServeProcess server_{2};
  void SetUp() override { ASSERT_FALSE(server_.url().empty()); }
};

// Each example runs for a few seconds; the scale is chosen per plan from its length.
struct ExampleCase {
  const char* file;
  const char* scale;
  const char* extra_env;  // NAME=value or nullptr
};

class ExamplePlanTest : public PlanRunTest, public ::testing::WithParamInterface<ExampleCase> {};

TEST_P(ExamplePlanTest, PassesAgainstServe) {
  const ExampleCase& c = GetParam();
  if (c.extra_env) ::putenv(const_cast<char*>(c.extra_env));
  PlanRun run = run_plan_file(example(c.file), server_.url(), {"--duration-scale", c.scale});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_LT(run.seconds, 12.0);
  ASSERT_TRUE(run.summary.is_object()) << run.err;
  const auto& metrics = run.summary["metrics"];
  EXPECT_GT(metrics["http_reqs"]["count"].get<int64_t>(), 0);
  EXPECT_EQ(metrics["http_req_failed"]["passes"].get<int64_t>(), 0);
  EXPECT_GT(metrics["iterations"]["count"].get<int64_t>(), 0);
  // Every threshold is listed under its metric, and none failed.
  int thresholds = 0;
  for (const auto& [key, metric] : metrics.items()) {
    if (!metric.contains("thresholds")) continue;
    for (const auto& [expression, failed] : metric["thresholds"].items()) {
      ++thresholds;
      EXPECT_FALSE(failed.get<bool>()) << key << " " << expression;
    }
  }
  EXPECT_GT(thresholds, 0);
  EXPECT_NE(run.out.find("thresholds:"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Examples, ExamplePlanTest,
                         ::testing::Values(ExampleCase{"auth-login.yaml", "0.08", nullptr},
                                           ExampleCase{"user-mix.yaml", "0.04", nullptr},
                                           ExampleCase{"agent-mix.yaml", "0.08", nullptr},
                                           ExampleCase{"stress-ramp.yaml", "0.05", nullptr},
                                           ExampleCase{"soak.yaml", "0.02", "SOAK_HOLD=1m"},
                                           ExampleCase{"k6-batch.yaml", "0.1", nullptr}),
                         [](const ::testing::TestParamInfo<ExampleCase>& info) {
                           std::string name = info.param.file;
                           name = name.substr(0, name.find('.'));
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST_F(PlanRunTest, LoginFlowCarriesTheTokenAndCountsPerName) {
  PlanRun run =
      run_plan_file(example("auth-login.yaml"), server_.url(), {"--duration-scale", "0.05"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto& m = run.summary["metrics"];
  const int64_t logins = m["http_reqs{name:login}"]["count"].get<int64_t>();
  const int64_t mes = m["http_reqs{name:me}"]["count"].get<int64_t>();
  EXPECT_GT(logins, 10);
  // /me answers 401 without the extracted token: every one must have passed its checks.
  EXPECT_EQ(m["http_req_failed{name:me}"]["passes"].get<int64_t>(), 0);
  EXPECT_NEAR(static_cast<double>(mes), static_cast<double>(logins), 20.0);
  EXPECT_EQ(m["checks"]["fails"].get<int64_t>(), 0);
  EXPECT_GT(m["http_req_duration{name:login}"]["count"].get<int64_t>(), 0);
  EXPECT_NE(run.out.find("login"), std::string::npos);
}

// A flow that asks /me before and after logging in, with no token handling of its own: only the
// VU's cookie jar can carry the `session` cookie from /login to /me.
std::string cookie_plan(bool keep_cookies) {
  return std::string(
             "options:\n"
             "  baseUrl: ${BASE_URL}\n") +
         (keep_cookies ? "  noCookiesReset: true\n" : "") +
         "  scenarios:\n"
         "    s: {executor: per-vu-iterations, vus: 2, iterations: 5}\n"
         "flows:\n"
         "  default:\n"
         "    - {name: me_before, url: /me}\n"
         "    - {name: login, method: POST, url: /login, json: {username: u, password: secret}}\n"
         "    - {name: me_after, url: /me, checks: {status: 200}}\n"
         "    - name: echo\n"
         "      url: /echo\n"
         "      headers: {Cookie: theme=dark}\n"
         "      checks: {bodyContains: 'theme=dark; session='}\n";
}

TEST_F(PlanRunTest, CookieJarCarriesTheSessionAndIsEmptiedEachIteration) {
  PlanRun run = run_plan_text("cookies", cookie_plan(false), server_.url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto& m = run.summary["metrics"];
  EXPECT_EQ(m["http_reqs{name:me_after}"]["count"].get<int64_t>(), 10);
  EXPECT_EQ(m["http_req_failed{name:me_after}"]["passes"].get<int64_t>(), 0);
  EXPECT_EQ(m["checks"]["fails"].get<int64_t>(), 0) << run.out;
  EXPECT_EQ(m["checks"]["passes"].get<int64_t>(), 20);
  EXPECT_NE(run.out.find("plan: 1 scenario(s) (per-vu-iterations), up to 2 VUs"), std::string::npos)
      << run.out;
  // Every iteration starts with an empty jar, so /me before the login is refused every time.
  EXPECT_EQ(m["http_req_failed{name:me_before}"]["passes"].get<int64_t>(), 10);
}

// The per-name table would repeat the totals for a plan with one request name: shown only with
// two names or more.
TEST_F(PlanRunTest, PerNameTableOnlyWithMoreThanOneName) {
  const std::string table_header = "  name                             count       rate";
  PlanRun one = run_plan_text("one_name",
                              "options:\n"
                              "  baseUrl: ${BASE_URL}\n"
                              "  scenarios:\n"
                              "    s: {executor: per-vu-iterations, vus: 1, iterations: 3}\n"
                              "flows:\n"
                              "  default:\n"
                              "    - {name: home, url: /}\n",
                              server_.url());
  ASSERT_EQ(one.exit_code, 0) << one.out << one.err;
  EXPECT_EQ(one.out.find(table_header), std::string::npos) << one.out;
  PlanRun many = run_plan_text("many_names", cookie_plan(false), server_.url());
  ASSERT_EQ(many.exit_code, 0) << many.out << many.err;
  EXPECT_NE(many.out.find(table_header), std::string::npos) << many.out;
  EXPECT_NE(many.out.find("  me_after "), std::string::npos) << many.out;
}

TEST_F(PlanRunTest, NoCookiesResetKeepsTheJarAcrossIterations) {
  PlanRun run = run_plan_text("cookies_kept", cookie_plan(true), server_.url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto& m = run.summary["metrics"];
  // Only each VU's first iteration meets an empty jar.
  EXPECT_EQ(m["http_req_failed{name:me_before}"]["passes"].get<int64_t>(), 2);
  EXPECT_EQ(m["http_req_failed{name:me_after}"]["passes"].get<int64_t>(), 0);
}

// One second of 500s inside four seconds of 200s, at 100 requests/s each: 20% of the whole run
// fails, but every 2 s window that holds the bad second fails a third of its requests.
TEST_F(PlanRunTest, WindowedThresholdOnABuiltInMetricCatchesTheBadWindow) {
  PlanRun run = run_plan_text(
      "window",
      "options:\n"
      "  baseUrl: ${BASE_URL}\n"
      "  thresholds:\n"
      "    http_req_failed:\n"
      "      - rate<0.28\n"
      "      - {threshold: rate<0.27, window: 2s}\n"
      "    http_req_duration:\n"
      "      - {threshold: p(99)<1000, window: 2s}\n"
      "  scenarios:\n"
      "    good: {executor: constant-arrival-rate, rate: 100, duration: 4s, preAllocatedVUs: 4,"
      " exec: good}\n"
      "    bad: {executor: constant-arrival-rate, rate: 100, duration: 1s, startTime: 1s,"
      " preAllocatedVUs: 4, exec: bad}\n"
      "flows:\n"
      "  good: [{name: good, url: /status/200}]\n"
      "  bad: [{name: bad, url: /status/500}]\n",
      server_.url());
  EXPECT_EQ(run.exit_code, 99) << run.out << run.err;
  const auto& failed = run.summary["metrics"]["http_req_failed"];
  EXPECT_NEAR(failed["value"].get<double>(), 0.2, 0.03);
  EXPECT_FALSE(failed["thresholds"]["rate<0.28"].get<bool>()) << "the whole run passes";
  EXPECT_TRUE(failed["thresholds"]["rate<0.27"].get<bool>()) << "a 2 s window fails";
  EXPECT_NE(run.out.find("✗ http_req_failed"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("✓ http_req_failed"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("worst 2s window"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("✓ http_req_duration"), std::string::npos) << run.out;
}

// --summary-json in k6's --summary-export shape: the group tree with its checks, the expected
// responses' duration without any threshold asking for it, custom rates with passes and fails.
TEST_F(PlanRunTest, SummaryJsonHasK6RootGroupExpectedResponsesAndRates) {
  PlanRun run = run_plan_text(
      "summary_export",
      "options:\n"
      "  baseUrl: ${BASE_URL}\n"
      "  scenarios:\n"
      "    once: {executor: per-vu-iterations, vus: 1, iterations: 3}\n"
      "metrics: {found: rate}\n"
      "flows:\n"
      "  default:\n"
      "    - {name: home, url: /, checks: {status: 200}, record: {found: 1}}\n"
      "    - group: cart\n"
      "      steps:\n"
      "        - group: pay\n"
      "          steps:\n"
      "            - {name: missing, url: /nope, checks: {status: 404}, record: {found: 0}}\n",
      server_.url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto& root = run.summary["root_group"];
  EXPECT_EQ(root["path"], "");
  EXPECT_EQ(root["id"], "d41d8cd98f00b204e9800998ecf8427e");  // MD5 of "", as k6 has it
  ASSERT_EQ(root["checks"].size(), 1u) << root.dump();
  EXPECT_EQ(root["checks"][0]["path"], "::status in [200]");
  EXPECT_EQ(root["checks"][0]["passes"].get<int64_t>(), 3);
  ASSERT_EQ(root["groups"].size(), 1u) << root.dump();
  const auto& cart = root["groups"][0];
  EXPECT_EQ(cart["name"], "cart");
  EXPECT_EQ(cart["path"], "::cart");
  ASSERT_EQ(cart["groups"].size(), 1u) << root.dump();
  const auto& pay = cart["groups"][0];
  EXPECT_EQ(pay["path"], "::cart::pay");
  ASSERT_EQ(pay["checks"].size(), 1u) << root.dump();
  EXPECT_EQ(pay["checks"][0]["name"], "status in [404]");
  EXPECT_EQ(pay["checks"][0]["fails"].get<int64_t>(), 0);
  const auto& m = run.summary["metrics"];
  EXPECT_EQ(m["http_req_duration{expected_response:true}"]["count"].get<int64_t>(), 3);
  EXPECT_EQ(m["found"]["passes"].get<int64_t>(), 3);
  EXPECT_EQ(m["found"]["fails"].get<int64_t>(), 3);
  EXPECT_DOUBLE_EQ(m["found"]["value"].get<double>(), 0.5);
}

// k6's sub-metrics: thresholds narrowed by any tag a sample carries.
TEST_F(PlanRunTest, ThresholdsOnTagFilteredSubMetrics) {
  PlanRun run = run_plan_text(
      "submetrics",
      "options:\n"
      "  baseUrl: ${BASE_URL}\n"
      "  thresholds:\n"
      "    'http_reqs{scenario:shop}': ['count==12']\n"
      "    'http_reqs{kind:api}': ['count==12']\n"
      "    'http_reqs{status:404}': ['count==4']\n"
      "    'http_req_failed{method:POST}': ['rate==1']\n"
      "    'http_req_failed{expected_response:true}': ['rate==0']\n"
      "    'http_req_duration{group:::cart}': ['count==4']\n"
      "    'http_req_duration{status:200,scenario:shop}': ['count==4']\n"
      "    'checks{check:status in [404]}': ['rate==1']\n"
      "    'iterations{scenario:shop}': ['count==4']\n"
      "    'iteration_duration{kind:api}': ['count==4']\n"
      "    'http_reqs{kind:typo}': ['count>0']\n"
      "    vus_max: ['max==2', 'value==2']\n"
      "    'done{scenario:shop,name:home}': ['count==4']\n"
      "    'done{kind:api,group:::cart}': ['count==0']\n"
      "  scenarios:\n"
      "    shop:\n"
      "      executor: per-vu-iterations\n"
      "      vus: 2\n"
      "      iterations: 2\n"
      "      tags: {kind: api}\n"
      "metrics: {done: counter}\n"
      "flows:\n"
      "  default:\n"
      "    - {name: home, url: /, record: {done: 1}}\n"
      "    - group: cart\n"
      "      steps:\n"
      "        - {name: missing, url: /nope, checks: {status: 404}}\n"
      "    - {name: wrong, method: POST, url: /login, json: {username: u, password: x}}\n",
      server_.url());
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.out.find("    ✗ "), std::string::npos) << run.out;
  // Only the typo and the custom metric nothing in the cart group records have no data.
  EXPECT_NE(run.out.find("http_reqs{kind:typo}                 count>0          no data"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("observed 4"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("warning: threshold on http_reqs{kind:typo} matches no request"),
            std::string::npos)
      << run.err;
  const auto& m = run.summary["metrics"];
  EXPECT_EQ(m["http_reqs{status:404}"]["count"].get<int64_t>(), 4);
  EXPECT_EQ(m["http_req_failed{method:POST}"]["passes"].get<int64_t>(), 4);
  EXPECT_EQ(m["iteration_duration{kind:api}"]["count"].get<int64_t>(), 4);
  EXPECT_FALSE(m["http_reqs{kind:typo}"].contains("count"));
}

// As k6: redirects are followed (maxRedirects, default 10), each hop is a request sample of the
// step, and checks judge the final answer.
TEST_F(PlanRunTest, RedirectsAreFollowedAndEachHopIsASample) {
  const std::string flow =
      "flows:\n"
      "  default:\n"
      "    - name: hops\n"
      "      url: /redirect/3\n"
      "      checks: {status: 200, bodyContains: redirects done}\n";
  auto plan = [&](const std::string& extra) {
    return "options:\n  baseUrl: ${BASE_URL}\n" + extra +
           "  scenarios:\n    s: {executor: per-vu-iterations, vus: 2, iterations: 3}\n" + flow;
  };
  PlanRun followed = run_plan_text("redirects", plan(""), server_.url());
  ASSERT_EQ(followed.exit_code, 0) << followed.out << followed.err;
  const auto& m = followed.summary["metrics"];
  EXPECT_EQ(m["http_reqs{name:hops}"]["count"].get<int64_t>(), 6 * 4);  // 3 redirects + answer
  EXPECT_EQ(m["checks"]["passes"].get<int64_t>(), 12);
  EXPECT_EQ(m["checks"]["fails"].get<int64_t>(), 0);
  EXPECT_EQ(followed.summary["perfgate"]["responses"]["302"].get<int64_t>(), 18);

  PlanRun capped = run_plan_text("redirects_capped", plan("  maxRedirects: 1\n"), server_.url());
  ASSERT_EQ(capped.exit_code, 0) << capped.out << capped.err;
  const auto& c = capped.summary["metrics"];
  EXPECT_EQ(c["http_reqs{name:hops}"]["count"].get<int64_t>(), 6 * 2);
  EXPECT_EQ(c["checks"]["fails"].get<int64_t>(), 12) << "the final answer is a 302";
}

TEST_F(PlanRunTest, FailedExtractionsAreCountedAndCanBeGated) {
  PlanRun run = run_plan_text("extract",
                              "options:\n"
                              "  baseUrl: ${BASE_URL}\n"
                              "  thresholds:\n"
                              "    extract_failures: ['count==0']\n"
                              "  scenarios:\n"
                              "    s: {executor: per-vu-iterations, vus: 2, iterations: 4}\n"
                              "flows:\n"
                              "  default:\n"
                              "    - name: catalog\n"
                              "      url: /json\n"
                              "      extract:\n"
                              "        first: {json: '$.items[0].id'}\n"
                              "        gone: {json: $.nope}\n"
                              "    - {name: item, url: '/echo?id={{first}}&x={{gone}}'}\n",
                              server_.url());
  EXPECT_EQ(run.exit_code, 99) << run.out << run.err;
  const auto& m = run.summary["metrics"];
  EXPECT_EQ(m["extract_failures"]["count"].get<int64_t>(), 8);  // `gone`, once per iteration
  EXPECT_EQ(m["extract_failures{name:catalog}"]["count"].get<int64_t>(), 8);
  EXPECT_NE(run.out.find("extractions that found nothing: 8 (catalog 8)"), std::string::npos)
      << run.out;
}

TEST_F(PlanRunTest, CtrlCStopsAPlanGracefullyAndStillWritesEverything) {
  const std::string plan_path = temp_path("sigint.yaml");
  std::ofstream(plan_path) << "options:\n"
                              "  baseUrl: "
                           << server_.url()
                           << "\n"
                              "  thresholds: {http_req_failed: ['rate<0.01']}\n"
                              "  scenarios:\n"
                              "    s: {executor: constant-vus, vus: 2, duration: 60s}\n"
                              "flows:\n"
                              "  default:\n"
                              "    - {name: root, url: /}\n"
                              "    - think: 5ms\n";
  const std::string summary = temp_path("sigint_summary.json");
  const std::string results = temp_path("sigint_results.json");
  ChildProcess run({"run", plan_path, "--summary-json", summary, "--out", "json=" + results});
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  run.signal(SIGINT);
  EXPECT_EQ(run.wait(std::chrono::seconds(15)), 105) << run.out() << run.err();
  EXPECT_NE(run.out().find("INTERRUPTED"), std::string::npos) << run.out();
  EXPECT_NE(run.out().find("✓ http_req_failed"), std::string::npos) << run.out();
  std::ifstream summary_in(summary), results_in(results);
  const auto s = nlohmann::json::parse(summary_in, nullptr, false);
  const auto r = nlohmann::json::parse(results_in, nullptr, false);
  ASSERT_TRUE(s.is_object()) << "summary JSON written after Ctrl-C";
  ASSERT_TRUE(r.is_object()) << "results file written after Ctrl-C";
  EXPECT_TRUE(s["perfgate"]["interrupted"].get<bool>());
  EXPECT_GT(s["metrics"]["http_reqs{name:root}"]["count"].get<int64_t>(), 10);
  EXPECT_LT(s["perfgate"]["elapsed_s"].get<double>(), 10.0);
  for (const std::string& path : {plan_path, summary, results}) std::filesystem::remove(path);
}

TEST_F(PlanRunTest, InvalidPlanExits104BeforeAnyTraffic) {
  PlanRun run = run_plan_text("invalid",
                              "options:\n"
                              "  scenarios:\n"
                              "    s: {executor: constant-vuss, vus: 1, duration: 1s}\n"
                              "flows:\n"
                              "  default:\n"
                              "    - {url: /}\n",
                              server_.url());
  EXPECT_EQ(run.exit_code, 104) << run.out << run.err;
  EXPECT_NE(run.err.find("invalid.yaml:3:"), std::string::npos) << run.err;
  EXPECT_TRUE(run.summary.is_null());
  EXPECT_EQ(run.out.find("http_reqs"), std::string::npos);
}

TEST_F(PlanRunTest, FailedThresholdExits99) {
  PlanRun run = run_plan_text("threshold",
                              "options:\n"
                              "  baseUrl: ${BASE_URL}\n"
                              "  thresholds:\n"
                              "    checks: ['rate>0.99']\n"
                              "    'http_req_duration{name:slow}': ['p(95)<5']\n"
                              "  scenarios:\n"
                              "    s: {executor: constant-vus, vus: 2, duration: 1s}\n"
                              "flows:\n"
                              "  default:\n"
                              "    - {name: slow, url: /delay/20, checks: {status: 201}}\n",
                              server_.url());
  EXPECT_EQ(run.exit_code, 99) << run.out << run.err;
  const auto& m = run.summary["metrics"];
  EXPECT_TRUE(m["checks"]["thresholds"]["rate>0.99"].get<bool>());
  EXPECT_TRUE(m["http_req_duration{name:slow}"]["thresholds"]["p(95)<5"].get<bool>());
  EXPECT_GT(m["checks"]["fails"].get<int64_t>(), 0);
  EXPECT_NE(run.out.find("✗ checks"), std::string::npos) << run.out;
}

// In GitHub Actions: a failed threshold is annotated at its line of the plan, an invalid plan at
// the line of its error, and the Markdown summary is appended to $GITHUB_STEP_SUMMARY.
TEST_F(PlanRunTest, GithubActionsGetsAnnotationsAndTheStepSummary) {
  const std::string step_summary = temp_path("step_summary.md");
  std::ofstream(step_summary) << "earlier step\n";
  ::setenv("GITHUB_ACTIONS", "true", 1);
  ::setenv("GITHUB_STEP_SUMMARY", step_summary.c_str(), 1);
  PlanRun failed = run_plan_text("gha",
                                 "options:\n"
                                 "  baseUrl: ${BASE_URL}\n"
                                 "  thresholds:\n"
                                 "    'http_req_duration{name:slow}': ['p(95)<5']\n"
                                 "  scenarios:\n"
                                 "    s: {executor: per-vu-iterations, vus: 1, iterations: 2}\n"
                                 "flows:\n"
                                 "  default:\n"
                                 "    - {name: slow, url: /delay/20}\n",
                                 server_.url());
  PlanRun invalid = run_plan_text("gha_invalid",
                                  "options:\n"
                                  "  scenarios:\n"
                                  "    s: {executor: constant-vuss, vus: 1, duration: 1s}\n"
                                  "flows:\n"
                                  "  default:\n"
                                  "    - {url: /}\n",
                                  server_.url());
  ::unsetenv("GITHUB_ACTIONS");
  ::unsetenv("GITHUB_STEP_SUMMARY");
  EXPECT_EQ(failed.exit_code, 99) << failed.out << failed.err;
  EXPECT_NE(failed.out.find("gha.yaml,line=4"), std::string::npos) << failed.out;
  EXPECT_NE(failed.out.find(",title=threshold failed::http_req_duration{name:slow} p(95)<5: "
                            "observed "),
            std::string::npos)
      << failed.out;
  EXPECT_EQ(invalid.exit_code, 104);
  EXPECT_NE(invalid.out.find("gha_invalid.yaml,line=3"), std::string::npos) << invalid.out;
  EXPECT_NE(invalid.out.find("title=invalid plan::"), std::string::npos) << invalid.out;
  std::ifstream in(step_summary);
  const std::string markdown((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(markdown.rfind("earlier step\n", 0), 0u) << "appended, not replaced";
  EXPECT_NE(markdown.find("p(95)&lt;5"), std::string::npos) << markdown;
  std::filesystem::remove(step_summary);
}

TEST_F(PlanRunTest, AbortOnFailStopsTheRunEarly) {
  PlanRun run = run_plan_text("abort",
                              "options:\n"
                              "  baseUrl: ${BASE_URL}\n"
                              "  thresholds:\n"
                              "    http_req_failed:\n"
                              "      - {threshold: 'rate<0.1', abortOnFail: true, "
                              "delayAbortEval: 1s}\n"
                              "  scenarios:\n"
                              "    s: {executor: constant-vus, vus: 2, duration: 30s}\n"
                              "flows:\n"
                              "  default:\n"
                              "    - {name: broken, url: /status/500}\n"
                              "    - think: 10ms\n",
                              server_.url());
  EXPECT_EQ(run.exit_code, 99) << "k6 exits 99 when abortOnFail stops a run: " << run.out
                               << run.err;
  EXPECT_LT(run.seconds, 6.0);
  EXPECT_NE(run.out.find("ABORTED"), std::string::npos) << run.out;
  EXPECT_TRUE(run.summary["perfgate"]["plan"]["aborted"].get<bool>());
  EXPECT_LT(run.summary["perfgate"]["plan"]["aborted_at_seconds"].get<double>(), 4.0);
}

// Custom metrics and group_duration are part of the results model: the console summary and the
// results file carry them (and so compare, gate and history, which read that file).
TEST_F(PlanRunTest, CustomMetricsAndGroupsReachTheConsoleAndTheResultsFile) {
  const std::string results = temp_path("custom_metrics_results.json");
  PlanRun run =
      run_plan_text("custom_metrics",
                    "options:\n  baseUrl: ${BASE_URL}\n"
                    "  scenarios:\n    s: {executor: per-vu-iterations, vus: 1, iterations: 3}\n"
                    "metrics: {done: counter}\n"
                    "flows:\n  default:\n"
                    "    - {name: home, url: /, record: {done: 2}}\n"
                    "    - group: cart\n      steps:\n        - {name: cart, url: /}\n",
                    server_.url(), {"--out", "json=" + results});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("custom metrics and groups:"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("count=6 rate="), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("  group_duration ."), std::string::npos) << run.out;
  std::ifstream in(results);
  const nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  std::filesystem::remove(results);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["plan_metrics"]["done"]["type"], "counter");
  EXPECT_EQ(doc["plan_metrics"]["done"]["count"].get<double>(), 6);
  EXPECT_EQ(doc["plan_metrics"]["group_duration"]["count"].get<double>(), 3);
  EXPECT_EQ(doc["plan_metrics"]["group_duration"]["unit"], "ms");
}

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path);
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  std::filesystem::remove(path);
  return doc;
}

// The HTML report's time series in the results file: latency per request name, errors by class
// and busy VUs by scenario, per interval; the per-name points add up to the per-name totals.
TEST_F(PlanRunTest, ResultsFileCarriesPerNameErrorAndScenarioSeries) {
  const std::string results = temp_path("time_detail_results.json");
  PlanRun run =
      run_plan_text("time_detail",
                    "options:\n  baseUrl: ${BASE_URL}\n"
                    "  scenarios:\n"
                    "    shop: {executor: constant-vus, vus: 2, duration: 2s, exec: shop}\n"
                    "    admin: {executor: constant-vus, vus: 1, duration: 2s, exec: admin}\n"
                    "flows:\n"
                    "  shop:\n    - {name: home, url: /}\n    - think: 20ms\n"
                    "  admin:\n    - {name: broken, url: /status/503}\n    - think: 50ms\n",
                    server_.url(), {"--out", "json=" + results});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const nlohmann::json doc = read_json_file(results);
  ASSERT_TRUE(doc.is_object());
  const auto& series = doc["series"];
  EXPECT_EQ(series["scenarios"], nlohmann::json({"shop", "admin"}));
  int64_t http_5xx = 0, shop_vus_max = 0, admin_vus_max = 0;
  for (const auto& p : series["points"]) {
    ASSERT_EQ(p["scenario_vus"].size(), 2u) << p.dump();
    shop_vus_max = std::max(shop_vus_max, p["scenario_vus"][0].get<int64_t>());
    admin_vus_max = std::max(admin_vus_max, p["scenario_vus"][1].get<int64_t>());
    if (p.contains("error_classes")) http_5xx += p["error_classes"].value("http_5xx", int64_t{0});
  }
  EXPECT_EQ(shop_vus_max, 2);
  EXPECT_EQ(admin_vus_max, 1);
  EXPECT_EQ(http_5xx, doc["errors"]["http_5xx"].get<int64_t>());
  EXPECT_GT(http_5xx, 0);
  const auto& names = doc["name_series"];
  EXPECT_EQ(names["interval_s"], 1);
  ASSERT_EQ(names["names"].size(), 2u) << names.dump();
  for (const auto& n : names["names"]) {
    int64_t requests = 0, failures = 0;
    for (const auto& p : n["points"]) {
      requests += p[1].get<int64_t>();
      failures += p[2].get<int64_t>();
      EXPECT_LE(p[3].get<int64_t>(), p[5].get<int64_t>()) << "p50 <= p99";
    }
    bool found = false;
    for (const auto& total : doc["names"]) {
      if (total["name"] != n["name"]) continue;
      found = true;
      EXPECT_EQ(requests, total["requests"].get<int64_t>()) << n["name"];
      EXPECT_EQ(failures, total["failures"].get<int64_t>()) << n["name"];
    }
    EXPECT_TRUE(found) << n["name"];
    EXPECT_GE(n["points"].size(), 2u) << n["name"];
  }
  EXPECT_EQ(names["names"][0]["name"], "home");  // the busier name first
}

// A one-liner is a one-step plan: its results file has its one name, with a per-name series.
TEST_F(PlanRunTest, OneLinerResultsHaveTheirNameRow) {
  const std::string results = temp_path("one_liner_results.json");
  RunOutcome outcome =
      run_perfgate({"run", server_.url() + "/", "-c", "2", "-d", "1s", "--out", "json=" + results},
                   std::chrono::seconds(20));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.out << outcome.err;
  const nlohmann::json doc = read_json_file(results);
  ASSERT_TRUE(doc.is_object());
  ASSERT_EQ(doc["names"].size(), 1u) << doc["names"].dump();
  EXPECT_EQ(doc["names"][0]["requests"], doc["counters"]["http_reqs"]["count"]);
  EXPECT_NE(doc["names"][0]["name"].get<std::string>().find(server_.url()), std::string::npos);
  ASSERT_EQ(doc["name_series"]["names"].size(), 1u);
  EXPECT_EQ(doc["name_series"]["names"][0]["name"], doc["names"][0]["name"]);
  EXPECT_FALSE(doc["series"].contains("scenarios") && doc["series"]["scenarios"].size() > 1);
}

}  // namespace
}  // namespace perfgate::test_support
