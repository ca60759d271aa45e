#include "analysis/history/series_analysis.h"

#include <gtest/gtest.h>

#include <random>

#include "analysis/history/newest_run.h"

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

TEST(NewestRun, OneRunThirtyPercentWorseIsARegression) {
  // Change-point detection cannot call a single point significant; the one-step check can.
  std::vector<double> values = {100, 104, 97, 101, 99, 103, 98};
  values.push_back(130);
  const Series series = make_series(values, Direction::kLowerIsBetter);
  NewestRunOptions o;
  o.noise_floor = 1;
  const NewestRunVerdict v = judge_newest_run(series, 0, o);
  EXPECT_TRUE(v.regression);
  EXPECT_NE(v.reason.find("run #8"), std::string::npos) << v.reason;
  values.back() = 95;  // better
  EXPECT_FALSE(judge_newest_run(make_series(values, Direction::kLowerIsBetter), 0, o).regression);
  values.back() = 108;  // within 10%
  EXPECT_FALSE(judge_newest_run(make_series(values, Direction::kLowerIsBetter), 0, o).regression);
  values.back() = 70;  // a throughput 30% lower
  EXPECT_TRUE(judge_newest_run(make_series(values, Direction::kHigherIsBetter), 0, o).regression);
}

TEST(NewestRun, NoiseAndTheFloorRaiseTheBar) {
  // Runs that swing by +-30% make a 30% worse run ordinary.
  const Series noisy_runs =
      make_series({100, 140, 80, 130, 75, 120, 130}, Direction::kLowerIsBetter);
  EXPECT_FALSE(judge_newest_run(noisy_runs, 0).regression);
  // 0.02 ms -> 0.05 ms is +150% but within a 1 ms floor.
  const Series tiny = make_series({0.02, 0.021, 0.02, 0.05}, Direction::kLowerIsBetter);
  NewestRunOptions o;
  o.noise_floor = 1;
  EXPECT_FALSE(judge_newest_run(tiny, 0, o).regression);
  o.noise_floor = 0;
  EXPECT_TRUE(judge_newest_run(tiny, 0, o).regression);
  // The reference starts at the last change point: an old, faster regime is not the baseline.
  const Series shifted = make_series({50, 51, 49, 100, 101, 99, 102}, Direction::kLowerIsBetter);
  EXPECT_FALSE(judge_newest_run(shifted, 3).regression);
  EXPECT_TRUE(judge_newest_run(shifted, 0).regression);
}

}  // namespace
}  // namespace perfgate::analysis::history
