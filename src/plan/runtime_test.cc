#include "plan/runtime.h"

#include <gtest/gtest.h>

#include <cmath>

#include "plan/loader.h"

namespace perfgate::plan {
namespace {

// Loads one request step with the given checks/extract YAML and returns the plan.
Plan step_plan(const std::string& step_fields) {
  LoadOptions options;
  options.env = [](const std::string&) { return std::nullopt; };
  const LoadResult r = load_plan_text(
      "options: {baseUrl: 'http://h', vus: 1, duration: 1s}\nflows:\n  f:\n    - url: /\n" +
          step_fields,
      options);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.diagnostics.sorted()[0].format());
  return r.plan;
}

TEST(Runtime, ChecksAgainstAResponse) {
  const Plan plan = step_plan(
      "      checks: {status: [200, 201], headers: {Content-Type: json}, bodyContains: tok, "
      "bodyMatches: '\"n\":\\s*\\d+', jsonExists: [$.user.name, /list/1], jsonEquals: "
      "{$.user.name: ann, $.n: 3, /list: [1, 2]}, durationBelow: 100ms}\n");
  const auto& checks = plan.flows[0].steps[0].request.checks;
  ASSERT_EQ(checks.size(), 10u);
  const std::pair<std::string_view, std::string_view> headers[] = {
      {"content-type", "application/json"}};
  ResponseView ok{200, headers, R"({"user": {"name": "ann"}, "n": 3, "list": [1, 2], "tok": 1})",
                  50 * kNanosPerMilli};
  ResponseInspector good(ok);
  for (const Check& c : checks) EXPECT_TRUE(good.passes(c)) << c.name;

  ResponseView bad{500, {}, "not json", 200 * kNanosPerMilli};
  ResponseInspector wrong(bad);
  for (const Check& c : checks) EXPECT_FALSE(wrong.passes(c)) << c.name;
}

TEST(Runtime, ExtractsFromJsonHeadersRegexAndCookies) {
  const Plan plan = step_plan(
      "      extract: {a: {json: '$.items[1].id'}, b: {header: X-Id}, c: {regex: 'id=(\\d+)'}, "
      "d: {cookie: sid}, e: {json: /missing}, f: {json: $.n}}\n");
  const auto& extracts = plan.flows[0].steps[0].request.extracts;
  ASSERT_EQ(extracts.size(), 6u);
  const std::pair<std::string_view, std::string_view> headers[] = {
      {"x-id", "42"}, {"Set-Cookie", "other=1; Path=/"}, {"Set-Cookie", "sid=abc; HttpOnly"}};
  ResponseView response{200, headers,
                        R"({"items": [{"id": "x"}, {"id": "y"}], "n": 7, "s": "id=99"})"};
  ResponseInspector inspector(response);
  EXPECT_EQ(inspector.extract(extracts[0]), "y");
  EXPECT_EQ(inspector.extract(extracts[1]), "42");
  EXPECT_EQ(inspector.extract(extracts[2]), "99");
  EXPECT_EQ(inspector.extract(extracts[3]), "abc");
  EXPECT_EQ(inspector.extract(extracts[4]), std::nullopt);
  EXPECT_EQ(inspector.extract(extracts[5]), "7");
}

TEST(Runtime, ThinkDistributions) {
  std::mt19937_64 rng(1);
  const Nanos ms = kNanosPerMilli;
  EXPECT_EQ(sample_think({ThinkKind::kFixed, 250 * ms}, rng), 250 * ms);
  double sum = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const Nanos t = sample_think({ThinkKind::kUniform, 1000 * ms, 3000 * ms}, rng);
    ASSERT_GE(t, 1000 * ms);
    ASSERT_LE(t, 3000 * ms);
    sum += static_cast<double>(t);
  }
  EXPECT_NEAR(sum / n, 2000.0 * ms, 20.0 * ms);
  double s1 = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double t =
        static_cast<double>(sample_think({ThinkKind::kNormal, 2000 * ms, 100 * ms}, rng));
    s1 += t;
    s2 += t * t;
  }
  EXPECT_NEAR(s1 / n, 2000.0 * ms, 5.0 * ms);
  EXPECT_NEAR(std::sqrt(s2 / n - (s1 / n) * (s1 / n)), 100.0 * ms, 5.0 * ms);
  sum = 0;
  for (int i = 0; i < n; ++i)
    sum += static_cast<double>(sample_think({ThinkKind::kExponential, 500 * ms}, rng));
  EXPECT_NEAR(sum / n, 500.0 * ms, 20.0 * ms);
}

TEST(Runtime, WeightedFlowsAndFeederRows) {
  std::mt19937_64 rng(9);
  const FlowChoice choices[] = {{0, 70}, {1, 20}, {2, 10}};
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 30000; ++i) ++counts[pick_flow(choices, rng)];
  EXPECT_NEAR(counts[0] / 30000.0, 0.7, 0.015);
  EXPECT_NEAR(counts[1] / 30000.0, 0.2, 0.015);
  EXPECT_NEAR(counts[2] / 30000.0, 0.1, 0.015);

  Feeder feeder;
  feeder.rows = {{"a"}, {"b"}, {"c"}};
  EXPECT_EQ(pick_row(feeder, 5, 4, rng), 1u);  // sequential: iteration 4 of 3 rows
  feeder.mode = FeederMode::kUniquePerVu;
  EXPECT_EQ(pick_row(feeder, 1, 99, rng), 0u);
  EXPECT_EQ(pick_row(feeder, 3, 0, rng), 2u);
  feeder.mode = FeederMode::kRandom;
  std::set<size_t> seen;
  for (int i = 0; i < 100; ++i) seen.insert(pick_row(feeder, 1, 0, rng));
  EXPECT_EQ(seen.size(), 3u);
}

}  // namespace
}  // namespace perfgate::plan
