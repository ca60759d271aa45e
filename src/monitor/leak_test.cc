#include "monitor/leak.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace perfgate::monitor {
namespace {

// A target whose RSS follows `rss(t)` sampled every `interval_s` for `duration_s`.
template <typename F>
TargetReport series(double duration_s, double interval_s, F&& rss) {
  TargetReport t;
  t.label = "synthetic";
  for (double s = interval_s; s <= duration_s + 1e-9; s += interval_s) {
    TargetPoint p;
    p.t_s = s;
    p.rss_bytes = rss(s);
    t.points.push_back(p);
  }
  return t;
}

TEST(Leak, SteadyGrowthIsFlaggedWithItsSlope) {
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0, 50e3);
  // 100 MB/hour plus 50 kB of white noise.
  auto t = series(120, 1, [&](double s) { return 50e6 + 100e6 / 3600 * s + noise(rng); });
  LeakAnalysis leak = analyze_leak(t, 1);
  ASSERT_TRUE(leak.analysed);
  EXPECT_TRUE(leak.suspected);
  EXPECT_NEAR(leak.slope_mb_per_hour, 100, 5);
  EXPECT_LT(leak.ci_low_mb_per_hour, 100);
  EXPECT_GT(leak.ci_high_mb_per_hour, 100);
  EXPECT_NEAR(leak.warmup_s, 1 + 0.2 * 119, 1e-9);
}

TEST(Leak, FlatMemoryIsNotALeak) {
  std::mt19937 rng(8);
  std::normal_distribution<double> noise(0, 200e3);
  auto t = series(120, 1, [&](double) { return 80e6 + noise(rng); });
  LeakAnalysis leak = analyze_leak(t, 1);
  ASSERT_TRUE(leak.analysed);
  EXPECT_FALSE(leak.suspected);
}

TEST(Leak, BurstsThatAreFreedAreNotALeak) {
  // 30 MB allocated for 3 s out of every 7 s, freed again: large, serially correlated swings.
  auto t = series(60, 0.2, [](double s) { return 20e6 + (std::fmod(s, 7.0) < 3 ? 30e6 : 0); });
  LeakAnalysis leak = analyze_leak(t, 0.2);
  ASSERT_TRUE(leak.analysed);
  EXPECT_FALSE(leak.suspected) << "slope " << leak.slope_mb_per_hour << " CI "
                               << leak.ci_low_mb_per_hour << ".." << leak.ci_high_mb_per_hour;
}

TEST(Leak, SignificantButTinyGrowthStaysBelowTheThreshold) {
  // 0.5 MB/hour, no noise: the interval excludes zero, the slope is under 1 MB/hour.
  auto t = series(600, 1, [](double s) { return 10e6 + 0.5e6 / 3600 * s; });
  LeakAnalysis leak = analyze_leak(t, 1);
  ASSERT_TRUE(leak.analysed);
  EXPECT_GT(leak.ci_low_mb_per_hour, 0);
  EXPECT_FALSE(leak.suspected);
  LeakOptions lower;
  lower.threshold_mb_per_hour = 0.1;
  EXPECT_TRUE(analyze_leak(t, 1, lower).suspected);
}

TEST(Leak, WarmupGrowthIsIgnored) {
  // Grows fast during the first 30 s (caches filling), then flat.
  auto t = series(100, 1, [](double s) { return s < 30 ? 1e6 * s : 30e6; });
  LeakOptions options;
  options.warmup_s = 30;
  LeakAnalysis leak = analyze_leak(t, 1, options);
  ASSERT_TRUE(leak.analysed);
  EXPECT_FALSE(leak.suspected);
  EXPECT_NEAR(leak.slope_mb_per_hour, 0, 1e-6);
  // Counting the warm-up would put a large slope on the same data; the hockey-stick residuals
  // are so serially correlated that the interval still spans zero.
  LeakAnalysis with_warmup = analyze_leak(t, 1, LeakOptions{.warmup_s = 0});
  EXPECT_GT(with_warmup.slope_mb_per_hour, 500);
  EXPECT_FALSE(with_warmup.suspected);
}

TEST(Leak, TooFewSamplesAreNotAnalysed) {
  auto t = series(5, 1, [](double s) { return 1e6 * s; });
  LeakAnalysis leak = analyze_leak(t, 1);
  EXPECT_FALSE(leak.analysed);
  EXPECT_FALSE(leak.suspected);
  EXPECT_NE(leak.reason.find("too few"), std::string::npos);
}

TEST(Leak, CgroupTargetsUseMemoryCurrent) {
  auto t = series(60, 1, [](double) { return 5e6; });
  for (TargetPoint& p : t.points) {
    p.cgroup = CgroupPoint{};
    p.cgroup->memory_current_bytes = 5e6 + 10e3 * p.t_s;  // 36 MB/hour
  }
  LeakAnalysis leak = analyze_leak(t, 1);
  EXPECT_EQ(leak.memory_metric, "memory_current_bytes");
  EXPECT_TRUE(leak.suspected);
  EXPECT_NEAR(leak.slope_mb_per_hour, 36, 1e-6);
}

}  // namespace
}  // namespace perfgate::monitor
