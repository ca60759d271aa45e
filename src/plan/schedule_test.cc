#include "plan/schedule.h"

#include <gtest/gtest.h>

#include <cmath>

namespace perfgate::plan {
namespace {

constexpr Nanos kMs = kNanosPerMilli;

Scenario ramping_vus(std::int64_t start, std::vector<Stage> stages) {
  Scenario s;
  s.executor = ExecutorKind::kRampingVus;
  s.start_vus = start;
  s.stages = std::move(stages);
  return s;
}

Scenario ramping_rate(std::int64_t start, std::vector<Stage> stages, Nanos unit = kSecond) {
  Scenario s;
  s.executor = ExecutorKind::kRampingArrivalRate;
  s.start_rate = start;
  s.stages = std::move(stages);
  s.time_unit = unit;
  s.pre_allocated_vus = 10;
  s.max_vus = 10;
  return s;
}

Scenario constant_rate(std::int64_t rate, Nanos duration, Nanos unit = kSecond) {
  Scenario s;
  s.executor = ExecutorKind::kConstantArrivalRate;
  s.rate = rate;
  s.duration = duration;
  s.time_unit = unit;
  return s;
}

TEST(RampingVus, InterpolatesOneVuAtATimeTowardsTheTarget) {
  const std::vector<Stage> stages = {{10 * kSecond, 10}, {10 * kSecond, 10}, {10 * kSecond, 0}};
  EXPECT_EQ(ramping_vus_at(0, stages, 0), 0);
  EXPECT_EQ(ramping_vus_at(0, stages, 999 * kMs), 0);
  EXPECT_EQ(ramping_vus_at(0, stages, 1 * kSecond), 1);
  EXPECT_EQ(ramping_vus_at(0, stages, 5500 * kMs), 5);
  EXPECT_EQ(ramping_vus_at(0, stages, 9999 * kMs), 9);
  EXPECT_EQ(ramping_vus_at(0, stages, 10 * kSecond), 10);
  EXPECT_EQ(ramping_vus_at(0, stages, 19 * kSecond), 10);
  // Ramping down keeps the higher count until the next whole step, as k6 does.
  EXPECT_EQ(ramping_vus_at(0, stages, 20 * kSecond), 10);
  EXPECT_EQ(ramping_vus_at(0, stages, 20500 * kMs), 10);
  EXPECT_EQ(ramping_vus_at(0, stages, 21 * kSecond), 9);
  EXPECT_EQ(ramping_vus_at(0, stages, 29999 * kMs), 1);
  EXPECT_EQ(ramping_vus_at(0, stages, 30 * kSecond), 0);  // after the last stage
}

TEST(RampingVus, ZeroLengthStageJumps) {
  const std::vector<Stage> stages = {{0, 50}, {5 * kSecond, 50}};
  EXPECT_EQ(ramping_vus_at(1, stages, 0), 50);
  EXPECT_EQ(ramping_vus_at(1, stages, 4 * kSecond), 50);
}

TEST(RampingVus, ChangesMatchK6RawExecutionSteps) {
  // k6's own example: startVUs 0, ramp to 3 over 3s, then down to 0 over 3s.
  const std::vector<Stage> stages = {{3 * kSecond, 3}, {3 * kSecond, 0}};
  const auto changes = ramping_vus_changes(0, stages);
  const std::vector<std::pair<Nanos, std::int64_t>> expected = {
      {0, 0},           {1 * kSecond, 1}, {2 * kSecond, 2}, {3 * kSecond, 3},
      {4 * kSecond, 2}, {5 * kSecond, 1}, {6 * kSecond, 0}};
  ASSERT_EQ(changes.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(changes[i].at, expected[i].first) << i;
    EXPECT_EQ(changes[i].vus, expected[i].second) << i;
  }
  // Every change agrees with the pointwise function.
  for (const VuChange& c : changes) EXPECT_EQ(ramping_vus_at(0, stages, c.at), c.vus);
}

TEST(RampingVus, NonDivisibleRampUsesCeilingTimes) {
  // 0 -> 3 VUs over 10s: VU v arrives at ceil(v * 10s / 3).
  const std::vector<Stage> stages = {{10 * kSecond, 3}};
  const auto changes = ramping_vus_changes(0, stages);
  ASSERT_EQ(changes.size(), 5u);
  EXPECT_EQ(changes[1].at, 3333333334);
  EXPECT_EQ(ramping_vus_at(0, stages, 3333333333), 0);
  EXPECT_EQ(ramping_vus_at(0, stages, 3333333334), 1);
  EXPECT_EQ(changes[2].at, 6666666667);
  EXPECT_EQ(changes.back().vus, 0);
  EXPECT_EQ(changes.back().at, 10 * kSecond);
}

TEST(RampingArrivalRate, ZeroToHundredOverTenSecondsStartsFiveHundredIterations) {
  const Scenario s = ramping_rate(0, {{10 * kSecond, 100}});
  const auto times = arrival_start_times(s);
  ASSERT_EQ(times.size(), 500u);
  // A(t) = 5 t^2 (t in s), so iteration i starts at sqrt(i / 5) s.
  for (size_t i = 1; i <= times.size(); ++i) {
    const double expected = std::sqrt(static_cast<double>(i) / 5.0) * kSecond;
    EXPECT_NEAR(static_cast<double>(times[i - 1]), expected, 2.0) << i;
  }
  EXPECT_EQ(times.back(), 10 * kSecond);
  // The gaps shrink as the rate grows.
  for (size_t i = 2; i < times.size(); ++i)
    EXPECT_LT(times[i] - times[i - 1], times[i - 1] - times[i - 2] + 1);
  EXPECT_EQ(planned_iterations(s), 500);
}

TEST(RampingArrivalRate, MatchesK6CalExample) {
  // k6's cal() comment: start at 2/s, hold 2/s for 5s, ramp to 3/s over 5s. Iteration 1 at 0.5s,
  // 10 iterations in the first stage, the 12th at 5s + x with 2x + x^2/10 = 2.
  const Scenario s = ramping_rate(2, {{5 * kSecond, 2}, {5 * kSecond, 3}});
  const auto times = arrival_start_times(s);
  ASSERT_EQ(times.size(), 22u);  // floor(10 + (2 + 3) / 2 * 5)
  EXPECT_EQ(times[0], 500 * kMs);
  EXPECT_EQ(times[9], 5 * kSecond);
  EXPECT_NEAR(static_cast<double>(times[11]), (5 + (-20 + std::sqrt(480.0)) / 2) * kSecond, 2.0);
  EXPECT_LT(times.back(), 10 * kSecond);
}

TEST(RampingArrivalRate, RateAtInterpolatesAndHonoursTimeUnit) {
  const Scenario s = ramping_rate(0, {{10 * kSecond, 600}}, 60 * kSecond);  // 0 -> 10/s
  EXPECT_DOUBLE_EQ(arrival_rate_at(s, 0), 0);
  EXPECT_DOUBLE_EQ(arrival_rate_at(s, 5 * kSecond), 5);
  EXPECT_DOUBLE_EQ(arrival_rate_at(s, 10 * kSecond), 0);  // over
  EXPECT_EQ(arrival_start_times(s).size(), 50u);
}

TEST(ConstantArrivalRate, FirstIterationStartsAtOnceThenEveryPeriod) {
  const auto times = arrival_start_times(constant_rate(10, 1 * kSecond));
  ASSERT_EQ(times.size(), 10u);
  for (size_t i = 0; i < times.size(); ++i) EXPECT_EQ(times[i], static_cast<Nanos>(i) * 100 * kMs);
  // 30 per minute for 10s: one every 2s, starting at 0.
  const auto slow = arrival_start_times(constant_rate(30, 10 * kSecond, 60 * kSecond));
  ASSERT_EQ(slow.size(), 5u);
  EXPECT_EQ(slow[4], 8 * kSecond);
  // 3 per second for 1s: the period does not divide evenly.
  const auto odd = arrival_start_times(constant_rate(3, 1 * kSecond));
  ASSERT_EQ(odd.size(), 3u);
  EXPECT_EQ(odd[1], 333333333);
  // The analytic count agrees with the generated starts.
  EXPECT_EQ(planned_iterations(constant_rate(10, 1 * kSecond)), 10);
  EXPECT_EQ(planned_iterations(constant_rate(3, 1 * kSecond)), 3);
  EXPECT_EQ(planned_iterations(constant_rate(30, 10 * kSecond, 60 * kSecond)), 5);
  EXPECT_EQ(planned_iterations(constant_rate(7, 1500 * kMs)), 11);  // starts at k/7 s < 1.5 s
}

TEST(Poisson, SameMeanRateExponentialGapsReproducible) {
  Scenario s = constant_rate(1000, 10 * kSecond);
  s.arrival = ArrivalMode::kPoisson;
  s.seed = 7;
  const auto times = arrival_start_times(s);
  EXPECT_EQ(times, arrival_start_times(s));                    // same seed, same times
  EXPECT_NEAR(static_cast<double>(times.size()), 10000, 400);  // 4 standard deviations
  double sum = 0, sum_sq = 0;
  for (size_t i = 1; i < times.size(); ++i) {
    const double gap = static_cast<double>(times[i] - times[i - 1]);
    sum += gap;
    sum_sq += gap * gap;
  }
  const double n = static_cast<double>(times.size() - 1);
  const double mean = sum / n;
  const double cv = std::sqrt(sum_sq / n - mean * mean) / mean;
  EXPECT_NEAR(mean, 1e6, 5e4);  // 1 ms
  EXPECT_NEAR(cv, 1.0, 0.05);   // exponential gaps have CV 1; uniform ones would have 0
  s.seed = 8;
  EXPECT_NE(arrival_start_times(s), times);
}

TEST(Poisson, FollowsARampingRate) {
  Scenario s = ramping_rate(0, {{10 * kSecond, 200}});
  s.arrival = ArrivalMode::kPoisson;
  const auto times = arrival_start_times(s);
  EXPECT_NEAR(static_cast<double>(times.size()), 1000, 130);
  const auto second_half =
      std::count_if(times.begin(), times.end(), [](Nanos t) { return t >= 5 * kSecond; });
  EXPECT_NEAR(static_cast<double>(second_half) / static_cast<double>(times.size()), 0.75, 0.05);
}

TEST(Durations, IncludeGracefulStopAndStartTime) {
  Scenario a;
  a.executor = ExecutorKind::kConstantVus;
  a.duration = 30 * kSecond;
  EXPECT_EQ(regular_duration(a), 30 * kSecond);
  EXPECT_EQ(total_duration(a), 60 * kSecond);  // k6's default gracefulStop is 30s
  Scenario b = ramping_vus(0, {{10 * kSecond, 5}, {20 * kSecond, 5}});
  b.graceful_stop = 5 * kSecond;
  b.start_time = 40 * kSecond;
  EXPECT_EQ(total_duration(b), 35 * kSecond);
  Scenario c;
  c.executor = ExecutorKind::kPerVuIterations;
  c.vus = 4;
  c.iterations = 25;
  EXPECT_EQ(regular_duration(c), 600 * kSecond);  // maxDuration default 10m
  EXPECT_EQ(planned_iterations(c), 100);
  Plan plan;
  plan.scenarios = {a, b};
  EXPECT_EQ(plan_duration(plan), 75 * kSecond);
  EXPECT_EQ(max_vus(b), 5);
  EXPECT_EQ(vus_at(b, 5 * kSecond), 2);
  EXPECT_EQ(vus_at(a, 30 * kSecond), 0);
}

}  // namespace
}  // namespace perfgate::plan
