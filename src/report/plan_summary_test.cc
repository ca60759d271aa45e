#include "report/plan_summary.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/summary_json.h"

namespace perfgate::report {
namespace {

// A plan run of 10 s: two names, one check on two steps of one group, three thresholds (one
// windowed, one without data under strict thresholds), a sub-metric and a custom counter.
results::ResultsDocument plan_doc() {
  results::ResultsDocument doc;
  doc.run.meta.elapsed = 10 * kNanosPerSecond;
  doc.environment.plan = "shop.yaml";
  results::NamedStats login{"login", 100, 0};
  login.duration.record(2000);
  doc.names.push_back(login);
  doc.names.push_back({"missing", 50, 50, HdrHistogram::for_latency_micros(), 3});
  doc.checks.push_back({"ok", 100, 0, "::auth", "login"});
  doc.checks.push_back({"ok", 0, 50, "::auth", "missing"});
  doc.thresholds.push_back({"http_req_duration", "p(95)<300", true, 2.0, "ms"});
  results::ThresholdOutcome windowed{"http_req_failed", "rate<0.01", false, 0.5, ""};
  windowed.window = "2s";
  windowed.window_end_seconds = 4;
  windowed.windows_failed = 2;
  windowed.windows_evaluated = 5;
  doc.thresholds.push_back(windowed);
  doc.thresholds.push_back({"sut_rss_bytes", "max<1", false, 0, "", false, /*no_data=*/true});
  doc.plan_metrics.push_back({"orders", "counter", "", {{"count", 12}, {"rate", 1.2}}});
  results::PlanRunOutcome run;
  run.name = "shop";
  run.groups = {"", "::auth"};
  results::SubMetricOutcome page{"http_reqs{kind:page}", results::SubMetricOutcome::Kind::kCounter,
                                 40, 0, 40};
  run.sub_metrics.push_back(page);
  run.iterations_started_per_second = {3, 4};
  doc.plan_run = run;
  return doc;
}

TEST(PlanSummary, ConsoleSectionsReadTheModel) {
  const std::string out = format_plan_outcomes(plan_doc());
  EXPECT_NE(out.find("login"), std::string::npos);
  EXPECT_NE(out.find("100.00%"), std::string::npos) << out;  // missing: every request failed
  EXPECT_NE(out.find("checks: 66.67% ✓ 100 ✗ 50"), std::string::npos) << out;
  EXPECT_NE(out.find("::auth › missing"), std::string::npos) << out;
  EXPECT_NE(out.find("extractions that found nothing: 3 (missing 3)"), std::string::npos) << out;
  EXPECT_NE(out.find("observed 0.5 (worst 2s window, ending at 4s; 2 of 5 failed)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("✗ sut_rss_bytes"), std::string::npos) << out;
  EXPECT_NE(out.find("no data (fails: strict thresholds)"), std::string::npos) << out;
}

TEST(PlanSummary, OneNameHasNoTableAndNothingHasNoSections) {
  results::ResultsDocument doc;
  doc.names.push_back({"only", 5, 0});
  EXPECT_EQ(format_plan_outcomes(doc), "");
}

TEST(PlanSummary, SummaryExportHasK6ShapesFromTheModel) {
  const auto j = nlohmann::json::parse(format_plan_summary_json(plan_doc()));
  const auto& m = j["metrics"];
  EXPECT_EQ(m["http_reqs{name:login}"]["count"], 100);
  EXPECT_DOUBLE_EQ(m["http_reqs{name:login}"]["rate"].get<double>(), 10.0);
  EXPECT_EQ(m["http_req_failed{name:missing}"]["passes"], 50);
  EXPECT_EQ(m["extract_failures"]["count"], 3);
  EXPECT_EQ(m["checks"]["passes"], 100);
  EXPECT_EQ(m["http_reqs{kind:page}"]["count"], 40);
  EXPECT_TRUE(m.contains("http_req_duration{expected_response:true}"));
  EXPECT_EQ(m["orders"]["count"], 12.0);
  EXPECT_EQ(m["http_req_failed"]["thresholds"]["rate<0.01"], true);
  EXPECT_EQ(m["http_req_duration"]["thresholds"]["p(95)<300"], false);
  // One k6 check per group path and name: the two steps' "ok" are one entry under ::auth.
  const auto& auth = j["root_group"]["groups"][0];
  EXPECT_EQ(auth["path"], "::auth");
  ASSERT_EQ(auth["checks"].size(), 1u);
  EXPECT_EQ(auth["checks"][0]["fails"], 50);
  EXPECT_EQ(j["perfgate"]["checks"].size(), 2u);
  EXPECT_EQ(j["perfgate"]["plan"]["name"], "shop");
  EXPECT_EQ(j["perfgate"]["plan"]["file"], "shop.yaml");
  EXPECT_FALSE(j["perfgate"]["plan"].contains("abort_reason"));
}

}  // namespace
}  // namespace perfgate::report
