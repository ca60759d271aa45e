// USL / Amdahl fits and knee detection. Reference values come from SciPy 1.10's curve_fit on the
// same data: testdata/usl_reference.py prints them (run it with /usr/bin/python3).
#include "stats/usl.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "stats/knee.h"
#include "stats/least_squares.h"

namespace perfgate::stats {
namespace {

const std::vector<double> kUslN = {1, 2, 4, 8, 16, 32, 48, 64};
const std::vector<double> kUslX = {1012, 1890, 3420, 5360, 6900, 6650, 5630, 4700};
const std::vector<double> kAmdahlN = {1, 2, 3, 4, 6, 8, 12, 16};
const std::vector<double> kAmdahlX = {201, 362, 502, 612, 790, 940, 1140, 1260};

// Relative closeness: fits and SciPy stop at slightly different places near the optimum.
void expect_near_rel(double actual, double expected, double rel) {
  EXPECT_NEAR(actual, expected, std::fabs(expected) * rel) << "expected " << expected;
}

TEST(UslFit, MatchesScipyCurveFitOnAContendedSweep) {
  auto fit = fit_usl(kUslN, kUslX);
  ASSERT_TRUE(fit) << fit.error().describe();
  expect_near_rel(fit->lambda.value, 996.4404150412194, 1e-6);
  expect_near_rel(fit->sigma.value, 0.050086581947556254, 1e-5);
  expect_near_rel(fit->kappa.value, 0.0022955207236084385, 1e-5);
  expect_near_rel(fit->lambda.standard_error, 13.259814600038293, 1e-4);
  expect_near_rel(fit->sigma.standard_error, 0.0024970526067813765, 1e-4);
  expect_near_rel(fit->kappa.standard_error, 3.306721734357342e-05, 1e-4);
  expect_near_rel(fit->sigma.low, 0.04366770387149256, 1e-4);
  expect_near_rel(fit->sigma.high, 0.05650546002361995, 1e-4);
  expect_near_rel(fit->kappa.low, 0.002210518735317657, 1e-4);
  expect_near_rel(fit->kappa.high, 0.00238052271189922, 1e-4);
  expect_near_rel(fit->ssr, 8988.167452994092, 1e-6);
  expect_near_rel(fit->r2, 0.9997239477781152, 1e-9);
  ASSERT_TRUE(fit->has_peak);
  expect_near_rel(fit->peak_concurrency.value, 20.342363113514008, 1e-5);
  EXPECT_LT(fit->peak_concurrency.low, 20.34);
  EXPECT_GT(fit->peak_concurrency.high, 20.35);
  EXPECT_NEAR(fit->peak_throughput, fit->predict(20.342363113514008), 1e-6);
}

TEST(UslFit, AmdahlMatchesScipyAndLosesTheVerdictOnCoherencyData) {
  auto fit = fit_scalability(kUslN, kUslX);
  ASSERT_TRUE(fit) << fit.error().describe();
  // Amdahl's law fits this data badly and its SSR is flat near the optimum: SciPy stops at its
  // ftol (1.5e-8), so the parameters agree to 1e-4 while the SSR agrees to 1e-6.
  expect_near_rel(fit->amdahl.lambda.value, 1566.8043261194362, 1e-4);
  expect_near_rel(fit->amdahl.sigma.value, 0.2407735054921903, 1e-4);
  expect_near_rel(fit->amdahl.sigma.low, 0.025072458980462647, 1e-3);
  expect_near_rel(fit->amdahl.ssr, 6391999.197818602, 1e-6);
  EXPECT_EQ(fit->amdahl.kappa.value, 0.0);
  EXPECT_FALSE(fit->amdahl.has_peak);
  expect_near_rel(fit->f_statistic, 3550.7855543119267, 1e-4);
  expect_near_rel(fit->f_p_value, 2.5187391078725705e-08, 1e-3);
  EXPECT_EQ(fit->verdict, "usl");
  EXPECT_LT(fit->usl.aic, fit->amdahl.aic);
}

TEST(UslFit, AmdahlWinsWhenCoherencyIsNotSignificant) {
  auto fit = fit_scalability(kAmdahlN, kAmdahlX);
  ASSERT_TRUE(fit) << fit.error().describe();
  expect_near_rel(fit->usl.lambda.value, 198.43673712142876, 1e-5);
  expect_near_rel(fit->usl.sigma.value, 0.09687527217901484, 1e-4);
  expect_near_rel(fit->usl.kappa.value, 0.0002545979006804987, 1e-3);
  expect_near_rel(fit->usl.kappa.low, -0.0002791887783740425, 1e-3);
  expect_near_rel(fit->usl.kappa.high, 0.0007883845797350399, 1e-3);
  expect_near_rel(fit->amdahl.lambda.value, 200.59242625459453, 1e-6);
  expect_near_rel(fit->amdahl.sigma.value, 0.10232751406316375, 1e-5);
  expect_near_rel(fit->amdahl.sigma.low, 0.09842274481695848, 1e-4);
  expect_near_rel(fit->amdahl.sigma.high, 0.10623228330936901, 1e-4);
  expect_near_rel(fit->amdahl.r2, 0.9998246071757377, 1e-9);
  expect_near_rel(fit->f_statistic, 1.4722989042620143, 1e-3);
  expect_near_rel(fit->f_p_value, 0.2791712295469583, 1e-3);
  EXPECT_EQ(fit->verdict, "amdahl");
  expect_near_rel(fit->amdahl.max_speedup, 1 / 0.10232751406316375, 1e-5);
}

TEST(UslFit, RecoversExactParametersFromNoiselessData) {
  std::vector<double> n, x;
  for (double k : {1, 2, 4, 8, 16, 24, 32}) {
    n.push_back(k);
    x.push_back(500 * k / (1 + 0.03 * (k - 1) + 0.0008 * k * (k - 1)));
  }
  auto fit = fit_usl(n, x);
  ASSERT_TRUE(fit) << fit.error().describe();
  EXPECT_NEAR(fit->sigma.value, 0.03, 1e-9);
  EXPECT_NEAR(fit->kappa.value, 0.0008, 1e-11);
  EXPECT_NEAR(fit->peak_concurrency.value, std::sqrt(0.97 / 0.0008), 1e-6);
}

TEST(UslFit, RefusesTooFewOrInvalidPoints) {
  const std::vector<double> three = {1, 2, 4}, x3 = {10, 19, 35};
  EXPECT_FALSE(fit_scalability(three, x3));
  const std::vector<double> n = {1, 2, 4, 8}, bad = {10, 0, 35, 50};
  EXPECT_FALSE(fit_scalability(n, bad));
}

TEST(Knee, FindsTheBendOfAHockeyStick) {
  // Latency flat near 10 ms up to 800/s, then rising steeply as throughput saturates.
  const std::vector<double> x = {100, 200, 400, 600, 800, 900, 950, 970};
  const std::vector<double> y = {10, 10.2, 10.5, 11, 12, 20, 60, 200};
  auto knee = find_knee(x, y);
  ASSERT_TRUE(knee);
  // Normalised x − y: 800/s gives 700/870 − 2/190 = 0.794, 900/s gives 800/870 − 10/190 =
  // 0.867 (the largest), 950/s gives 850/870 − 50/190 = 0.714.
  EXPECT_EQ(knee->index, 5u);
  EXPECT_DOUBLE_EQ(knee->x, 900);
  EXPECT_NEAR(knee->difference, 800.0 / 870 - 10.0 / 190, 1e-12);
}

TEST(Knee, NoneOnAStraightLineOrTooFewPoints) {
  const std::vector<double> x = {1, 2, 3, 4}, line = {2, 4, 6, 8};
  EXPECT_FALSE(find_knee(x, line));
  const std::vector<double> two = {1, 2};
  EXPECT_FALSE(find_knee(two, two));
}

TEST(LeastSquares, FitsAnExponentialDecayLikeScipy) {
  // y = a·exp(−b·x); SciPy curve_fit(p0=[1, 0.1]) on this data: a=5.05128883,
  // b=0.30671584, standard errors 0.05613925 and 0.00634976.
  const std::vector<double> x = {0, 1, 2, 3, 4, 5, 6};
  const std::vector<double> y = {5.1, 3.6, 2.8, 2.0, 1.5, 1.1, 0.8};
  LeastSquaresModel model{
      2, [](double t, std::span<const double> p) { return p[0] * std::exp(-p[1] * t); },
      [](double t, std::span<const double> p, std::span<double> g) {
        g[0] = std::exp(-p[1] * t);
        g[1] = -p[0] * t * std::exp(-p[1] * t);
      }};
  const std::vector<double> start = {1, 0.1};
  auto fit = fit_least_squares(model, x, y, start);
  ASSERT_TRUE(fit) << fit.error().describe();
  expect_near_rel(fit->params[0], 5.05128883, 1e-6);
  expect_near_rel(fit->params[1], 0.30671584, 1e-6);
  expect_near_rel(fit->standard_errors[0], 0.05613925, 1e-5);
  expect_near_rel(fit->standard_errors[1], 0.00634976, 1e-5);
}

}  // namespace
}  // namespace perfgate::stats
