// InfluxDB output against a real influxd (started here on 127.0.0.1), plus the failure modes:
// a dead server (closed port) and a stalled one (accepts, never answers) must not slow
// on_second(), and what cannot be delivered is counted.
#include "outputs/influxdb_output.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "outputs/live_output.h"
#include "test_servers.h"

namespace perfgate::outputs {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;
constexpr const char* kDb = "perfgate_test";

double elapsed_ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

// Adds second `s` (1, 2, 3...) to `totals`: 100*s requests, s of them reset, the rest 200.
results::TimeSeriesPoint add_second(results::MetricSet& totals, int64_t s) {
  totals.http_reqs += 100 * s;
  totals.failed_requests += s;
  totals.iterations += 100 * s;
  totals.errors[static_cast<size_t>(results::ErrorClass::kReset)] += s;
  totals.statuses[0] += s;
  totals.statuses[200] += 100 * s - s;
  totals.data_sent += 1000 * s;
  totals.data_received += 5000 * s;
  results::TimeSeriesPoint point;
  point.t_seconds = static_cast<double>(s);
  point.requests = 100 * s;
  point.errors = s;
  point.active_vus = 10;
  point.p50_us = 1000 * s;
  point.p90_us = 2000 * s;
  point.p95_us = 3000 * s;
  point.p99_us = 4000 * s;
  point.max_us = 9000 * s;
  return point;
}

// The first row of a single-series InfluxQL result: {"sum": 600, ...} by column name.
nlohmann::json first_row(const std::string& reply) {
  const auto doc = nlohmann::json::parse(reply, nullptr, false);
  if (doc.is_discarded()) {
    ADD_FAILURE() << "not JSON: " << reply;
    return {};
  }
  const auto& result = doc["results"][0];
  if (!result.contains("series")) {
    ADD_FAILURE() << "no series in " << reply;
    return {};
  }
  const auto& series = result["series"][0];
  nlohmann::json row;
  for (size_t i = 0; i < series["columns"].size(); ++i) {
    row[series["columns"][i].get<std::string>()] = series["values"][0][i];
  }
  return row;
}

TEST(InfluxDbOutput, PointsArriveInARealInfluxDbWithTheRightValues) {
  std::string error;
  auto server = testing::InfluxServer::start(error);
  ASSERT_TRUE(server) << error;
  const RunInfo run{"run 1,a=b", "smoke"};  // characters that need escaping in tags
  const std::string url = fmt::format("http://127.0.0.1:{}/write?db={}", server->port(), kDb);
  auto output = make_live_output("influxdb", url, run);  // creates the database
  ASSERT_TRUE(output) << output.error().describe();
  results::MetricSet totals;
  for (int64_t s = 1; s <= 3; ++s) {
    (*output)->on_gauges({{"sut_cpu_percent", 12.5 * static_cast<double>(s)}});
    (*output)->on_second(add_second(totals, s), totals);
  }
  (*output)->finish();
  EXPECT_EQ((*output)->summary_note(), "influxdb: 3 batches sent, 0 dropped");

  const std::string where = "WHERE testid='run 1,a=b' AND scenario='smoke'";
  auto main = first_row(
      server->query(kDb,
                    "SELECT sum(http_reqs) AS reqs, sum(http_req_failed) AS failed, "
                    "sum(data_sent) AS sent, sum(data_received) AS received, count(vus) AS n, "
                    "max(http_req_duration_p50) AS p50, max(http_req_duration_p99) AS p99 "
                    "FROM perfgate " +
                        where));
  ASSERT_FALSE(main.is_null()) << "no perfgate points";
  EXPECT_EQ(main["reqs"], 600);
  EXPECT_EQ(main["failed"], 6);
  EXPECT_EQ(main["sent"], 6000);
  EXPECT_EQ(main["received"], 30000);
  EXPECT_EQ(main["n"], 3);
  EXPECT_DOUBLE_EQ(main["p50"].get<double>(), 3.0);   // ms
  EXPECT_DOUBLE_EQ(main["p99"].get<double>(), 12.0);  // ms
  auto resets = first_row(server->query(kDb, "SELECT sum(\"count\") AS n FROM perfgate_errors " +
                                                 where + " AND error_class='reset'"));
  ASSERT_FALSE(resets.is_null()) << "no perfgate_errors points";
  EXPECT_EQ(resets["n"], 6);
  auto ok = first_row(server->query(
      kDb, "SELECT sum(\"count\") AS n FROM perfgate_responses " + where + " AND status='200'"));
  ASSERT_FALSE(ok.is_null()) << "no perfgate_responses points";
  EXPECT_EQ(ok["n"], 594);
  auto cpu = first_row(
      server->query(kDb, "SELECT max(sut_cpu_percent) AS cpu FROM perfgate_monitor " + where));
  ASSERT_FALSE(cpu.is_null()) << "no perfgate_monitor points";
  EXPECT_DOUBLE_EQ(cpu["cpu"].get<double>(), 37.5);
}

// InfluxDB over https with a certificate of the test's own CA: verified against that CA, the
// points arrive; the system CA store does not trust it (a start-up error, nothing sent);
// K6_INFLUXDB_INSECURE's option accepts it.
TEST(InfluxDbOutput, HttpsVerifiesTheCertificateAndDeliversPoints) {
  test_support::TlsCertificates certs;
  ASSERT_TRUE(certs.ok()) << certs.error();
  const test_support::CertFiles cert = certs.valid();
  std::string error;
  auto server = testing::InfluxServer::start(error, &cert);
  ASSERT_TRUE(server) << error;
  const std::string url = fmt::format("{}/write?db={}", server->base_url(), kDb);
  ASSERT_EQ(url.rfind("https://", 0), 0u);

  auto untrusted = InfluxDbOutput::create(url, RunInfo{"tls", ""});
  ASSERT_FALSE(untrusted);
  EXPECT_THAT(untrusted.error().describe(), HasSubstr("certificate"));

  InfluxDbOptions options;
  options.http.ca_file = certs.ca_path();
  auto output = InfluxDbOutput::create(url, RunInfo{"tls", ""}, options);
  ASSERT_TRUE(output) << output.error().describe();
  results::MetricSet totals;
  for (int64_t s = 1; s <= 3; ++s) (*output)->on_second(add_second(totals, s), totals);
  (*output)->finish();
  EXPECT_EQ((*output)->summary_note(), "influxdb: 3 batches sent, 0 dropped");
  auto main = first_row(
      server->query(kDb, "SELECT sum(http_reqs) AS reqs FROM perfgate WHERE testid='tls'"));
  ASSERT_FALSE(main.is_null());
  EXPECT_EQ(main["reqs"], 600);

  InfluxDbOptions insecure;
  insecure.http.insecure_skip_tls_verify = true;
  EXPECT_TRUE(InfluxDbOutput::create(url, RunInfo{"tls", ""}, insecure));
}

// One client keeps its connection (and TLS session) from one request to the next.
TEST(InfluxDbOutput, HttpClientKeepsTheConnectionAlive) {
  test_support::TlsCertificates certs;
  ASSERT_TRUE(certs.ok()) << certs.error();
  const test_support::CertFiles cert = certs.valid();
  std::string error;
  auto server = testing::InfluxServer::start(error, &cert);
  ASSERT_TRUE(server) << error;
  HttpClientOptions options;
  options.ca_file = certs.ca_path();
  HttpClient client(options);
  for (int i = 0; i < 5; ++i) {
    HttpCall call;
    call.url = server->base_url() + "/ping";
    auto reply = client.exchange(call);
    ASSERT_TRUE(reply) << reply.error().describe();
    EXPECT_EQ(reply->status, 204);
  }
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST(InfluxDbOutput, InvalidWriteUrlsAreRefusedBeforeAnyTraffic) {
  auto no_db = make_live_output("influxdb", "http://127.0.0.1:8086/write", RunInfo{"t", ""});
  ASSERT_FALSE(no_db);
  EXPECT_THAT(no_db.error().describe(), HasSubstr("write?db=NAME"));
  EXPECT_FALSE(make_live_output("influxdb", "127.0.0.1:8086", RunInfo{"t", ""}));
}

TEST(InfluxDbOutput, DeadServerIsReportedAtStartUp) {
  const uint16_t port = testing::free_port();  // nothing listens there
  const auto start = Clock::now();
  auto output = make_live_output("influxdb", fmt::format("http://127.0.0.1:{}/write?db=x", port),
                                 RunInfo{"t", ""});
  EXPECT_LT(elapsed_ms(start), 2500);
  ASSERT_FALSE(output);
  EXPECT_THAT(output.error().describe(), HasSubstr("refused"));
  EXPECT_THAT(output.error().describe(), HasSubstr("is InfluxDB running"));
}

TEST(InfluxDbOutput, StalledServerIsReportedAtStartUpWithinTheTimeout) {
  testing::StalledServer stalled;
  InfluxDbOptions options;
  options.request_timeout = 500 * kNanosPerMilli;
  const auto start = Clock::now();
  auto output = InfluxDbOutput::create(
      fmt::format("http://127.0.0.1:{}/write?db=x", stalled.port()), RunInfo{"t", ""}, options);
  EXPECT_LT(elapsed_ms(start), 1500);
  ASSERT_FALSE(output);
  EXPECT_THAT(output.error().describe(), HasSubstr("timed out"));
}

// Pushes `seconds` seconds and returns the slowest on_second() call in milliseconds.
double push_seconds(LiveOutput& output, int seconds) {
  results::MetricSet totals;
  double slowest = 0;
  for (int s = 1; s <= seconds; ++s) {
    const results::TimeSeriesPoint point = add_second(totals, s);
    const auto start = Clock::now();
    output.on_second(point, totals);
    slowest = std::max(slowest, elapsed_ms(start));
  }
  return slowest;
}

TEST(InfluxDbOutput, DeadServerNeverSlowsOnSecondAndFailuresAreCounted) {
  InfluxDbOptions options;
  options.create_database = false;  // skip the start-up check: test the running behaviour
  options.max_pending_batches = 4;
  auto output =
      InfluxDbOutput::create(fmt::format("http://127.0.0.1:{}/write?db=x", testing::free_port()),
                             RunInfo{"t", ""}, options);
  ASSERT_TRUE(output) << output.error().describe();
  EXPECT_LT(push_seconds(**output, 50), 100.0);  // far below the 2 s POST timeout
  const auto start = Clock::now();
  (*output)->finish();
  EXPECT_LT(elapsed_ms(start), 2500);
  EXPECT_EQ((*output)->sent_batches(), 0);
  EXPECT_GT((*output)->failed_batches(), 0);
  EXPECT_EQ((*output)->failed_batches() + (*output)->dropped_batches(), 50);
  EXPECT_THAT((*output)->summary_note(), HasSubstr("failed (last: connect: Connection refused)"));
}

TEST(InfluxDbOutput, StalledServerNeverSlowsOnSecondAndFullQueueDropsAreCounted) {
  testing::StalledServer stalled;
  InfluxDbOptions options;
  options.create_database = false;
  options.max_pending_batches = 4;
  options.request_timeout = 30 * kNanosPerSecond;  // the POST would hang far past the test
  options.finish_wait = 1 * kNanosPerSecond;
  auto output = InfluxDbOutput::create(
      fmt::format("http://127.0.0.1:{}/write?db=x", stalled.port()), RunInfo{"t", ""}, options);
  ASSERT_TRUE(output) << output.error().describe();
  EXPECT_LT(push_seconds(**output, 20), 100.0);  // the stuck POST has a 30 s timeout
  // One batch is stuck in the POST, at most four wait in the queue: the rest were dropped.
  EXPECT_GE((*output)->dropped_batches(), 15);
  const auto start = Clock::now();
  (*output)->finish();
  EXPECT_LT(elapsed_ms(start), 2000);  // finish_wait, then the stuck POST is cancelled
  EXPECT_EQ((*output)->sent_batches(), 0);
  EXPECT_EQ((*output)->failed_batches() + (*output)->dropped_batches(), 20);
  EXPECT_GE(stalled.accepted(), 1);
  EXPECT_THAT((*output)->summary_note(), HasSubstr("dropped"));
}

}  // namespace
}  // namespace perfgate::outputs
