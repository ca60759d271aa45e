#include "engine/metric_windows.h"

#include <gtest/gtest.h>

#include "engine/plan_metrics.h"
#include "engine/plan_run.h"

namespace perfgate::engine {
namespace {

using plan::Aggregation;
using results::Trend;

class MetricWindowsTest : public ::testing::Test {
 protected:
  MetricWindowsTest() {
    index_.names = {"a"};
    SubMetric duration{*plan::parse_metric_selector("http_req_duration{name:a}"), "",
                       SubSource::kRequestTrend, Trend::kDuration};
    SubMetric failed{*plan::parse_metric_selector("http_req_failed{name:a}"), "",
                     SubSource::kRequestFailed};
    for (SubMetric* sub : {&duration, &failed}) {
      sub->key = sub->selector.key();
      index_.subs.subs.push_back(*sub);
    }
  }

  // Hands one second to `windows`: `requests` requests of `latency_us`, `failed` of them failed,
  // all under the request name "a".
  void second(int64_t requests, int64_t failed, int64_t latency_us) {
    PlanMetrics m(index_);
    m.base.http_reqs = requests;
    m.base.failed_requests = failed;
    m.names[0].requests = requests;
    m.names[0].failed = failed;
    m.base.trend(Trend::kDuration).record(latency_us, requests);
    m.names[0].duration.record(latency_us, requests);
    m.subs[0].trend->record(latency_us, requests);
    m.subs[1].count = failed;
    m.subs[1].total = requests;
    windows_.add_second(PlanValues(plan_, index_, m, samples_, kNanosPerSecond));
  }
  std::optional<double> get(const char* key, Aggregation a, Nanos window, double p = 0,
                            Nanos elapsed = 100 * kNanosPerSecond) {
    return windows_.aggregate(*plan::parse_metric_selector(key), a, p, window, elapsed);
  }

  plan::Plan plan_;
  PlanIndex index_;
  plan::MetricSamples samples_;
  MetricWindows windows_;
};

TEST_F(MetricWindowsTest, KeepsOnlyTheLastWindowOfEachMetric) {
  const Nanos two = 2 * kNanosPerSecond;
  for (const char* key : {"http_req_duration", "http_req_failed", "http_reqs",
                          "http_req_duration{name:a}", "http_req_failed{name:a}"}) {
    windows_.watch(*plan::parse_metric_selector(key), two);
  }
  second(100, 0, 1000);
  second(100, 50, 2000);
  EXPECT_NEAR(*get("http_req_duration", Aggregation::kMax, two), 2.0, 0.01);
  EXPECT_NEAR(*get("http_req_duration", Aggregation::kMin, two), 1.0, 0.01);
  EXPECT_NEAR(*get("http_req_failed", Aggregation::kRate, two), 0.25, 1e-9);
  second(300, 0, 5000);  // the first second leaves the window
  EXPECT_NEAR(*get("http_req_duration", Aggregation::kMin, two), 2.0, 0.01);
  EXPECT_NEAR(*get("http_req_duration", Aggregation::kPercentile, two, 50), 5.0, 0.01);
  EXPECT_EQ(*get("http_req_duration", Aggregation::kCount, two), 400);
  EXPECT_NEAR(*get("http_req_failed", Aggregation::kRate, two), 50.0 / 400, 1e-9);
  EXPECT_NEAR(*get("http_req_failed{name:a}", Aggregation::kRate, two), 50.0 / 400, 1e-9);
  EXPECT_NEAR(*get("http_req_duration{name:a}", Aggregation::kMax, two), 5.0, 0.01);
  EXPECT_EQ(*get("http_reqs", Aggregation::kCount, two), 400);
  EXPECT_EQ(*get("http_reqs", Aggregation::kRate, two), 200);
  // Early in a run a counter's rate divides by the time that has passed, not the window.
  EXPECT_EQ(*get("http_reqs", Aggregation::kRate, two, 0, kNanosPerSecond), 400);
}

TEST_F(MetricWindowsTest, UnwatchedMetricsAndEmptyWindowsHaveNoData) {
  const Nanos one = kNanosPerSecond;
  windows_.watch(*plan::parse_metric_selector("http_req_failed"), one);
  EXPECT_FALSE(get("http_req_duration", Aggregation::kMax, one));
  EXPECT_FALSE(get("http_req_failed", Aggregation::kRate, 5 * one));  // another window length
  second(0, 0, 0);
  EXPECT_FALSE(get("http_req_failed", Aggregation::kRate, one)) << "no request: no rate";
}

TEST(ThresholdWindows, TheWorstWindowIsReportedAndAnyFailureFails) {
  plan::Threshold t;
  t.expression = *plan::parse_threshold_expression("p(95)<200");
  t.window = 30 * kNanosPerSecond;
  ThresholdReport report{&t, {}};
  auto outcome = [&](double observed) {
    return plan::ThresholdOutcome{
        t.expression.holds(observed) ? plan::ThresholdStatus::kPass : plan::ThresholdStatus::kFail,
        observed, false};
  };
  report.note_window(outcome(120), 30 * kNanosPerSecond);
  report.note_window(outcome(180), 31 * kNanosPerSecond);
  report.note_window({}, 32 * kNanosPerSecond);  // no data: not counted
  report.note_window(outcome(150), 33 * kNanosPerSecond);
  EXPECT_EQ(report.outcome.status, plan::ThresholdStatus::kPass);
  EXPECT_EQ(report.outcome.observed, 180);
  EXPECT_EQ(report.observed_at, 31 * kNanosPerSecond);
  EXPECT_EQ(report.windows_evaluated, 3);
  report.note_window(outcome(450), 34 * kNanosPerSecond);
  report.note_window(outcome(300), 35 * kNanosPerSecond);
  EXPECT_EQ(report.outcome.status, plan::ThresholdStatus::kFail);
  EXPECT_EQ(report.outcome.observed, 450);
  EXPECT_EQ(report.observed_at, 34 * kNanosPerSecond);
  EXPECT_EQ(report.windows_failed, 2);
  EXPECT_EQ(format_window(30 * kNanosPerSecond), "30s");
  EXPECT_EQ(format_window(120 * kNanosPerSecond), "2m");
  EXPECT_EQ(format_window(1500 * kNanosPerMilli), "1500ms");
}

}  // namespace
}  // namespace perfgate::engine
