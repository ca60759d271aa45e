#include "plan/loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "plan/explain.h"
#include "plan/schedule.h"

namespace perfgate::plan {
namespace {

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("plan_loader_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "data");
    std::ofstream(dir_ / "data" / "users.csv") << "username,password\nalice,\"pa,ss\"\nbob,b\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  LoadResult load(const std::string& text) {
    LoadOptions options;
    options.display_name = "t.yaml";
    options.base_dir = dir_.string();
    options.env = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
    return load_plan_text(text, options);
  }
  std::vector<std::string> errors(const LoadResult& r) {
    std::vector<std::string> out;
    for (const Diagnostic& d : r.diagnostics.sorted()) out.push_back(d.format());
    return out;
  }

  std::filesystem::path dir_;
  std::map<std::string, std::string> env_;
};

constexpr const char* kFullPlan = R"(name: full
vars: {api: v2}
data:
  users: {file: data/users.csv, mode: unique}
metrics: {logins: counter, login_ms: trend}
options:
  baseUrl: ${BASE_URL:-http://127.0.0.1:8080}/
  headers: {Accept: application/json, Authorization: "Bearer ${API_TOKEN}"}
  timeout: 5s
  thresholds:
    http_req_duration: ["p(95)<200", {threshold: "p(99)<500", abortOnFail: true, delayAbortEval: 10s, window: 30s}]
    "http_req_duration{name:login}": ["p(95)<300"]
    http_req_failed: ["rate<0.01"]
    checks: ["rate>0.99"]
    logins: ["count>0"]
    sut_cpu_percent: ["avg<80"]
  scenarios:
    ramp:
      executor: ramping-vus
      startVUs: 0
      stages: [{duration: 10s, target: 2}, {duration: 5s, target: 0}]
      exec: auth
      env: {REGION: eu}
    rate:
      executor: ramping-arrival-rate
      startTime: 15s
      pattern: {type: spike, baseline: 5, peak: 50, warmup: 5s, rise: 2s, hold: 5s, recovery: 5s}
      preAllocatedVUs: 2
      maxVUs: 2
      arrival: poisson
      seed: 3
      flows: {auth: 3, browse: 1}
      env: {REGION: us}
flows:
  auth:
    data: users
    steps:
      - name: login
        method: post
        url: /login
        json: {username: "{{username}}", password: "{{password}}", remember: true, n: 3}
        extract: {token: {json: $.token}}
        checks: {status: [200, 201], bodyContains: token, durationBelow: 1s}
        record: {logins: 1, login_ms: duration}
      - think: {min: 1s, max: 2s}
      - group: me
        steps:
          - url: /me?region={{REGION}}&api={{api}}&vu={{__VU}}
            headers: {Authorization: "Bearer {{token}}"}
            checks: {jsonExists: [$.user], headers: {Content-Type: json}}
  browse:
    - url: /json
    - think: 500ms
)";

TEST_F(LoaderTest, LoadsAFullPlan) {
  env_["API_TOKEN"] = "tok-123";
  LoadResult r = load(kFullPlan);
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(errors(r));
  const Plan& p = r.plan;
  EXPECT_EQ(p.name, "full");
  EXPECT_EQ(p.options.base_url, "http://127.0.0.1:8080");
  EXPECT_EQ(p.options.timeout, 5 * kSecond);
  ASSERT_EQ(p.options.thresholds.size(), 7u);
  EXPECT_TRUE(p.options.thresholds[1].abort_on_fail);
  EXPECT_EQ(p.options.thresholds[1].window, 30 * kSecond);
  EXPECT_EQ(p.options.thresholds[2].metric.key(), "http_req_duration{name:login}");
  // The env value, and the Authorization header it went into (plan/redact.h).
  EXPECT_EQ(p.secret_values, (std::vector<std::string>{"Bearer tok-123", "tok-123"}));

  ASSERT_EQ(p.scenarios.size(), 2u);
  const Scenario& ramp = p.scenarios[0];
  EXPECT_EQ(ramp.executor, ExecutorKind::kRampingVus);
  EXPECT_EQ(ramp.start_vus, 0);
  EXPECT_EQ(ramp.stages.size(), 2u);
  EXPECT_EQ(ramp.pos.line, 18);
  EXPECT_EQ(ramp.pos.column, 5);
  const Scenario& rate = p.scenarios[1];
  EXPECT_EQ(rate.pattern, "spike");
  EXPECT_EQ(rate.start_rate, 5);
  ASSERT_EQ(rate.stages.size(), 5u);
  EXPECT_EQ(rate.stages[1].target, 50);
  EXPECT_EQ(rate.stages[3].duration, 2 * kSecond);  // fall defaults to rise
  EXPECT_EQ(rate.arrival, ArrivalMode::kPoisson);
  EXPECT_EQ(rate.seed, 3u);
  ASSERT_EQ(rate.flows.size(), 2u);
  EXPECT_EQ(p.flows[rate.flows[0].flow].name, "auth");
  EXPECT_DOUBLE_EQ(rate.flows[0].weight, 3);
  EXPECT_EQ(plan_duration(p), 15 * kSecond + 19 * kSecond + 30 * kSecond);

  const Flow& auth = p.flows[0];
  ASSERT_EQ(auth.steps.size(), 3u);
  const RequestStep& login = auth.steps[0].request;
  EXPECT_EQ(login.method, "POST");
  EXPECT_EQ(login.url.source(), "http://127.0.0.1:8080/login");
  std::vector<std::string> vars(p.variables.size());
  vars[p.slot_of("username")] = "al\"ice";
  vars[p.slot_of("password")] = "x";
  EXPECT_EQ(login.body.render(RenderContext{vars}),
            R"({"username":"al\"ice","password":"x","remember":true,"n":3})");
  ASSERT_EQ(login.checks.size(), 3u);
  EXPECT_EQ(login.checks[0].statuses, (std::vector<int>{200, 201}));
  EXPECT_EQ(login.extracts[0].expression, "/token");
  EXPECT_EQ(login.records.size(), 2u);
  bool has_json_type = false;
  for (const Header& h : login.headers) has_json_type |= h.name == "Content-Type";
  EXPECT_TRUE(has_json_type);
  EXPECT_EQ(auth.steps[1].think.kind, ThinkKind::kUniform);
  const RequestStep& me = auth.steps[2].steps[0].request;
  vars[p.slot_of("REGION")] = "eu";
  vars[p.slot_of("api")] = *p.variables[p.slot_of("api")].constant;
  RenderContext ctx{vars};
  ctx.vu = 4;
  EXPECT_EQ(me.url.render(ctx), "http://127.0.0.1:8080/me?region=eu&api=v2&vu=4");
  EXPECT_TRUE(p.variables[p.slot_of("token")].extracted);
  EXPECT_TRUE(p.variables[p.slot_of("REGION")].scenario_env);
  ASSERT_EQ(p.feeders.size(), 1u);
  EXPECT_EQ(p.feeders[0].rows[0][1], "pa,ss");

  const std::string explained = explain_plan(p, Redactor::for_plan(p));
  EXPECT_EQ(explained.find("tok-123"), std::string::npos);
  EXPECT_NE(explained.find("Authorization: [REDACTED]"), std::string::npos);
  EXPECT_NE(explained.find("stages (from pattern spike)"), std::string::npos);
  EXPECT_NE(explained.find('#'), std::string::npos);
}

TEST_F(LoaderTest, EnvironmentOverridesDefaults) {
  env_["BASE_URL"] = "https://example.test:9443";
  env_["API_TOKEN"] = "t";
  LoadResult r = load(kFullPlan);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.plan.options.base_url, "https://example.test:9443");
}

TEST_F(LoaderTest, TracingOptionInK6sShape) {
  const char* head = "options:\n  baseUrl: http://127.0.0.1:1\n  vus: 1\n  duration: 1s\n";
  const char* flows = "flows:\n  main:\n    - url: /\n";
  LoadResult off = load(std::string(head) + flows);
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off.plan.options.tracing);
  LoadResult on =
      load(std::string(head) + "  tracing: {propagator: w3c, sampling: 0.25}\n" + flows);
  ASSERT_TRUE(on.ok()) << errors(on).front();
  EXPECT_TRUE(on.plan.options.tracing);
  EXPECT_DOUBLE_EQ(on.plan.options.trace_sampling, 0.25);
  LoadResult all = load(std::string(head) + "  tracing: {}\n" + flows);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all.plan.options.tracing);
  EXPECT_DOUBLE_EQ(all.plan.options.trace_sampling, 1.0);
  LoadResult b3 = load(std::string(head) + "  tracing: {propagator: b3}\n" + flows);
  ASSERT_FALSE(b3.ok());
  EXPECT_NE(errors(b3).front().find("must be \"w3c\""), std::string::npos) << errors(b3).front();
  LoadResult ratio = load(std::string(head) + "  tracing: {sampling: 1.5}\n" + flows);
  ASSERT_FALSE(ratio.ok());
  EXPECT_NE(errors(ratio).front().find("between 0 and 1"), std::string::npos);
}

TEST_F(LoaderTest, BatchStepsAndTheirLimits) {
  const char* head = "options:\n  baseUrl: http://127.0.0.1:1\n  vus: 1\n  duration: 1s\n";
  LoadResult ok = load(std::string(head) +
                       "  batch: 4\n  batchPerHost: 0\n"
                       "flows:\n  main:\n"
                       "    - batch:\n"
                       "        - {name: a, url: /a, extract: {token: {header: X-Token}}}\n"
                       "        - {name: b, url: http://127.0.0.1:2/b, checks: {status: 200}}\n"
                       "      once: true\n"
                       "    - {url: \"/c?t={{token}}\"}\n");
  ASSERT_TRUE(ok.ok()) << errors(ok).front();
  EXPECT_EQ(ok.plan.options.batch, 4);
  EXPECT_EQ(ok.plan.options.batch_per_host, 0);
  const Step& batch = ok.plan.flows[0].steps[0];
  EXPECT_EQ(batch.kind, Step::Kind::kBatch);
  EXPECT_TRUE(batch.once);
  ASSERT_EQ(batch.steps.size(), 2u);
  EXPECT_EQ(batch.steps[0].request.name, "a");
  EXPECT_EQ(batch.steps[1].request.url.source(), "http://127.0.0.1:2/b");
  EXPECT_EQ(batch.steps[1].request.checks.size(), 1u);

  LoadResult defaults = load(std::string(head) + "flows:\n  main:\n    - batch: [{url: /}]\n");
  ASSERT_TRUE(defaults.ok()) << errors(defaults).front();
  EXPECT_EQ(defaults.plan.options.batch, 20);
  EXPECT_EQ(defaults.plan.options.batch_per_host, 6);
}

TEST_F(LoaderTest, BatchMistakesHavePositions) {
  const std::string head = "options:\n  baseUrl: http://127.0.0.1:1\n  vus: 1\n  duration: 1s\n";
  const auto expect_error = [&](const std::string& text, const std::string& prefix) {
    LoadResult r = load(text);
    ASSERT_FALSE(r.ok()) << text;
    const std::string first = errors(r).front();
    EXPECT_EQ(first.rfind(prefix, 0), 0u) << first;
  };
  expect_error(head + "flows:\n  main:\n    - batch: []\n",
               "t.yaml:7:14: error: a batch needs at least one request");
  expect_error(head + "flows:\n  main:\n    - batch:\n        - {url: /a}\n        - think: 1s\n",
               "t.yaml:9:11: error: a batch holds HTTP request steps only (url:)");
  expect_error(head + "flows:\n  main:\n    - batch: {url: /a}\n", "t.yaml:7:14: error:");
  // Siblings run at the same time: one cannot read what another extracts.
  expect_error(head +
                   "flows:\n  main:\n    - batch:\n"
                   "        - {url: /a, extract: {token: {header: X-Token}}}\n"
                   "        - {url: \"/b?t={{token}}\"}\n",
               "t.yaml:9:23: error: undefined variable \"token\" (hint: \"token\" is extracted by "
               "another request of this batch");
  expect_error(head + "  batch: 0\nflows:\n  main:\n    - batch: [{url: /}]\n",
               "t.yaml:5:10: error: expected a whole number 1..1000 for options.batch");
  expect_error(head + "  batchPerHost: -1\nflows:\n  main:\n    - batch: [{url: /}]\n",
               "t.yaml:5:17: error: expected a whole number 0..1000 for options.batchPerHost");
  expect_error(head + "flows:\n  main:\n    - batch: [{url: /}]\n      bacth: 1\n",
               "t.yaml:8:7: error:");
}

TEST_F(LoaderTest, CollectsSeveralErrorsWithPositions) {
  LoadResult r = load(R"(options:
  baseUrl: http://127.0.0.1:1
  scenarios:
    a:
      executor: constant-vus
      vu: 10
      duration: 10
    b:
      executor: constant-vus
      duration: forever
      rate: 5
flows:
  main:
    - url: /x/{{missing}}
)");
  const std::vector<std::string> expected = {
      "t.yaml:6:7: error: unknown key \"vu\" in scenario \"a\" (hint: did you mean \"vus\"?)",
      "t.yaml:10:17: error: invalid duration \"forever\" for duration (hint: use a number with a "
      "unit, e.g. 500ms, 10s, 1m30s, 2h)",
      "t.yaml:11:7: error: option \"rate\" does not apply to executor constant-vus (hint: "
      "constant-vus takes: vus, duration (and the common executor, startTime, gracefulStop, tags, "
      "env, exec, flows, http))",
      "t.yaml:14:15: error: undefined variable \"missing\" (hint: define it under vars:, in the "
      "scenario's env:, as a data file column, or extract it in an earlier step; built-ins are "
      "__VU, __ITER, uuid, randInt, now)",
  };
  EXPECT_EQ(errors(r), expected);
}

TEST_F(LoaderTest, SecretsLeaveNoNameOrDiagnostic) {
  env_["API_TOKEN"] = "tok-in-env";
  env_["SID"] = "sid-value";
  LoadResult r = load(R"(options:
  baseUrl: http://127.0.0.1:8080
  secrets: [SID]
  thresholds:
    "http_req_duration{name:GET /a?token=${API_TOKEN}}": ["p(95)<500"]
  vus: 1
  duration: 1s
flows:
  main:
    - url: /a?token=${API_TOKEN}
      headers: {X-Api-Key: literal-key-9, Cookie: "sid=${SID}"}
      checks: {bodyContains: "${API_TOKEN}"}
    - group: ${SID}
      steps: [{url: /b}]
)");
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(errors(r));
  const RequestStep& step = r.plan.flows[0].steps[0].request;
  EXPECT_EQ(step.name, "GET /a?token=[REDACTED]");
  EXPECT_EQ(step.checks[0].name, "body contains [REDACTED]");
  EXPECT_EQ(step.checks[0].subject, "tok-in-env");  // still what the check looks for
  EXPECT_EQ(r.plan.flows[0].steps[1].group, "[REDACTED]");
  // The threshold's name filter went through the same redaction, so it still matches.
  EXPECT_EQ(r.plan.options.thresholds[0].metric.tags[0].second, step.name);
  for (const char* secret : {"tok-in-env", "sid-value", "literal-key-9"}) {
    EXPECT_NE(std::find(r.plan.secret_values.begin(), r.plan.secret_values.end(), secret),
              r.plan.secret_values.end())
        << secret;
  }

  env_["API_TOKEN"] = "not-a-duration-secret";
  LoadResult bad = load(R"(options:
  baseUrl: http://user:base-pw@127.0.0.1:8080
  timeout: ${API_TOKEN}
flows: {main: [{url: /}]}
)");
  ASSERT_GE(bad.diagnostics.items().size(), 2u);  // the userinfo and the timeout, at least
  for (const Diagnostic& d : bad.diagnostics.items()) {
    EXPECT_EQ(d.format().find("not-a-duration-secret"), std::string::npos) << d.format();
    EXPECT_EQ(d.format().find("base-pw"), std::string::npos) << d.format();
  }
}

TEST_F(LoaderTest, ShortcutOptionsMakeADefaultScenario) {
  LoadResult r =
      load("options: {baseUrl: 'http://h', vus: 3, duration: 2s}\nflows: {f: [{url: /}]}\n");
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(errors(r));
  ASSERT_EQ(r.plan.scenarios.size(), 1u);
  EXPECT_EQ(r.plan.scenarios[0].name, "default");
  EXPECT_EQ(r.plan.scenarios[0].executor, ExecutorKind::kConstantVus);
  EXPECT_EQ(r.plan.scenarios[0].vus, 3);
}

TEST_F(LoaderTest, StepPatternExpandsToStages) {
  LoadResult r = load(R"(options:
  baseUrl: http://h
  scenarios:
    s: {pattern: {type: step, levels: [10, 20], hold: 30s, ramp: 5s}}
flows: {f: [{url: /}]}
)");
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(errors(r));
  const Scenario& s = r.plan.scenarios[0];
  EXPECT_EQ(s.executor, ExecutorKind::kRampingVus);
  EXPECT_EQ(s.start_vus, 0);
  ASSERT_EQ(s.stages.size(), 4u);
  EXPECT_EQ(ramping_vus_at(s.start_vus, s.stages, 34 * kSecond), 10);
  EXPECT_EQ(ramping_vus_at(s.start_vus, s.stages, 69 * kSecond), 20);
}

TEST_F(LoaderTest, NeverThrowsOnGarbage) {
  for (const char* text : {"", "[", "{a: [}", "- - -", "options: *x", "\t\t", "!!binary abc",
                           "options: [1,2]\nflows: 3", "a: &a [*a]"}) {
    LoadResult r = load(text);
    EXPECT_FALSE(r.ok()) << text;
  }
}

}  // namespace
}  // namespace perfgate::plan

namespace perfgate::plan {
namespace {

// 40k vars took 3.4 s and 240k did not finish while every variable was found by a linear search;
// loading is linear now, so 240k vars (plus a step reading the last one) load well within the
// test's timeout. No timing assertion: a quadratic loader fails by timing out.
TEST(LoaderScale, QuarterMillionVarsLoad) {
  constexpr int kVars = 240'000;
  std::string text = "options: {baseUrl: http://127.0.0.1:8080, vus: 1, duration: 1s}\nvars:\n";
  for (int i = 0; i < kVars; ++i)
    text += "  v" + std::to_string(i) + ": x" + std::to_string(i) + "\n";
  text += "flows:\n  main:\n    - url: /{{v" + std::to_string(kVars - 1) + "}}\n";
  LoadOptions options;
  options.display_name = "vars.yaml";
  options.env = [](const std::string&) { return std::nullopt; };
  const LoadResult result = load_plan_text(text, options);
  ASSERT_TRUE(result.ok()) << result.diagnostics.sorted().front().format();
  ASSERT_EQ(result.plan.variables.size(), size_t{kVars});
  EXPECT_EQ(result.plan.variables.back().constant, "x" + std::to_string(kVars - 1));
}

TEST(LoaderScale, AliasBombIsRefusedBeforeItIsWalked) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  const std::string names = "abcdefghij";
  for (size_t i = 1; i < names.size(); ++i) {
    text += std::string(1, names[i]) + ": &" + names[i] + " [";
    for (int k = 0; k < 10; ++k) text += std::string(k ? ", *" : "*") + names[i - 1];
    text += "]\n";
  }
  text +=
      "options: {baseUrl: http://127.0.0.1:8080, vus: 1, duration: 1s}\n"
      "flows:\n  main:\n    - {url: /, json: {lol: *j}}\n";  // 10^10 values expanded
  LoadOptions options;
  options.display_name = "lol.yaml";
  const LoadResult result = load_plan_text(text, options);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.diagnostics.sorted().front().format().find("expands to more than 2000000"),
            std::string::npos);
}

TEST(LoaderScale, DeepNestingIsRefused) {
  std::string text =
      "options: {baseUrl: http://127.0.0.1:8080, vus: 1, duration: 1s}\n"
      "flows:\n  main:\n    - {url: /, json: " +
      std::string(200, '[') + std::string(200, ']') + "}\n";
  LoadOptions options;
  options.display_name = "deep.yaml";
  const LoadResult result = load_plan_text(text, options);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.diagnostics.sorted().front().format().find("nested deeper than 64"),
            std::string::npos);
}

TEST(LoaderOptions, MaxBodySizeAndDiscardResponseBodies) {
  LoadOptions options;
  options.display_name = "o.yaml";
  const std::string flows = "flows:\n  main:\n    - {url: /}\n";
  auto plain = load_plan_text(
      "options: {baseUrl: http://127.0.0.1:8080, vus: 1, duration: 1s}\n" + flows, options);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain.plan.options.max_body_bytes, 10'000'000);
  EXPECT_FALSE(plain.plan.options.discard_response_bodies);
  auto set = load_plan_text(
      "options: {baseUrl: http://127.0.0.1:8080, vus: 1, duration: 1s, "
      "maxBodySize: 512KiB, discardResponseBodies: true}\n" +
          flows,
      options);
  ASSERT_TRUE(set.ok()) << set.diagnostics.sorted().front().format();
  EXPECT_EQ(set.plan.options.max_body_bytes, 512 * 1024);
  EXPECT_TRUE(set.plan.options.discard_response_bodies);
  for (const char* bad : {"0B", "2GiB", "lots", "-5MB"}) {
    auto r = load_plan_text(std::string("options: {baseUrl: http://127.0.0.1:8080, vus: 1, "
                                        "duration: 1s, maxBodySize: \"") +
                                bad + "\"}\n" + flows,
                            options);
    EXPECT_FALSE(r.ok()) << bad;
  }
}

}  // namespace
}  // namespace perfgate::plan
