#include "monitor/linear_fit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace perfgate::monitor {
namespace {

TEST(TQuantile, MatchesPublishedTables) {
  // Two-sided 95% critical values from standard t tables.
  EXPECT_NEAR(t_quantile(0.975, 1), 12.706, 1e-3);
  EXPECT_NEAR(t_quantile(0.975, 2), 4.303, 1e-3);
  EXPECT_NEAR(t_quantile(0.975, 5), 2.571, 1e-3);
  EXPECT_NEAR(t_quantile(0.975, 10), 2.228, 1e-3);
  EXPECT_NEAR(t_quantile(0.975, 30), 2.042, 1e-3);
  EXPECT_NEAR(t_quantile(0.975, 1e6), 1.960, 1e-3);
  EXPECT_NEAR(t_quantile(0.995, 10), 3.169, 1e-3);
  EXPECT_NEAR(t_quantile(0.025, 10), -2.228, 1e-3);
  EXPECT_EQ(t_quantile(0.5, 7), 0);
}

TEST(FitLine, RecoversAnExactLine) {
  std::vector<double> xs, ys;
  for (int i = 0; i < 10; ++i) {
    xs.push_back(i);
    ys.push_back(3 + 2.5 * i);
  }
  LinearFit fit = fit_line(xs, ys);
  ASSERT_TRUE(fit.valid);
  EXPECT_NEAR(fit.slope, 2.5, 1e-12);
  EXPECT_NEAR(fit.intercept, 3, 1e-12);
  EXPECT_NEAR(fit.slope_stderr, 0, 1e-9);
}

TEST(FitLine, RejectsDegenerateInput) {
  std::vector<double> two = {1, 2};
  EXPECT_FALSE(fit_line(two, two).valid);
  std::vector<double> same_x = {1, 1, 1, 1}, ys = {1, 2, 3, 4};
  EXPECT_FALSE(fit_line(same_x, ys).valid);
}

TEST(FitLine, IntervalCoversTheTrueSlopeAboutNinetyFivePercentOfTheTime) {
  std::mt19937 rng(42);
  std::normal_distribution<double> noise(0, 5);
  int covered = 0;
  constexpr int kTrials = 400;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<double> xs, ys;
    for (int i = 0; i < 30; ++i) {
      xs.push_back(i);
      ys.push_back(10 + 0.7 * i + noise(rng));
    }
    LinearFit fit = fit_line(xs, ys);
    if (fit.ci_low <= 0.7 && 0.7 <= fit.ci_high) ++covered;
  }
  // White noise has r1 near 0, so coverage stays near nominal (binomial sd ~1.1%).
  EXPECT_GT(covered, kTrials * 0.90);
  EXPECT_LT(covered, kTrials * 0.99);
}

TEST(FitLine, AutocorrelatedResidualsWidenTheInterval) {
  // A slow square wave (bursts) around a flat level: residuals stay on one side for long runs.
  std::vector<double> xs, ys;
  for (int i = 0; i < 100; ++i) {
    xs.push_back(i);
    ys.push_back((i / 10) % 2 == 0 ? 100 : 150);
  }
  LinearFit fit = fit_line(xs, ys);
  ASSERT_TRUE(fit.valid);
  EXPECT_GT(fit.lag1_autocorrelation, 0.7);
  EXPECT_LT(fit.n_effective, 20);
  EXPECT_LE(fit.ci_low, 0);
  EXPECT_GE(fit.ci_high, 0);
}

}  // namespace
}  // namespace perfgate::monitor
