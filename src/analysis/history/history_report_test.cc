#include "analysis/history/history_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace perfgate::analysis::history {
namespace {

Series three_points() {
  Series s;
  s.key = "latency p(95)";
  s.unit = "ms";
  s.points = {{1, "2024-05-01T00:00:00Z", "aaa", "main", 10},
              {2, "2024-05-02T00:00:00Z", "b,\"b\"", "main", 20},
              {3, "2024-05-03T00:00:00Z", "ccc", "main", 15}};
  return s;
}

TEST(Sparkline, ScalesBetweenMinAndMax) {
  const std::vector<double> values = {0, 1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(sparkline(values), "▁▂▃▄▅▆▇█");
  EXPECT_EQ(sparkline(std::vector<double>{5, 5, 5}), "▄▄▄");
  EXPECT_EQ(sparkline(std::vector<double>{}), "");
  EXPECT_EQ(sparkline(values, 3), "▁▅█");  // the newest 3 values, rescaled to themselves
}

TEST(TrendCsv, OneRowPerRunWithQuotedFieldsAndChangeMarks) {
  const Series s = three_points();
  SeriesAnalysis a;
  Change change;
  change.point.index = 1;
  change.point.mean_before = 10;
  change.point.mean_after = 17.5;
  change.run = s.points[1];
  change.regression = true;
  a.changes.push_back(change);
  a.alerts.push_back({2, s.points[2]});
  EXPECT_EQ(trend_csv(s, a),
            "run,recorded_at,commit,branch,value,change_point,change_percent,alert\n"
            "1,2024-05-01T00:00:00Z,aaa,main,10,,,\n"
            "2,2024-05-02T00:00:00Z,\"b,\"\"b\"\"\",main,20,regression,75.0000,\n"
            "3,2024-05-03T00:00:00Z,ccc,main,15,,,1\n");
}

TEST(TrendJson, CarriesPointsChangesAndVerdict) {
  const Series s = three_points();
  SeriesAnalysis a;
  a.newest_regresses = true;
  a.regression_reason = "because";
  auto doc = nlohmann::json::parse(trend_json(s, a));
  EXPECT_EQ(doc["metric"], "latency p(95)");
  EXPECT_EQ(doc["points"].size(), 3u);
  EXPECT_EQ(doc["points"][1]["commit"], "b,\"b\"");
  EXPECT_EQ(doc["points"][2]["value"], 15.0);
  EXPECT_TRUE(doc["change_points"].empty());
  EXPECT_EQ(doc["newest_regresses"], true);
  EXPECT_EQ(doc["regression_reason"], "because");
  EXPECT_EQ(doc["newest_trend_alert"], false);
}

TEST(TrendText, ShowsSparklineRangeAndChangePoints) {
  const Series s = three_points();
  SeriesAnalysis a;
  Change change;
  change.point.index = 1;
  change.point.mean_before = 10;
  change.point.mean_after = 17.5;
  change.point.p_value = 0.0001;
  change.run = s.points[1];
  change.regression = true;
  a.changes.push_back(change);
  const std::string text = trend_text(s, a);
  EXPECT_NE(text.find("▁█▅"), std::string::npos) << text;
  EXPECT_NE(text.find("min 10  max 20  last 15"), std::string::npos) << text;
  EXPECT_NE(text.find("run #2 2024-05-02"), std::string::npos) << text;
  EXPECT_NE(text.find("+75.0%"), std::string::npos) << text;
  EXPECT_NE(text.find("REGRESSION"), std::string::npos) << text;
}

TEST(RunsTable, ListsRunsOrSaysThereAreNone) {
  EXPECT_EQ(runs_table({}), "no runs recorded\n");
  RunInfo r;
  r.id = 7;
  r.recorded_at = "2024-05-01T00:00:00Z";
  r.commit = "0123456789abcdef";
  r.branch = "main";
  r.metric_count = 3;
  r.tags = {{"env", "ci"}};
  const std::string table = runs_table({r});
  EXPECT_NE(table.find("#7"), std::string::npos);
  EXPECT_NE(table.find("0123456789ab "), std::string::npos);  // commits shortened to 12
  EXPECT_NE(table.find("env=ci"), std::string::npos);
}

}  // namespace
}  // namespace perfgate::analysis::history
