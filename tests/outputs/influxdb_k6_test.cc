// k6's InfluxDB schema against a real influxd (started here on 127.0.0.1): a `perfgate run` of a
// small plan with `--out influxdb=http://HOST:PORT/DB` (k6's URL form), then the queries the
// community k6 dashboards (Grafana 2587 and its kin) run must return the run's numbers.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "child_process.h"
#include "test_servers.h"

namespace perfgate::test_support {
namespace {

using nlohmann::json;

// Every series of an InfluxQL reply as {tags..., column: value} rows.
std::vector<json> rows(const std::string& reply) {
  std::vector<json> out;
  const auto doc = json::parse(reply, nullptr, false);
  if (doc.is_discarded() || !doc["results"][0].contains("series")) {
    ADD_FAILURE() << "no series in " << reply;
    return out;
  }
  for (const auto& series : doc["results"][0]["series"]) {
    for (const auto& values : series["values"]) {
      json row = series.value("tags", json::object());
      for (size_t i = 0; i < series["columns"].size(); ++i) {
        row[series["columns"][i].get<std::string>()] = values[i];
      }
      out.push_back(row);
    }
  }
  return out;
}

double total(const std::vector<json>& rows, const std::string& column) {
  double sum = 0;
  for (const auto& r : rows) sum += r[column].is_number() ? r[column].get<double>() : 0.0;
  return sum;
}

TEST(InfluxDbK6Schema, K6DashboardQueriesReturnTheRunsNumbers) {
  std::string error;
  auto influx = outputs::testing::InfluxServer::start(error);
  ASSERT_TRUE(influx) << error;
  ServeProcess serve(1);
  ASSERT_FALSE(serve.url().empty());
  const std::string plan = (std::filesystem::temp_directory_path() /
                            fmt::format("perfgate_k6_influx_{}.yaml", ::getpid()))
                               .string();
  std::ofstream(plan) << "options:\n"
                         "  baseUrl: "
                      << serve.url()
                      << "\n"
                         "  scenarios:\n"
                         "    s: {executor: constant-arrival-rate, rate: 40, timeUnit: 1s,\n"
                         "        duration: 3s, preAllocatedVUs: 4}\n"
                         "flows:\n"
                         "  default:\n"
                         "    - {name: home, url: /, checks: {status: 200}}\n"
                         "    - {name: missing, url: /status/404}\n";
  const std::string summary = plan + ".summary.json";
  const std::string results = plan + ".results.json";
  // k6's test-wide tags: `--tag testid=...` names the run, every tag is on every point.
  RunOutcome run =
      run_perfgate({"run", plan, "--summary-json", summary, "--out",
                    fmt::format("influxdb=http://127.0.0.1:{}/k6", influx->port()), "--tag",
                    "testid=ci-42", "--tag", "team=checkout", "--out", "json=" + results},
                   std::chrono::seconds(30));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("influxdb: "), std::string::npos) << run.out;
  std::ifstream in(summary);
  const json s = json::parse(in, nullptr, false);
  ASSERT_TRUE(s.is_object());
  const double requests = s["metrics"]["http_reqs"]["count"].get<double>();
  ASSERT_GT(requests, 100);

  // The dashboard's panels: requests per second, latency over time, by status, VUs, checks.
  const std::string recent = "WHERE time > now() - 5m";
  auto by_second = rows(influx->query(
      "k6", "SELECT mean(\"value\") FROM \"http_req_duration\" " + recent + " GROUP BY time(1s)"));
  EXPECT_GE(by_second.size(), 3u);
  auto by_status = rows(influx->query(
      "k6", "SELECT count(\"value\") FROM \"http_reqs\" " + recent + " GROUP BY \"status\""));
  ASSERT_EQ(by_status.size(), 2u);
  const double home = s["metrics"]["http_reqs{name:home}"]["count"].get<double>();
  const double missing = s["metrics"]["http_reqs{name:missing}"]["count"].get<double>();
  for (const auto& r : by_status) {
    EXPECT_TRUE(r["status"] == "200" || r["status"] == "404") << r.dump();
    EXPECT_EQ(r["count"].get<double>(), r["status"] == "200" ? home : missing) << r.dump();
  }
  auto reqs = rows(influx->query("k6", "SELECT sum(\"value\") FROM \"http_reqs\" " + recent));
  EXPECT_EQ(total(reqs, "sum"), requests);
  auto failed = rows(
      influx->query("k6", "SELECT sum(\"value\") FROM \"http_req_failed\" " + recent +
                              " AND \"expected_response\" = 'false' AND \"error_code\" = '1404'"));
  EXPECT_EQ(total(failed, "sum"), missing);
  auto durations = rows(influx->query(
      "k6", "SELECT count(\"value\"), percentile(\"value\", 95) FROM \"http_req_duration\" " +
                recent + " GROUP BY \"name\", \"method\""));
  ASSERT_EQ(durations.size(), 2u);
  EXPECT_EQ(durations[0]["method"], "GET");
  EXPECT_EQ(total(durations, "count"), requests);
  const double p95 = s["metrics"]["http_req_duration{name:home}"]["p(95)"].get<double>();
  for (const auto& r : durations) {
    if (r["name"] != "home") continue;
    EXPECT_NEAR(r["percentile"].get<double>(), p95, p95 * 0.05 + 0.01) << r.dump();
  }
  // One vus point a second (VUs busy at the end of it: often 0 for quick arrival-rate requests).
  auto vus = rows(influx->query("k6", "SELECT count(\"value\") FROM \"vus\" " + recent));
  EXPECT_GE(total(vus, "count"), 3);
  auto checks =
      rows(influx->query("k6", "SELECT mean(\"value\"), count(\"value\") FROM \"checks\" " +
                                   recent + " GROUP BY \"check\""));
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0]["check"], "status in [200]");
  EXPECT_EQ(checks[0]["mean"].get<double>(), 1.0);
  EXPECT_EQ(checks[0]["count"].get<double>(), home);
  for (const char* m : {"http_req_waiting", "http_req_blocked", "iteration_duration", "iterations",
                        "data_sent", "data_received"}) {
    auto r =
        rows(influx->query("k6", fmt::format("SELECT count(\"value\") FROM \"{}\" {}", m, recent)));
    EXPECT_GT(total(r, "count"), 0) << m;
  }
  auto tagged = rows(influx->query("k6", "SHOW TAG KEYS FROM \"http_reqs\""));
  std::vector<std::string> keys;
  for (const auto& r : tagged) keys.push_back(r["tagKey"]);
  for (const char* k : {"testid", "status", "expected_response", "error_code", "team"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k;
  }
  auto of_run =
      rows(influx->query("k6", "SELECT sum(\"value\") FROM \"http_reqs\" " + recent +
                                   " AND \"testid\" = 'ci-42' AND \"team\" = 'checkout'"));
  EXPECT_EQ(total(of_run, "sum"), requests);
  auto vus_of_run = rows(influx->query(
      "k6", "SELECT count(\"value\") FROM \"vus\" " + recent + " AND \"team\" = 'checkout'"));
  EXPECT_GE(total(vus_of_run, "count"), 3);
  // The results file keeps the run's tags (the HTML report and Markdown summary show them).
  std::ifstream results_in(results);
  const json r = json::parse(results_in, nullptr, false);
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["run"]["tags"], json({{"testid", "ci-42"}, {"team", "checkout"}}));
  // k6's url tag: on the per-name durations and the results' per-name rows (the step's URL).
  auto urls = rows(influx->query(
      "k6", "SELECT count(\"value\") FROM \"http_req_duration\" " + recent + " GROUP BY \"url\""));
  std::set<std::string> seen;
  for (const auto& u : urls) seen.insert(u.value("url", ""));
  EXPECT_EQ(seen, (std::set<std::string>{serve.url() + "/", serve.url() + "/status/404"}));
  ASSERT_EQ(r["names"].size(), 2u);
  for (const auto& n : r["names"]) {
    EXPECT_EQ(n["method"], "GET");
    EXPECT_EQ(n["url"], n["name"] == "home" ? serve.url() + "/" : serve.url() + "/status/404");
  }
  std::filesystem::remove(plan);
  std::filesystem::remove(summary);
  std::filesystem::remove(results);
}

}  // namespace
}  // namespace perfgate::test_support
