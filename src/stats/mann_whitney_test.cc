#include "stats/mann_whitney.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace perfgate::stats {
namespace {

// SciPy's documented example (scipy.stats.mannwhitneyu): nine-month-old infants' ages at
// walking; U1 = 17, exact two-sided p = 0.1111, asymptotic p = 0.11134688653314041.
const std::vector<double> kMales = {19, 22, 16, 29, 24};
const std::vector<double> kFemales = {20, 11, 17, 12};

TEST(MannWhitney, ExactSmallSampleTextbookCase) {
  const MannWhitneyResult r = mann_whitney_u(kMales, kFemales);
  EXPECT_DOUBLE_EQ(r.u1, 17);
  EXPECT_DOUBLE_EQ(r.u2, 3);
  EXPECT_TRUE(r.exact);
  EXPECT_NEAR(r.p_value, 0.111111111111, 1e-9);  // 2 * 7/126
}

TEST(MannWhitney, ExactDistributionOfTinySamples) {
  // n1 = n2 = 3: 20 arrangements, one with U = 0, one with U = 1, two with U = 2.
  EXPECT_NEAR(exact_u_cdf(3, 3, 0), 1.0 / 20, 1e-12);
  EXPECT_NEAR(exact_u_cdf(3, 3, 2), 4.0 / 20, 1e-12);
  EXPECT_NEAR(exact_u_cdf(3, 3, 9), 1.0, 1e-12);
  // Complete separation of 3 vs 3: two-sided p = 0.1, never below 0.05.
  const MannWhitneyResult r =
      mann_whitney_u(std::vector<double>{1, 2, 3}, std::vector<double>{4, 5, 6});
  EXPECT_DOUBLE_EQ(r.u1, 0);
  EXPECT_NEAR(r.p_value, 0.1, 1e-12);
}

TEST(MannWhitney, NormalApproximationWithTiesAndContinuity) {
  // Ties force the normal approximation. Reference: scipy.stats.mannwhitneyu(x, y,
  // method="asymptotic") in SciPy 1.10.1 gives U = 11.5, p = 0.06076123666389785.
  const std::vector<double> x = {1, 2, 2, 3, 3, 4, 5};
  const std::vector<double> y = {2, 3, 4, 4, 5, 6, 6, 7};
  const MannWhitneyResult r = mann_whitney_u(x, y);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u1, 11.5);
  EXPECT_NEAR(r.p_value, 0.06076123666389785, 1e-12);
}

TEST(MannWhitney, AsymptoticMatchesScipyForTheTextbookCaseWithATie) {
  // Adding a tie to SciPy's example switches to the normal approximation: SciPy 1.10.1 gives
  // U = 20.5, p = 0.08711843744714781.
  std::vector<double> males = kMales;
  males.push_back(20);
  const MannWhitneyResult r = mann_whitney_u(males, kFemales);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u1, 20.5);
  EXPECT_NEAR(r.p_value, 0.08711843744714781, 1e-12);
}

TEST(MannWhitney, ExactForModerateSamplesWithoutTies) {
  // 30 vs 30 overlapping by two thirds. SciPy 1.10.1 method="exact": U = 190,
  // p = 7.21501775620137e-05 (its asymptotic p would be 1.2477e-04).
  std::vector<double> a, b;
  for (int i = 0; i < 30; ++i) {
    a.push_back(i);
    b.push_back(i + 10.5);
  }
  const MannWhitneyResult r = mann_whitney_u(a, b);
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u1, 190);
  EXPECT_NEAR(r.p_value, 7.21501775620137e-05, 1e-12);
  // Unequal sizes, 12 vs 10: SciPy exact p = 0.08042112686075535, U = 33.
  const std::vector<double> c = {1.1, 2.2, 3.3, 4.4, 5.5, 6.6, 7.7, 8.8, 9.9, 10.1, 11.2, 12.3};
  const std::vector<double> d = {5.05, 6.15, 7.25, 8.35, 9.45, 10.55, 11.65, 12.75, 13.85, 14.95};
  const MannWhitneyResult s = mann_whitney_u(c, d);
  EXPECT_DOUBLE_EQ(s.u1, 33);
  EXPECT_NEAR(s.p_value, 0.08042112686075535, 1e-12);
}

TEST(MannWhitney, AllTiedGivesPOne) {
  const MannWhitneyResult r =
      mann_whitney_u(std::vector<double>(60, 3.0), std::vector<double>(70, 3.0));
  EXPECT_DOUBLE_EQ(r.p_value, 1.0);
  EXPECT_DOUBLE_EQ(r.u1, 60 * 70 / 2.0);
}

TEST(MannWhitney, WeightedInputEqualsExpandedInput) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> value(0, 20);
  std::vector<double> x, y;
  for (int i = 0; i < 300; ++i) x.push_back(value(rng));
  for (int i = 0; i < 250; ++i) y.push_back(value(rng) + 3);
  const MannWhitneyResult expanded = mann_whitney_u(x, y);
  const MannWhitneyResult weighted = mann_whitney_u(to_weighted(x), to_weighted(y));
  EXPECT_DOUBLE_EQ(expanded.u1, weighted.u1);
  EXPECT_DOUBLE_EQ(expanded.p_value, weighted.p_value);
  EXPECT_LT(expanded.p_value, 0.05);  // a shift of three units on 250+ samples
}

TEST(MannWhitney, FalsePositiveRateNearAlphaOnIdenticalDistributions) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(100, 10);
  int rejections = 0;
  const int kTrials = 400;
  for (int t = 0; t < kTrials; ++t) {
    std::vector<double> x(30), y(30);
    for (double& v : x) v = normal(rng);
    for (double& v : y) v = normal(rng);
    if (mann_whitney_u(x, y).p_value < 0.05) ++rejections;
  }
  EXPECT_GT(rejections, 4);  // about 20 expected
  EXPECT_LT(rejections, 40);
}

}  // namespace
}  // namespace perfgate::stats
