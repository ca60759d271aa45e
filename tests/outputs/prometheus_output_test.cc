// Prometheus output: the /metrics endpoint scraped over HTTP on 127.0.0.1, the page checked by
// promtool (Debian's prometheus package), histogram buckets cumulative with _count == requests.
#include "outputs/prometheus_output.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>

#include "net/address.h"
#include "outputs/http_client.h"
#include "outputs/live_output.h"
#include "test_servers.h"

namespace perfgate::outputs {
namespace {

using ::testing::HasSubstr;

Result<HttpReply> fetch(const net::Address& address, std::string_view method,
                        std::string_view path) {
  HttpCall call;
  call.method = method;
  call.url = fmt::format("http://{}{}", address.to_string(), path);
  call.timeout = 3 * kNanosPerSecond;
  return http_exchange(call);
}

// A second's worth of traffic with durations from 40 µs to 3 s, all answered with 200.
results::MetricSet completed_traffic(results::TimeSeriesPoint& second) {
  results::MetricSet totals;
  auto& duration = totals.trend(results::Trend::kDuration);
  for (int64_t us = 40; us < 3'000'000; us = us * 21 / 20 + 1) duration.record(us, 3);
  totals.http_reqs = duration.count();
  totals.iterations = duration.count();
  totals.statuses[200] = duration.count();
  totals.data_sent = 100 * duration.count();
  totals.data_received = 700 * duration.count();
  second.requests = duration.count();
  second.active_vus = 25;
  second.p50_us = duration.value_at_percentile(50);
  second.p99_us = duration.value_at_percentile(99);
  second.max_us = duration.max();
  return totals;
}

double sample_value(const std::string& line) { return std::stod(line.substr(line.rfind(' ') + 1)); }

TEST(PrometheusOutput, ServesAPagePromtoolAcceptsWithACumulativeHistogram) {
  auto output = PrometheusOutput::create("127.0.0.1:0", RunInfo{"run-1", "smoke"});
  ASSERT_TRUE(output) << output.error().describe();
  const net::Address address = (*output)->address();
  results::TimeSeriesPoint second;
  const results::MetricSet totals = completed_traffic(second);
  (*output)->on_gauges({{"sut_cpu_percent", 41.5}, {"sut_rss_bytes", 123456789}});
  (*output)->on_second(second, totals);

  auto reply = fetch(address, "GET", "/metrics");
  ASSERT_TRUE(reply) << reply.error().describe();
  EXPECT_EQ(reply->status, 200);
  EXPECT_THAT(reply->head, HasSubstr("Content-Type: text/plain; version=0.0.4; charset=utf-8"));
  std::string promtool_output;
  const int rc = testing::run_with_input({"/usr/bin/promtool", "check", "metrics"}, reply->body,
                                         promtool_output);
  EXPECT_EQ(rc, 0) << promtool_output << "\n--- page:\n" << reply->body;

  std::istringstream lines(reply->body);
  std::string line;
  double previous = -1, inf = -1, count = -1, reqs = -1;
  while (std::getline(lines, line)) {
    if (line.starts_with("perfgate_http_req_duration_seconds_bucket{")) {
      EXPECT_GE(sample_value(line), previous) << line;
      previous = sample_value(line);
      if (line.find("le=\"+Inf\"") != std::string::npos) inf = previous;
    } else if (line.starts_with("perfgate_http_req_duration_seconds_count{")) {
      count = sample_value(line);
    } else if (line.starts_with("perfgate_http_reqs_total{")) {
      reqs = sample_value(line);
    }
  }
  EXPECT_EQ(inf, previous) << "+Inf must be the last bucket";
  EXPECT_EQ(count, inf);
  EXPECT_EQ(count, static_cast<double>(totals.http_reqs));
  EXPECT_EQ(reqs, static_cast<double>(totals.http_reqs));
  EXPECT_THAT(reply->body, HasSubstr("perfgate_vus{testid=\"run-1\",scenario=\"smoke\"} 25\n"));
  EXPECT_THAT(reply->body, HasSubstr("perfgate_sut_rss_bytes{testid=\"run-1\",scenario=\"smoke\"} "
                                     "123456789\n"));
  (*output)->finish();
  EXPECT_EQ((*output)->summary_note(),
            fmt::format("prometheus: served http://{}/metrics, 1 scrapes", address.to_string()));
}

TEST(PrometheusOutput, ServesZeroCountersBeforeTheFirstSecondAndOnlyMetrics) {
  auto output = PrometheusOutput::create(":0", RunInfo{"r", ""});
  ASSERT_TRUE(output) << output.error().describe();
  const net::Address address = (*output)->address();
  EXPECT_EQ(address.to_string().rfind("127.0.0.1:", 0), 0u) << "binds to loopback by default";
  auto first = fetch(address, "GET", "/metrics");
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_THAT(first->body, HasSubstr("perfgate_http_reqs_total{testid=\"r\"} 0\n"));
  std::string promtool_output;
  EXPECT_EQ(testing::run_with_input({"/usr/bin/promtool", "check", "metrics"}, first->body,
                                    promtool_output),
            0)
      << promtool_output;
  auto missing = fetch(address, "GET", "/other");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  auto post = fetch(address, "POST", "/metrics");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
}

// `?schema=k6`: the scrape endpoint serves the series remote write pushes, in k6's names, with
// the run's tags on every series; promtool accepts the page.
TEST(PrometheusOutput, K6SchemaServesK6NamesPerRequestNameWithTheRunsTags) {
  RunInfo run{"run-k6", ""};
  run.tags = {{"team", "checkout"}};
  auto created = make_live_output("prometheus", "127.0.0.1:0?schema=k6", run);
  ASSERT_TRUE(created) << created.error().describe();
  auto* output = dynamic_cast<PrometheusOutput*>(created->get());
  ASSERT_NE(output, nullptr);
  results::TimeSeriesPoint second;
  results::MetricSet totals = completed_traffic(second);
  totals.statuses[503] = 5;
  totals.http_reqs += 5;
  totals.failed_requests = 5;
  auto home = HdrHistogram::for_latency_micros();
  for (int i = 1; i <= 100; ++i) home.record(1000 * i);
  SecondDetail detail;
  detail.interval = &totals;
  detail.names.push_back({"home", "GET", "http://127.0.0.1:1/home", &home});
  detail.checks.push_back({"status is 200", 3, 1});
  output->on_second_detail(detail);
  output->on_gauges({{"sut_cpu_percent", 12.5}});
  output->on_second(second, totals);

  auto reply = fetch(output->address(), "GET", "/metrics");
  ASSERT_TRUE(reply) << reply.error().describe();
  std::string promtool_output;
  EXPECT_EQ(testing::run_with_input({"/usr/bin/promtool", "check", "metrics"}, reply->body,
                                    promtool_output),
            0)
      << promtool_output << "\n--- page:\n"
      << reply->body;
  const std::string& page = reply->body;
  EXPECT_THAT(page, HasSubstr("# TYPE k6_http_reqs_total counter\n"));
  EXPECT_THAT(page,
              HasSubstr(fmt::format("k6_http_reqs_total{{expected_response=\"true\",status=\"200\","
                                    "team=\"checkout\",testid=\"run-k6\"}} {}\n",
                                    totals.statuses[200])));
  EXPECT_THAT(page, HasSubstr("k6_http_reqs_total{expected_response=\"false\",status=\"503\","));
  EXPECT_THAT(page, HasSubstr("# TYPE k6_http_req_duration_p95 gauge\n"));
  EXPECT_THAT(
      page,
      HasSubstr("k6_http_req_duration_p95{method=\"GET\",name=\"home\","
                "team=\"checkout\",testid=\"run-k6\",url=\"http://127.0.0.1:1/home\"} 0.095"));
  EXPECT_THAT(page, HasSubstr("k6_checks_rate{check=\"status is 200\",team=\"checkout\","
                              "testid=\"run-k6\"} 0.75\n"));
  EXPECT_THAT(page, HasSubstr("k6_vus{team=\"checkout\",testid=\"run-k6\"} 25\n"));
  EXPECT_THAT(page, HasSubstr("k6_sut_cpu_percent{team=\"checkout\",testid=\"run-k6\"} 12.5\n"));
  EXPECT_EQ(page.find("perfgate_"), std::string::npos) << page;
  output->finish();
}

TEST(PrometheusOutput, UnknownOptionIsAStartUpError) {
  auto output = make_live_output("prometheus", "127.0.0.1:0?schema=statsd", RunInfo{"r", ""});
  ASSERT_FALSE(output);
  EXPECT_THAT(output.error().describe(), HasSubstr("schema=k6"));
}

TEST(PrometheusOutput, PortInUseIsAStartUpError) {
  auto first = PrometheusOutput::create("127.0.0.1:0", RunInfo{"r", ""});
  ASSERT_TRUE(first) << first.error().describe();
  auto second = make_live_output(
      "prometheus", fmt::format("127.0.0.1:{}", (*first)->address().port()), RunInfo{"r", ""});
  ASSERT_FALSE(second);
  EXPECT_THAT(second.error().describe(), HasSubstr("cannot listen"));
  EXPECT_THAT(second.error().describe(), HasSubstr("in use"));
}

TEST(PrometheusOutput, AStuckClientDoesNotBlockFinish) {
  auto output = PrometheusOutput::create("127.0.0.1:0", RunInfo{"r", ""});
  ASSERT_TRUE(output);
  // Connect and send nothing: the server waits for a request head that never comes.
  auto fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(::connect(fd, (*output)->address().sockaddr_ptr(), (*output)->address().length), 0);
  usleep(100'000);
  const auto start = std::chrono::steady_clock::now();
  (*output)->finish();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1000));
  ::close(fd);
}

}  // namespace
}  // namespace perfgate::outputs
