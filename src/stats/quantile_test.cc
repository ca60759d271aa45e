#include "stats/quantile.h"

#include <gtest/gtest.h>

#include <vector>

#include "stats/descriptive.h"

namespace perfgate::stats {
namespace {

TEST(Quantile, Type7InterpolatesBetweenOrderStatistics) {
  const std::vector<double> x = {4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(quantile(x, 0.5), 2.5);    // mean of the two middle values
  EXPECT_DOUBLE_EQ(quantile(x, 0.25), 1.75);  // h = 0.75
  EXPECT_DOUBLE_EQ(quantile(x, 0.0), 1);
  EXPECT_DOUBLE_EQ(quantile(x, 1.0), 4);
}

TEST(Quantile, MatchesNumpyDefaultOnOneToHundred) {
  std::vector<double> x;
  for (int i = 1; i <= 100; ++i) x.push_back(i);
  // numpy.percentile(range(1, 101), [95, 99, 99.9]) = 95.05, 99.01, 99.901
  EXPECT_NEAR(quantile(x, 0.95), 95.05, 1e-9);
  EXPECT_NEAR(quantile(x, 0.99), 99.01, 1e-9);
  EXPECT_NEAR(quantile(x, 0.999), 99.901, 1e-9);
}

TEST(Quantile, InPlaceAgreesWithSorted) {
  std::vector<double> x = {9, 7, 5, 3, 1, 2, 4, 6, 8, 10, 10, 0};
  for (double p : {0.0, 0.1, 0.33, 0.5, 0.9, 0.99, 1.0}) {
    std::vector<double> copy = x;
    EXPECT_DOUBLE_EQ(quantile_in_place(copy, p), quantile(x, p)) << p;
  }
}

TEST(Quantile, ParsesStatisticNames) {
  EXPECT_EQ(parse_percentile("med"), 0.5);
  EXPECT_EQ(parse_percentile("median"), 0.5);
  EXPECT_DOUBLE_EQ(*parse_percentile("p(95)"), 0.95);
  EXPECT_DOUBLE_EQ(*parse_percentile("p95"), 0.95);
  EXPECT_DOUBLE_EQ(*parse_percentile("p(99.9)"), 0.999);
  EXPECT_EQ(parse_percentile("avg"), std::nullopt);
  EXPECT_EQ(parse_percentile("p(101)"), std::nullopt);
  EXPECT_EQ(parse_percentile("p(9x)"), std::nullopt);
  EXPECT_EQ(parse_percentile("p("), std::nullopt);
}

TEST(Quantile, MinimumSamplesGrowInTheTails) {
  EXPECT_EQ(min_samples_for_quantile(0.5), kMinSamples);
  EXPECT_EQ(min_samples_for_quantile(0.95), 80);
  EXPECT_EQ(min_samples_for_quantile(0.99), 400);
  EXPECT_EQ(min_samples_for_quantile(0.999), 4000);
}

TEST(Descriptive, SummaryOfKnownSample) {
  const std::vector<double> x = {2, 4, 4, 4, 5, 5, 7, 9};
  const Summary s = summarize(x);
  EXPECT_EQ(s.count, 8u);
  EXPECT_DOUBLE_EQ(s.mean, 5);
  EXPECT_NEAR(s.stddev, 2.13808993529939, 1e-12);  // sample sd: sqrt(32 / 7)
  EXPECT_DOUBLE_EQ(s.median, 4.5);
  EXPECT_DOUBLE_EQ(s.min, 2);
  EXPECT_DOUBLE_EQ(s.max, 9);
  EXPECT_EQ(summarize({}).count, 0u);
}

}  // namespace
}  // namespace perfgate::stats
