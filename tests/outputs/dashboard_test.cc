// The Grafana dashboards in deploy/grafana/ are valid dashboard JSON and every query reads a
// measurement, field or metric that the outputs really write — checked against what the
// formatters produce, so renaming a field without the dashboard fails here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "outputs/exposition.h"
#include "outputs/influxdb_points.h"

namespace perfgate::outputs {
namespace {

// The monitor's gauges the dashboards chart (names from src/monitor/metrics.cc).
const std::vector<Gauge> kMonitorGauges = {
    {"sut_cpu_percent", 1}, {"sut_rss_bytes", 1}, {"sut_threads", 1}, {"sut_open_fds", 1}};

nlohmann::json load(const std::string& name) {
  std::ifstream in(std::string(PERFGATE_SOURCE_DIR) + "/deploy/grafana/" + name);
  EXPECT_TRUE(in) << name;
  return nlohmann::json::parse(in, nullptr, false);
}

// Every metric set non-zero, so each optional point and series is written.
results::MetricSet busy_totals() {
  results::MetricSet m;
  m.trend(results::Trend::kDuration).record(1000);
  m.http_reqs = m.iterations = m.dropped_iterations = m.data_sent = m.data_received = 2;
  m.failed_requests = 1;
  m.errors[0] = 1;
  m.statuses[200] = 1;
  return m;
}

// measurement -> its fields and tags, from the line protocol the output writes.
std::map<std::string, std::set<std::string>> influx_schema() {
  std::string lines;
  append_second_points(lines, RunInfo{"t", "s"}, {}, CounterSnapshot::of(busy_totals()), 1);
  append_gauge_points(lines, RunInfo{"t", "s"}, kMonitorGauges, 1);
  std::map<std::string, std::set<std::string>> schema;
  std::istringstream in(lines);
  std::string line;
  const std::regex key(R"(([,\s])([a-z0-9_]+)=)");
  while (std::getline(in, line)) {
    const std::string measurement = line.substr(0, line.find_first_of(", "));
    for (std::sregex_iterator it(line.begin(), line.end(), key), end; it != end; ++it) {
      schema[measurement].insert((*it)[2]);
    }
  }
  return schema;
}

void check_common_shape(const nlohmann::json& board) {
  ASSERT_FALSE(board.is_discarded());
  EXPECT_TRUE(board["uid"].is_string());
  EXPECT_TRUE(board["title"].is_string());
  EXPECT_GE(board["schemaVersion"].get<int>(), 30);
  EXPECT_EQ(board["templating"]["list"][0]["name"], "testid");
  std::set<int> ids;
  for (const auto& panel : board["panels"]) {
    EXPECT_TRUE(ids.insert(panel["id"].get<int>()).second) << "duplicate panel id";
    EXPECT_EQ(panel["type"], "timeseries");
    for (const char* k : {"h", "w", "x", "y"}) EXPECT_TRUE(panel["gridPos"][k].is_number());
    EXPECT_FALSE(panel["targets"].empty()) << panel["title"];
    for (const auto& target : panel["targets"]) EXPECT_TRUE(target["refId"].is_string());
  }
  EXPECT_GE(ids.size(), 10u);
}

TEST(GrafanaDashboards, InfluxQueriesReadWrittenMeasurementsFieldsAndTags) {
  const nlohmann::json board = load("perfgate-influxdb.json");
  check_common_shape(board);
  const auto schema = influx_schema();
  const std::regex from(R"re(FROM "([a-z_]+)")re");
  const std::regex used(R"re((?:\(|, )"([a-z0-9_]+)")re");  // mean("x"), GROUP BY ..., "tag"
  for (const auto& panel : board["panels"]) {
    for (const auto& target : panel["targets"]) {
      const std::string query = target["query"];
      std::smatch m;
      ASSERT_TRUE(std::regex_search(query, m, from)) << query;
      const std::string measurement = m[1];
      ASSERT_TRUE(schema.contains(measurement)) << query;
      for (std::sregex_iterator it(query.begin(), query.end(), used), end; it != end; ++it) {
        EXPECT_TRUE(schema.at(measurement).contains((*it)[1])) << (*it)[1] << " in " << query;
      }
      EXPECT_THAT(query, testing::HasSubstr("\"testid\" =~ /^$testid$/"));
    }
  }
}

TEST(GrafanaDashboards, PrometheusQueriesReadExposedMetrics) {
  const nlohmann::json board = load("perfgate-prometheus.json");
  check_common_shape(board);
  const std::string page = format_exposition(RunInfo{"t", "s"}, {}, busy_totals(), kMonitorGauges);
  std::set<std::string> exposed;  // sample names on the page
  std::istringstream lines(page);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("#")) exposed.insert(line.substr(0, line.find('{')));
  }
  const std::regex metric(R"(perfgate_[a-z0-9_]+)");
  int checked = 0;
  for (const auto& panel : board["panels"]) {
    for (const auto& target : panel["targets"]) {
      const std::string expr = target["expr"];
      for (std::sregex_iterator it(expr.begin(), expr.end(), metric), end; it != end; ++it) {
        EXPECT_TRUE(exposed.contains(it->str())) << it->str() << " in " << expr;
        ++checked;
      }
      EXPECT_THAT(expr, testing::HasSubstr("testid=~\"$testid\""));
    }
  }
  EXPECT_GE(checked, 15);
}

}  // namespace
}  // namespace perfgate::outputs
