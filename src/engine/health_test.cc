#include "engine/health.h"

#include <gtest/gtest.h>

namespace perfgate::engine {
namespace {

results::RunResult run_of(double seconds, results::Model model) {
  results::RunResult r;
  r.meta.model = model;
  r.meta.rate = 1000;
  r.meta.elapsed = static_cast<Nanos>(seconds * kNanosPerSecond);
  return r;
}

TEST(Health, SaturatedWorkersGiveAWarningWithTheNumbers) {
  auto r = run_of(10, results::Model::kClosed);
  assess_health(19.0, 2, 8, &r);  // 19 CPU-s in 10 s on 2 usable cores = 95%
  EXPECT_NEAR(r.health.cpu_percent, 95.0, 1e-9);
  EXPECT_EQ(r.health.usable_cores, 2);
  ASSERT_EQ(r.health.warnings.size(), 1u);
  EXPECT_NE(r.health.warnings[0].find("95%"), std::string::npos);
}

TEST(Health, RunsTooShortToJudgeGetNoSaturationWarning) {
  // issue 14: a 1-iteration plan "used 110% of one core for 0.0 s": start-up CPU, not load.
  auto r = run_of(0.02, results::Model::kClosed);
  assess_health(0.022, 1, 2, &r);
  EXPECT_NEAR(r.health.cpu_percent, 110.0, 1e-6);
  EXPECT_TRUE(r.health.warnings.empty());
  auto longer = run_of(1.0, results::Model::kClosed);
  assess_health(0.95, 1, 2, &longer);
  EXPECT_EQ(longer.health.warnings.size(), 1u) << "one second is long enough to judge";
}

TEST(Health, UsableCoresAreCappedByTheMachine) {
  auto r = run_of(10, results::Model::kClosed);
  assess_health(9.5, 4, 1, &r);  // 4 threads on 1 CPU: 95% of one core
  EXPECT_EQ(r.health.usable_cores, 1);
  EXPECT_EQ(r.health.warnings.size(), 1u);
}

TEST(Health, ModerateCpuAndSmallLagAreHealthy) {
  auto r = run_of(10, results::Model::kOpen);
  r.totals.trend(results::Trend::kScheduleLag).record(2000);  // 2 ms
  assess_health(5.0, 2, 2, &r);
  EXPECT_TRUE(r.health.warnings.empty());
}

TEST(Health, LargeScheduleLagIsFlaggedInTheOpenModelOnly) {
  auto r = run_of(10, results::Model::kOpen);
  for (int i = 0; i < 100; ++i) r.totals.trend(results::Trend::kScheduleLag).record(50000);
  assess_health(1.0, 2, 2, &r);
  ASSERT_EQ(r.health.warnings.size(), 1u);
  EXPECT_NE(r.health.warnings[0].find("schedule_lag p99"), std::string::npos);

  auto closed = run_of(10, results::Model::kClosed);
  closed.totals.trend(results::Trend::kScheduleLag).record(50000);
  assess_health(1.0, 2, 2, &closed);
  EXPECT_TRUE(closed.health.warnings.empty());
}

}  // namespace
}  // namespace perfgate::engine
