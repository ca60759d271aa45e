// The scalability sweep and the stress search on simulated targets.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/capacity/capacity_json.h"
#include "analysis/capacity/scale_sweep.h"
#include "analysis/capacity/stress_search.h"

namespace perfgate::analysis::capacity {
namespace {

// Closed model: throughput follows the USL with λ=100, σ=0.04, κ=0.001 exactly.
class UslTarget : public TrialRunner {
 public:
  Result<TrialStats> run(const TrialLoad& load) override {
    TrialStats t;
    t.load = load;
    const double n = load.vus;
    t.achieved_rate = 100 * n / (1 + 0.04 * (n - 1) + 0.001 * n * (n - 1));
    t.p95_ms = 1000 * n / t.achieved_rate;
    t.requests = 1000;
    return t;
  }
};

TEST(ScaleSweep, FitsTheUslAndFindsThePeak) {
  UslTarget target;
  auto vus = parse_vus_list("1..64");
  ASSERT_TRUE(vus);
  EXPECT_EQ(*vus, (std::vector<int>{1, 2, 4, 8, 16, 32, 64}));
  auto r = run_scale_sweep(target, *vus, 5, 1);
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_TRUE(r->fit);
  EXPECT_EQ(r->fit->verdict, "usl");
  EXPECT_NEAR(r->fit->usl.sigma.value, 0.04, 1e-6);
  EXPECT_NEAR(r->fit->usl.kappa.value, 0.001, 1e-8);
  EXPECT_NEAR(r->fit->usl.peak_concurrency.value, std::sqrt(0.96 / 0.001), 1e-3);
  ASSERT_GE(r->findings.size(), 2u);
  EXPECT_NE(r->findings[0].find("fall past 31 users"), std::string::npos) << r->findings[0];
  EXPECT_DOUBLE_EQ(r->points.front().efficiency, 1.0);
  const nlohmann::json j = scalability_json(*r);
  EXPECT_NEAR(j["usl"]["sigma"]["value"].get<double>(), 0.04, 1e-6);
  EXPECT_TRUE(j["usl"]["kappa"].contains("low"));
  EXPECT_TRUE(j["usl"].contains("peak_concurrency"));
  EXPECT_TRUE(j["usl"].contains("peak_throughput"));
  EXPECT_TRUE(j["usl"].contains("r2"));
  EXPECT_EQ(j["points"].size(), 7u);
}

TEST(ScaleSweep, ParsesVuLists) {
  EXPECT_EQ(*parse_vus_list("8,1,2,2"), (std::vector<int>{1, 2, 8}));
  EXPECT_EQ(*parse_vus_list("3..20"), (std::vector<int>{3, 6, 12, 20}));
  EXPECT_FALSE(parse_vus_list(""));
  EXPECT_FALSE(parse_vus_list("0,1"));
  EXPECT_FALSE(parse_vus_list("1,x"));
  EXPECT_FALSE(parse_vus_list("9..2"));
}

// Open model: fine up to 200/s; above it a breaker opens (every request fails) and stays open
// until `hold` seconds after the overload ends.
class BreakerTarget : public TrialRunner {
 public:
  explicit BreakerTarget(double hold) : hold_(hold) {}
  Result<TrialStats> run(const TrialLoad& load) override {
    TrialStats t;
    t.load = load;
    t.elapsed_seconds = load.duration_seconds;
    t.achieved_rate = load.rate;
    t.requests = static_cast<int64_t>(load.rate * load.duration_seconds);
    const bool overload = load.rate > 200;
    if (overload) open_ = true;
    t.p95_ms = 5;
    t.failed = overload ? t.requests : 0;
    t.error_rate = overload ? 1.0 : 0.0;
    if (overload) t.errors["http_5xx"] = t.requests;
    for (int s = 1; s <= static_cast<int>(load.duration_seconds); ++s) {
      const bool failing = overload || (open_ && s - 1 < hold_);
      const auto n = static_cast<int64_t>(load.rate);
      t.series.push_back(TrialSecond{static_cast<double>(s), n, failing ? n : 0, 5});
    }
    if (!overload) open_ = false;
    return t;
  }

 private:
  double hold_;
  bool open_ = false;
};

TEST(StressSearch, FindsTheBreakAndMeasuresRecovery) {
  BreakerTarget target(7);
  StressOptions o;
  o.start = 50;
  o.step_factor = 2;
  o.duration_seconds = 5;
  o.recovery_window_seconds = 20;
  auto r = run_stress(target, o);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->broke);
  EXPECT_DOUBLE_EQ(r->breaking_load.rate, 400);  // 50, 100, 200 fine; 400 breaks
  EXPECT_EQ(r->failure_mode, "errors");
  EXPECT_EQ(r->errors_at_break.at("http_5xx"), 2000);
  EXPECT_TRUE(r->recovered);
  EXPECT_DOUBLE_EQ(r->recovery_seconds, 7);
  EXPECT_EQ(r->failed_after_recovery, 0);
  const nlohmann::json j = stress_json(*r);
  EXPECT_DOUBLE_EQ(j["breaking_load"]["rate"].get<double>(), 400);
  EXPECT_EQ(j["failure_mode"], "errors");
  EXPECT_DOUBLE_EQ(j["recovery_seconds"].get<double>(), 7);
  EXPECT_EQ(j["recovered"], true);
}

TEST(StressSearch, ReportsNoRecoveryWithinTheWindow) {
  BreakerTarget target(60);
  StressOptions o;
  o.start = 100;
  o.step_factor = 4;
  o.duration_seconds = 5;
  o.recovery_window_seconds = 10;
  auto r = run_stress(target, o);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->broke);
  EXPECT_FALSE(r->recovered);
  EXPECT_TRUE(stress_json(*r)["recovery_seconds"].is_null());
}

TEST(StressSearch, RecoveryNeedsThreeGoodSecondsInARow) {
  std::vector<TrialSecond> s;
  for (int i = 1; i <= 8; ++i) s.push_back(TrialSecond{double(i), 10, 0, 5});
  s[0].errors = 10;
  s[2].p95_ms = 500;  // one good second (2) is not a recovery
  double at = 0;
  int64_t lost = 0;
  ASSERT_TRUE(find_recovery(s, 10, 0.01, &at, &lost));
  EXPECT_DOUBLE_EQ(at, 3);          // seconds 4, 5, 6 are the first three good ones
  s[2] = TrialSecond{3, 10, 3, 5};  // second 3 failed 30 % by errors: recovered at 2.3 s
  ASSERT_TRUE(find_recovery(s, 10, 0.01, &at, &lost));
  EXPECT_DOUBLE_EQ(at, 2.3);
  s[7].errors = 4;
  ASSERT_TRUE(find_recovery(s, 10, 0.01, &at, &lost));
  EXPECT_EQ(lost, 4);
}

}  // namespace
}  // namespace perfgate::analysis::capacity
