#include "analysis/history/series_analysis.h"

#include <gtest/gtest.h>

#include <random>

namespace perfgate::analysis::history {
namespace {

Series make_series(const std::vector<double>& values, Direction direction) {
  Series s;
  s.key = "latency p(95)";
  s.unit = "ms";
  s.direction = direction;
  for (size_t i = 0; i < values.size(); ++i) {
    s.points.push_back({static_cast<int64_t>(i + 1), "2024-01-01T00:00:00Z",
                        "commit" + std::to_string(i), "main", values[i]});
  }
  return s;
}

std::vector<double> noisy(size_t n, double level, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> gauss(level, level * 0.01);
  std::vector<double> out(n);
  for (double& x : out) x = gauss(rng);
  return out;
}

TEST(SeriesAnalysis, AShiftIsARegressionOrAnImprovementByDirection) {
  std::vector<double> values = noisy(30, 100, 1);
  const std::vector<double> after = noisy(30, 120, 2);
  values.insert(values.end(), after.begin(), after.end());

  SeriesAnalysis latency = analyze_series(make_series(values, Direction::kLowerIsBetter));
  ASSERT_EQ(latency.changes.size(), 1u);
  EXPECT_EQ(latency.changes[0].point.index, 30u);
  EXPECT_EQ(latency.changes[0].run.commit, "commit30");
  EXPECT_TRUE(latency.changes[0].regression);
  EXPECT_FALSE(latency.newest_regresses);  // the regression started long ago

  SeriesAnalysis throughput = analyze_series(make_series(values, Direction::kHigherIsBetter));
  ASSERT_EQ(throughput.changes.size(), 1u);
  EXPECT_FALSE(throughput.changes[0].regression);
}

TEST(SeriesAnalysis, NewestRunStartingARegressionIsFlagged) {
  std::vector<double> values = noisy(30, 100, 3);
  values.push_back(150);
  SeriesAnalysis a = analyze_series(make_series(values, Direction::kLowerIsBetter));
  EXPECT_TRUE(a.newest_regresses);
  EXPECT_NE(a.regression_reason.find("run #31 (commit30) starts a regression"), std::string::npos)
      << a.regression_reason;

  values.back() = 50;  // the same jump the other way is an improvement for latency
  EXPECT_FALSE(analyze_series(make_series(values, Direction::kLowerIsBetter)).newest_regresses);
  EXPECT_TRUE(analyze_series(make_series(values, Direction::kHigherIsBetter)).newest_regresses);
}

TEST(SeriesAnalysis, ThreeWorseRunsInARowRaiseATrendAlert) {
  std::vector<double> values = {100, 101, 99, 100, 102, 104, 106};
  SeriesAnalysis a = analyze_series(make_series(values, Direction::kLowerIsBetter));
  ASSERT_EQ(a.alerts.size(), 2u);  // 4 worse steps in a row complete a streak of 3 twice
  EXPECT_EQ(a.alerts.back().index, 6u);
  EXPECT_TRUE(a.newest_alerted);
  EXPECT_FALSE(a.newest_regresses);  // a streak is not a change point
  EXPECT_NE(a.alert_reason.find("completes 3 worse runs in a row (100 -> 106 ms)"),
            std::string::npos)
      << a.alert_reason;

  values.push_back(103);  // a better run ends the streak
  EXPECT_FALSE(analyze_series(make_series(values, Direction::kLowerIsBetter)).newest_alerted);
  AnalysisOptions tolerant;
  tolerant.streaks.min_step = 0.05;  // steps of 2% are noise under a 5% rule
  EXPECT_TRUE(analyze_series(make_series({100, 102, 104, 106}, Direction::kLowerIsBetter), tolerant)
                  .alerts.empty());
}

TEST(SeriesAnalysis, EmptyAndStableSeriesAreQuiet) {
  EXPECT_FALSE(analyze_series(make_series({}, Direction::kLowerIsBetter)).newest_regresses);
  SeriesAnalysis stable = analyze_series(make_series(noisy(80, 50, 9), Direction::kLowerIsBetter));
  EXPECT_TRUE(stable.changes.empty());
}

}  // namespace
}  // namespace perfgate::analysis::history
