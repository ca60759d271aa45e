// Unit tests: Prometheus text exposition — escaping, number formatting, the histogram cut from
// HdrHistogram totals, and the whole page's shape.
#include "outputs/exposition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

namespace perfgate::outputs {
namespace {

using ::testing::HasSubstr;

TEST(ExpositionEscaping, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(escape_label_value("run 1,x=y"), "run 1,x=y");
}

TEST(ExpositionEscaping, HelpEscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(escape_help("a\\b\"c\nd"), "a\\\\b\"c\\nd");
}

TEST(ExpositionNames, SanitizesToTheMetricNameAlphabet) {
  EXPECT_EQ(sanitize_metric_name("sut_cpu_percent"), "sut_cpu_percent");
  EXPECT_EQ(sanitize_metric_name("sut.rss-bytes"), "sut_rss_bytes");
  EXPECT_EQ(sanitize_metric_name("9lives"), "_9lives");
}

TEST(ExpositionValues, FormatsIntegersFloatsAndSpecials) {
  EXPECT_EQ(format_sample_value(42), "42");
  EXPECT_EQ(format_sample_value(0.25), "0.25");
  EXPECT_EQ(format_sample_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_sample_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_sample_value(std::nan("")), "NaN");
}

TEST(HistogramBuckets, CumulativeCountsPerBoundAndInf) {
  HdrHistogram h = HdrHistogram::for_latency_micros();
  h.record(50, 3);          // 50 µs
  h.record(100, 1);         // exactly on the 100 µs bound: counts as <= 0.0001
  h.record(300, 2);         // 300 µs
  h.record(2000, 1);        // 2 ms
  h.record(90'000'000, 1);  // 90 s: only in +Inf
  const std::vector<double> bounds = {0.0001, 0.001, 0.01, 60};
  const HistogramBuckets b = histogram_buckets(h, bounds);
  EXPECT_EQ(b.count, 8);
  EXPECT_EQ(b.cumulative, (std::vector<int64_t>{4, 6, 7, 7, 8}));
  const double exact_sum = (3 * 50 + 100 + 2 * 300 + 2000 + 90'000'000) / 1e6;
  EXPECT_NEAR(b.sum, exact_sum, exact_sum * 0.001);
}

TEST(HistogramBuckets, EmptyHistogramHasZeroBuckets) {
  const HistogramBuckets b =
      histogram_buckets(HdrHistogram::for_latency_micros(), default_duration_buckets_seconds());
  EXPECT_EQ(b.count, 0);
  EXPECT_EQ(b.cumulative.size(), default_duration_buckets_seconds().size() + 1);
  for (int64_t c : b.cumulative) EXPECT_EQ(c, 0);
}

results::MetricSet sample_totals() {
  results::MetricSet m;
  auto& duration = m.trend(results::Trend::kDuration);
  for (int64_t us = 40; us < 3'000'000; us = us * 11 / 10 + 1) duration.record(us);
  m.http_reqs = duration.count() + 2;
  m.failed_requests = 2;
  m.errors[static_cast<size_t>(results::ErrorClass::kConnectRefused)] = 2;
  m.statuses[0] = 2;
  m.statuses[200] = duration.count();
  m.data_sent = 1234;
  m.data_received = 56789;
  return m;
}

TEST(ExpositionPage, HasEveryFamilyWithRunLabels) {
  results::TimeSeriesPoint second;
  second.active_vus = 12;
  second.p99_us = 2500;
  const std::string page = format_exposition(RunInfo{"r\"1", "smoke"}, second, sample_totals(),
                                             {{"sut_cpu_percent", 33.5}});
  EXPECT_THAT(page, HasSubstr("# TYPE perfgate_http_reqs_total counter\n"));
  EXPECT_THAT(page, HasSubstr("perfgate_errors_total{testid=\"r\\\"1\",scenario=\"smoke\","
                              "error_class=\"connect_refused\"} 2\n"));
  EXPECT_THAT(page, HasSubstr("error_class=\"http_5xx\"} 0\n"));
  EXPECT_THAT(page, HasSubstr("perfgate_http_responses_total{testid=\"r\\\"1\",scenario=\"smoke\","
                              "status=\"200\"}"));
  EXPECT_THAT(page, HasSubstr("perfgate_data_received_bytes_total{testid=\"r\\\"1\",scenario="
                              "\"smoke\"} 56789\n"));
  EXPECT_THAT(page, HasSubstr("perfgate_vus{testid=\"r\\\"1\",scenario=\"smoke\"} 12\n"));
  EXPECT_THAT(page, HasSubstr("stat=\"p99\"} 0.0025\n"));
  EXPECT_THAT(page, HasSubstr("# TYPE perfgate_sut_cpu_percent gauge\n"));
  EXPECT_THAT(page, HasSubstr("perfgate_sut_cpu_percent{testid=\"r\\\"1\",scenario=\"smoke\"} "
                              "33.5\n"));
  EXPECT_THAT(page, HasSubstr("# TYPE perfgate_http_req_duration_seconds histogram\n"));
}

// The value of the first sample line that starts with `prefix`.
double value_of(const std::string& page, const std::string& prefix) {
  const size_t at = page.find("\n" + prefix);
  EXPECT_NE(at, std::string::npos) << prefix;
  const size_t end = page.find('\n', at + 1);
  const size_t space = page.rfind(' ', end);
  return std::stod(page.substr(space + 1, end - space - 1));
}

TEST(ExpositionPage, HistogramIsCumulativeEndsInInfAndCountsCompletedResponses) {
  const results::MetricSet totals = sample_totals();
  const std::string page = format_exposition(RunInfo{"r", ""}, {}, totals, {});
  std::istringstream lines(page);
  std::string line;
  double previous = -1;
  std::string last_le;
  int buckets = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("perfgate_http_req_duration_seconds_bucket{", 0) != 0) continue;
    const double value = std::stod(line.substr(line.rfind(' ') + 1));
    EXPECT_GE(value, previous) << line;
    previous = value;
    last_le = line.substr(line.find("le=\""));
    ++buckets;
  }
  EXPECT_EQ(buckets, static_cast<int>(default_duration_buckets_seconds().size()) + 1);
  EXPECT_THAT(last_le, testing::StartsWith("le=\"+Inf\""));
  const double count = value_of(page, "perfgate_http_req_duration_seconds_count{");
  EXPECT_EQ(previous, count);
  // Completed responses: http_reqs less the two transport failures.
  EXPECT_EQ(count, static_cast<double>(totals.http_reqs - 2));
  EXPECT_EQ(value_of(page, "perfgate_http_reqs_total{"), static_cast<double>(totals.http_reqs));
}

}  // namespace
}  // namespace perfgate::outputs
