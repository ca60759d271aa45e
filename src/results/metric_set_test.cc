#include "results/metric_set.h"

#include <gtest/gtest.h>

namespace perfgate::results {
namespace {

TEST(MetricSet, AddMergesEveryFieldAndResetClears) {
  MetricSet a, b;
  a.trend(Trend::kDuration).record(100);
  b.trend(Trend::kDuration).record(300);
  b.trend(Trend::kWaiting).record(7);
  a.http_reqs = 2;
  b.http_reqs = 3;
  b.failed_requests = 1;
  b.count_error(ErrorClass::kHttp5xx);
  a.statuses[200] = 2;
  b.statuses[200] = 2;
  b.statuses[503] = 1;
  b.data_received = 10;
  a.add(b);
  EXPECT_EQ(a.http_reqs, 5);
  EXPECT_EQ(a.failed_requests, 1);
  EXPECT_EQ(a.error_count(ErrorClass::kHttp5xx), 1);
  EXPECT_EQ(a.statuses[200], 4);
  EXPECT_EQ(a.statuses[503], 1);
  EXPECT_EQ(a.data_received, 10);
  EXPECT_EQ(a.trend(Trend::kDuration).count(), 2);
  EXPECT_EQ(a.trend(Trend::kDuration).max(), 300);
  EXPECT_EQ(a.trend(Trend::kWaiting).count(), 1);
  a.reset();
  EXPECT_EQ(a.http_reqs, 0);
  EXPECT_EQ(a.statuses[200], 0);
  EXPECT_EQ(a.trend(Trend::kDuration).count(), 0);
}

TEST(MetricSet, NamesCoverEveryEnumerator) {
  for (auto name : kTrendNames) EXPECT_FALSE(name.empty());
  for (auto name : kErrorClassNames) EXPECT_FALSE(name.empty());
  EXPECT_EQ(kTrendNames[static_cast<size_t>(Trend::kScheduleLag)], "schedule_lag");
  EXPECT_EQ(kErrorClassNames[static_cast<size_t>(ErrorClass::kClosedMidResponse)],
            "closed_mid_response");
}

}  // namespace
}  // namespace perfgate::results
