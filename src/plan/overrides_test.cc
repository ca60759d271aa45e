// Command-line overrides (k6's -u -d -i -s --tag) on loaded plans: what replaces the scenarios,
// what is refused, and the flag parsers.
#include "plan/overrides.h"

#include <gtest/gtest.h>

#include "plan/loader.h"
#include "plan/schedule.h"

namespace perfgate::plan {
namespace {

Plan load(const std::string& text) {
  LoadOptions options;
  options.display_name = "t.yaml";
  options.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  LoadResult r = load_plan_text(text, options);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.diagnostics.sorted()[0].format());
  return std::move(r.plan);
}

constexpr const char* kTwoScenarios =
    "options:\n"
    "  baseUrl: http://127.0.0.1:1\n"
    "  scenarios:\n"
    "    browse: {executor: constant-vus, vus: 20, duration: 1m, tags: {kind: read}}\n"
    "    spike: {executor: ramping-arrival-rate, preAllocatedVUs: 5, stages: [{duration: 10s, "
    "target: 100}]}\n"
    "flows:\n"
    "  default:\n"
    "    - {url: /}\n"
    "  other:\n"
    "    - {url: /other}\n";

TEST(PlanOverridesTest, DurationReplacesEveryScenarioWithOneConstantVusScenario) {
  Plan plan = load(kTwoScenarios);
  PlanOverrides o;
  o.vus = 5;
  o.duration = 2 * kSecond;
  ASSERT_TRUE(apply_overrides(plan, o));
  ASSERT_EQ(plan.scenarios.size(), 1u);
  const Scenario& s = plan.scenarios[0];
  EXPECT_EQ(s.name, "default");
  EXPECT_EQ(s.executor, ExecutorKind::kConstantVus);
  EXPECT_EQ(s.vus, 5);
  EXPECT_EQ(s.duration, 2 * kSecond);
  ASSERT_EQ(s.flows.size(), 1u);
  EXPECT_EQ(plan.flows[s.flows[0].flow].name, "default");
  EXPECT_TRUE(s.tags.empty()) << "the replaced scenarios' tags go with them";
}

TEST(PlanOverridesTest, StagesMakeARampingVusScenarioFromVus) {
  Plan plan = load(kTwoScenarios);
  PlanOverrides o;
  o.vus = 0;
  o.stages = {{10 * kSecond, 50, {}}, {20 * kSecond, 0, {}}};
  ASSERT_TRUE(apply_overrides(plan, o));
  const Scenario& s = plan.scenarios.at(0);
  EXPECT_EQ(s.executor, ExecutorKind::kRampingVus);
  EXPECT_EQ(s.start_vus, 0);
  EXPECT_EQ(max_vus(s), 50);
  EXPECT_EQ(regular_duration(s), 30 * kSecond);
}

TEST(PlanOverridesTest, IterationsMakeSharedIterationsCappedByDuration) {
  Plan plan = load(kTwoScenarios);
  PlanOverrides o;
  o.vus = 4;
  o.iterations = 40;
  o.duration = 5 * kSecond;
  ASSERT_TRUE(apply_overrides(plan, o));
  const Scenario& s = plan.scenarios.at(0);
  EXPECT_EQ(s.executor, ExecutorKind::kSharedIterations);
  EXPECT_EQ(s.iterations, 40);
  EXPECT_EQ(s.vus, 4);
  EXPECT_EQ(s.max_duration, 5 * kSecond);
  o.iterations = 2;  // fewer iterations than VUs: refused, as k6 does
  EXPECT_FALSE(apply_overrides(plan, o));
}

TEST(PlanOverridesTest, StagesExcludeDurationAndIterations) {
  Plan plan = load(kTwoScenarios);
  PlanOverrides o;
  o.stages = {{kSecond, 5, {}}};
  o.duration = kSecond;
  auto r = apply_overrides(plan, o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("--stage excludes"), std::string::npos);
  EXPECT_EQ(plan.scenarios.size(), 2u) << "an error leaves the plan unchanged";
}

TEST(PlanOverridesTest, VusAloneIsRefusedForAPlanWithScenariosButSetsOptionsVus) {
  Plan plan = load(kTwoScenarios);
  PlanOverrides o;
  o.vus = 3;
  auto r = apply_overrides(plan, o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().hint.find("--duration"), std::string::npos);

  Plan shortcut = load(
      "options: {baseUrl: 'http://127.0.0.1:1', vus: 10, duration: 30s}\n"
      "flows: {default: [{url: /}]}\n");
  ASSERT_TRUE(apply_overrides(shortcut, o));
  EXPECT_EQ(shortcut.scenarios.at(0).vus, 3);
  EXPECT_EQ(shortcut.scenarios.at(0).duration, 30 * kSecond);
  // -d alone keeps options.vus, as k6 keeps the script's vus.
  Plan kept = load(
      "options: {baseUrl: 'http://127.0.0.1:1', vus: 10, duration: 30s}\n"
      "flows: {default: [{url: /}]}\n");
  PlanOverrides d;
  d.duration = 2 * kSecond;
  ASSERT_TRUE(apply_overrides(kept, d));
  EXPECT_EQ(kept.scenarios.at(0).vus, 10);
  EXPECT_EQ(kept.scenarios.at(0).duration, 2 * kSecond);
}

TEST(PlanOverridesTest, AmbiguousFlowsAreRefused) {
  Plan plan = load(
      "options:\n"
      "  baseUrl: http://127.0.0.1:1\n"
      "  scenarios:\n"
      "    a: {executor: constant-vus, vus: 1, duration: 1s, exec: one}\n"
      "    b: {executor: constant-vus, vus: 1, duration: 1s, exec: two}\n"
      "flows:\n"
      "  one: [{url: /1}]\n"
      "  two: [{url: /2}]\n");
  PlanOverrides o;
  o.duration = kSecond;
  auto r = apply_overrides(plan, o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().hint.find("default"), std::string::npos);
}

TEST(PlanOverridesTest, TagsGoOnEveryScenario) {
  Plan plan = load(kTwoScenarios);
  PlanOverrides o;
  o.tags = {{"env", "staging"}, {"kind", "cli"}};
  ASSERT_TRUE(apply_overrides(plan, o));
  ASSERT_EQ(plan.scenarios.size(), 2u);
  for (const Scenario& s : plan.scenarios) {
    EXPECT_EQ(s.tags.at("env"), "staging");
    EXPECT_EQ(s.tags.at("kind"), "cli") << "the command line wins over the plan";
  }
}

TEST(PlanOverridesTest, FlagParsers) {
  auto stage = parse_stage_flag("1m30s:50");
  ASSERT_TRUE(stage);
  EXPECT_EQ(stage->duration, 90 * kSecond);
  EXPECT_EQ(stage->target, 50);
  EXPECT_FALSE(parse_stage_flag("10s"));
  EXPECT_FALSE(parse_stage_flag("10s:x"));
  EXPECT_FALSE(parse_stage_flag("10s:-1"));
  auto tag = parse_tag_flag("testid=pr-42=b");
  ASSERT_TRUE(tag);
  EXPECT_EQ(tag->first, "testid");
  EXPECT_EQ(tag->second, "pr-42=b");
  EXPECT_FALSE(parse_tag_flag("novalue"));
  EXPECT_FALSE(parse_tag_flag("name=x")) << "perfgate sets the name tag itself";
  auto env = parse_env_flag("BASE_URL=http://h:1/?a=b");
  ASSERT_TRUE(env);
  EXPECT_EQ(env->second, "http://h:1/?a=b");
  EXPECT_FALSE(parse_env_flag("1X=y"));
  EXPECT_FALSE(parse_env_flag("NOEQUALS"));
}

}  // namespace
}  // namespace perfgate::plan
