// Prometheus remote write against a real Prometheus (started here on 127.0.0.1 with its
// remote-write receiver): three seconds pushed in k6's names must be queryable with PromQL.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "outputs/live_output.h"
#include "outputs/remote_write_output.h"
#include "test_servers.h"

namespace perfgate::outputs {
namespace {

using nlohmann::json;

// The value of each series of an instant query, keyed by the label `by` ("" for one series).
std::map<std::string, double> values(const std::string& reply, const std::string& by = "") {
  std::map<std::string, double> out;
  const auto doc = json::parse(reply, nullptr, false);
  if (doc.is_discarded() || doc.value("status", "") != "success") {
    ADD_FAILURE() << reply;
    return out;
  }
  for (const auto& r : doc["data"]["result"]) {
    const std::string key = by.empty() ? "" : r["metric"].value(by, "");
    out[key] = std::stod(r["value"][1].get<std::string>());
  }
  return out;
}

TEST(RemoteWrite, K6NamedSeriesArriveInARealPrometheus) {
  std::string error;
  auto prometheus = testing::PrometheusServer::start(error);
  ASSERT_TRUE(prometheus) << error;
  RunInfo run{"rw-test", ""};
  run.tags = {{"team", "checkout"}, {"name", "not-a-request-name"}};
  auto output =
      make_live_output("experimental-prometheus-rw",
                       fmt::format("http://127.0.0.1:{}/api/v1/write", prometheus->port()), run);
  ASSERT_TRUE(output) << output.error().describe();
  results::MetricSet totals;
  auto home = HdrHistogram::for_latency_micros();
  for (int s = 1; s <= 3; ++s) {
    results::MetricSet second;
    for (int i = 1; i <= 100; ++i) second.trend(results::Trend::kDuration).record(1000 * i);
    home.reset();
    for (int i = 1; i <= 100; ++i) home.record(1000 * i);
    second.http_reqs = 100;
    second.failed_requests = 10;
    second.statuses[200] = 90;
    second.statuses[503] = 10;
    second.iterations = 100;
    totals.add(second);
    SecondDetail detail;
    detail.interval = &second;
    detail.names.push_back({"home", "GET", "http://127.0.0.1:1/home", &home});
    detail.checks.push_back({"status is 200", 90, 10});
    (*output)->on_second_detail(detail);
    results::TimeSeriesPoint point;
    point.active_vus = 7;
    (*output)->on_second(point, totals);
  }
  (*output)->finish();
  EXPECT_EQ((*output)->summary_note(), "prometheus remote write: 3 pushes sent, 0 dropped");

  const std::string sel = "{testid=\"rw-test\"}";
  auto reqs = values(prometheus->query("k6_http_reqs_total" + sel), "status");
  EXPECT_EQ(reqs["200"], 270);
  EXPECT_EQ(reqs["503"], 30);
  auto expected = values(prometheus->query("k6_http_reqs_total{expected_response=\"false\"}"));
  EXPECT_EQ(expected[""], 30);
  EXPECT_DOUBLE_EQ(values(prometheus->query("k6_http_req_failed_rate" + sel))[""], 0.1);
  EXPECT_EQ(values(prometheus->query("k6_vus" + sel))[""], 7);
  EXPECT_EQ(values(prometheus->query("k6_iterations_total" + sel))[""], 300);
  // Trends in seconds, over the run so far; per request name with its method.
  auto p99 = values(prometheus->query("k6_http_req_duration_p99" + sel), "name");
  EXPECT_NEAR(p99[""], 0.099, 0.001);
  EXPECT_NEAR(p99["home"], 0.099, 0.001);
  auto by_url = values(prometheus->query("k6_http_req_duration_p99" + sel), "url");
  EXPECT_NEAR(by_url["http://127.0.0.1:1/home"], 0.099, 0.001);  // k6's url tag of the name
  EXPECT_NEAR(values(prometheus->query("k6_http_req_duration_max{method=\"GET\"}"))[""], 0.1,
              0.0001);
  EXPECT_DOUBLE_EQ(values(prometheus->query("k6_checks_rate{check=\"status is 200\"}"))[""], 0.9);
  // The run's own tags (--tag) label every series; a tag named like a series label is left out.
  EXPECT_EQ(values(prometheus->query("k6_vus{team=\"checkout\"}"))[""], 7);
  EXPECT_EQ(values(prometheus->query("count(k6_http_req_duration_p99{team=\"checkout\"})"))[""], 2);
  EXPECT_TRUE(values(prometheus->query("k6_vus{name=\"not-a-request-name\"}")).empty());
}

TEST(RemoteWrite, DeadReceiverIsCountedNotFatal) {
  const uint16_t port = testing::free_port();
  auto output = make_live_output(
      "prometheus-rw", fmt::format("http://127.0.0.1:{}/api/v1/write", port), RunInfo{"t", ""});
  ASSERT_TRUE(output);
  results::MetricSet totals;
  (*output)->on_second({}, totals);
  (*output)->finish();
  EXPECT_NE((*output)->summary_note().find("1 failed (last: "), std::string::npos)
      << (*output)->summary_note();
}

}  // namespace
}  // namespace perfgate::outputs
