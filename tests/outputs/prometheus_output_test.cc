// Prometheus output: the /metrics endpoint scraped over HTTP on 127.0.0.1, the page checked by
// promtool (Debian's prometheus package), histogram buckets cumulative with _count == requests.
#include "outputs/prometheus_output.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>

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
  call.target = path;
  call.host_header = "127.0.0.1";
  call.timeout = 3 * kNanosPerSecond;
  return http_exchange(address, call);
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
