#include "stats/change_point.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace perfgate::stats {
namespace {

// Gaussian noise around `level` with relative standard deviation `cv`, from a fixed seed.
std::vector<double> noise(size_t n, double level, double cv, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> gauss(level, level * cv);
  std::vector<double> out(n);
  for (double& x : out) x = gauss(rng);
  return out;
}

// Noise whose level changes to levels[k] at starts[k].
std::vector<double> steps(size_t n, const std::vector<size_t>& starts,
                          const std::vector<double>& levels, double cv, uint64_t seed) {
  std::vector<double> out = noise(n, 1.0, cv, seed);  // multiplicative noise around 1
  for (size_t i = 0; i < n; ++i) {
    double level = levels[0];
    for (size_t k = 1; k < starts.size(); ++k) {
      if (i >= starts[k]) level = levels[k];
    }
    out[i] *= level;
  }
  return out;
}

std::vector<size_t> indices(const std::vector<ChangePoint>& points) {
  std::vector<size_t> out;
  for (const ChangePoint& p : points) out.push_back(p.index);
  return out;
}

TEST(StudentTTest, MatchesReferenceValues) {
  // Reference p-values from numerically integrating the t density (Simpson, 2e6 intervals).
  const std::vector<double> a = {1, 2, 3, 4, 5}, b = {6, 7, 8, 9, 10};
  TTestResult r = student_t_test(a, b);
  EXPECT_DOUBLE_EQ(r.t, 5.0);
  EXPECT_EQ(r.degrees_of_freedom, 8u);
  EXPECT_NEAR(r.p_value, 0.00105282579, 1e-9);

  // t = 2 with 18 degrees of freedom: means 0 and 1, pooled variance 1.25, n = 10 each.
  std::vector<double> c(10), d(10);
  for (size_t i = 0; i < 10; ++i) {
    const double sign = i % 2 == 0 ? 1 : -1;
    c[i] = sign * std::sqrt(1.125);
    d[i] = 1 + sign * std::sqrt(1.125);
  }
  r = student_t_test(c, d);
  EXPECT_NEAR(r.t, 2.0, 1e-12);
  EXPECT_NEAR(r.p_value, 0.0608214657, 1e-8);
  EXPECT_NEAR(student_t_test(d, c).t, -2.0, 1e-12);
}

TEST(StudentTTest, DegenerateInputs) {
  const std::vector<double> ones = {1, 1, 1}, twos = {2, 2, 2}, one = {1};
  EXPECT_EQ(student_t_test(ones, twos).p_value, 0);
  EXPECT_TRUE(std::isinf(student_t_test(ones, twos).t));
  EXPECT_EQ(student_t_test(ones, ones).p_value, 1);
  EXPECT_EQ(student_t_test(one, one).p_value, 1);  // no degrees of freedom
  EXPECT_EQ(student_t_test(one, {}).p_value, 1);
}

TEST(EnergySplit, FindsAStepInASegment) {
  const std::vector<double> z = {1, 1.1, 0.9, 1, 1.05, 0.95, 1, 5, 5.1, 4.9, 5};
  EXPECT_EQ(best_energy_split(z).index, 7u);
  const std::vector<double> two = {1, 9};
  EXPECT_EQ(best_energy_split(two).index, 1u);
}

TEST(ChangePoints, FindsOnePlantedShiftAtTheRightIndex) {
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    std::vector<double> s = steps(120, {0, 60}, {100, 110}, 0.02, seed);
    std::vector<ChangePoint> found = detect_change_points(s);
    ASSERT_EQ(indices(found), std::vector<size_t>{60}) << "seed " << seed;
    EXPECT_NEAR(found[0].change_percent(), 10, 1.5) << "seed " << seed;
    EXPECT_NEAR(found[0].mean_before, 100, 1);
    EXPECT_NEAR(found[0].mean_after, 110, 1);
    EXPECT_EQ(found[0].count_before, 60u);
    EXPECT_EQ(found[0].count_after, 60u);
    EXPECT_LT(found[0].p_value, 0.001);
  }
}

TEST(ChangePoints, FindsSeveralShiftsBothWaysInALongSeries) {
  for (uint64_t seed : {11, 12, 13}) {
    // Longer than several windows, so the sliding split and the merge both matter.
    std::vector<double> s = steps(300, {0, 40, 130, 230}, {100, 120, 90, 105}, 0.02, seed);
    EXPECT_EQ(indices(detect_change_points(s)), (std::vector<size_t>{40, 130, 230}))
        << "seed " << seed;
  }
}

TEST(ChangePoints, NoFalsePositivesOnPureNoise) {
  for (uint64_t seed = 100; seed < 120; ++seed) {
    std::vector<double> s = noise(200, 100, 0.05, seed);
    EXPECT_TRUE(detect_change_points(s).empty()) << "seed " << seed;
  }
}

TEST(ChangePoints, UncorrectedTestBehavesLikeHunter) {
  // Hunter/Otava's raw p-value flags some noise; the selection correction is what removes it.
  size_t raw = 0, corrected = 0;
  ChangePointOptions hunter;
  hunter.correct_for_selection = false;
  for (uint64_t seed = 100; seed < 160; ++seed) {
    std::vector<double> s = noise(200, 100, 0.05, seed);
    raw += detect_change_points(s, hunter).empty() ? 0 : 1;
    corrected += detect_change_points(s).empty() ? 0 : 1;
  }
  EXPECT_GT(raw, 0u);
  EXPECT_EQ(corrected, 0u);
}

TEST(ChangePoints, NewestPointCanStartARegression) {
  std::vector<double> s = noise(40, 100, 0.01, 7);
  s.push_back(130);
  std::vector<ChangePoint> found = detect_change_points(s);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.back().index, 40u);
  EXPECT_GT(found.back().change_percent(), 25);
}

TEST(ChangePoints, MinMagnitudeDropsSmallButSignificantShifts) {
  std::vector<double> s = steps(100, {0, 50}, {100, 102}, 0.002, 21);
  EXPECT_EQ(indices(detect_change_points(s)), std::vector<size_t>{50});
  ChangePointOptions options;
  options.min_magnitude = 0.05;
  EXPECT_TRUE(detect_change_points(s, options).empty());
}

TEST(ChangePoints, ShortSeriesHaveNone) {
  EXPECT_TRUE(detect_change_points(std::vector<double>{}).empty());
  EXPECT_TRUE(detect_change_points(std::vector<double>{1, 100}).empty());
}

TEST(DegradationStreaks, DirectionAware) {
  const std::vector<double> rising = {10, 11, 12, 13, 14};
  EXPECT_EQ(find_degradation_streaks(rising, true), (std::vector<size_t>{3, 4}));
  EXPECT_TRUE(find_degradation_streaks(rising, false).empty());
  const std::vector<double> falling = {10, 9, 8, 7};
  EXPECT_EQ(find_degradation_streaks(falling, false), std::vector<size_t>{3});
  const std::vector<double> broken = {10, 11, 10.5, 12, 13};
  EXPECT_TRUE(find_degradation_streaks(broken, true).empty());
}

TEST(DegradationStreaks, MinStepIgnoresTinyDrift) {
  const std::vector<double> drift = {100, 100.1, 100.2, 100.3};
  EXPECT_EQ(find_degradation_streaks(drift, true), std::vector<size_t>{3});
  EXPECT_TRUE(find_degradation_streaks(drift, true, {.min_step = 0.01}).empty());
  const std::vector<double> jumps = {100, 102, 104, 106};
  EXPECT_EQ(find_degradation_streaks(jumps, true, {.min_step = 0.01}), std::vector<size_t>{3});
}

TEST(DegradationStreaks, StreaksWithinTheNoiseAreIgnored) {
  // Noise of sigma ~1 before, then three small rises totalling 1.5: within the noise.
  std::vector<double> s = noise(40, 100, 0.01, 5);
  const double last = s.back();
  for (double rise : {0.5, 1.0, 1.5}) s.push_back(last + rise);
  EXPECT_TRUE(find_degradation_streaks(s, true).empty());
  EXPECT_EQ(find_degradation_streaks(s, true, {.min_total_noise = 0}).back(), s.size() - 1);
  // Three rises totalling 6 sigma stand out.
  for (size_t i = 0; i < 3; ++i) s.pop_back();
  for (double rise : {2.0, 4.0, 6.0}) s.push_back(last + rise);
  EXPECT_EQ(find_degradation_streaks(s, true).back(), s.size() - 1);
}

TEST(DegradationStreaks, RareOnPureNoise) {
  size_t alerts = 0, points = 0, raw = 0;
  for (uint64_t seed = 300; seed < 340; ++seed) {
    std::vector<double> s = noise(100, 100, 0.02, seed);
    alerts += find_degradation_streaks(s, true).size();
    raw += find_degradation_streaks(s, true, {.min_total_noise = 0}).size();
    points += s.size();
  }
  // About 1 in 24 points without the noise threshold, about 1 in 75 with it.
  EXPECT_GT(raw, points / 40);
  EXPECT_LT(alerts, points / 50);
}

TEST(NoiseSigma, EstimatesGaussianSigmaDespiteAShift) {
  std::vector<double> s = noise(400, 100, 0.02, 9);  // sigma 2
  EXPECT_NEAR(noise_sigma(s), 2.0, 0.25);
  for (size_t i = 200; i < s.size(); ++i) s[i] += 50;  // one 25-sigma jump among 399 differences
  EXPECT_NEAR(noise_sigma(s), 2.0, 0.25);
  EXPECT_EQ(noise_sigma(std::vector<double>{1}), 0);
}

}  // namespace
}  // namespace perfgate::stats
