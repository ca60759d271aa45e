// Executor semantics through a real run's results: exact iteration counts for the iteration
// executors, rate x duration for constant-arrival-rate, and ramping-arrival-rate following its
// stages second by second.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "plan_test_support.h"

namespace perfgate::test_support {
namespace {

class PlanExecutorTest : public ::testing::Test {
 protected:
  ServeProcess server_{2};
  void SetUp() override { ASSERT_FALSE(server_.url().empty()); }

  PlanRun run(const std::string& name, const std::string& scenario) {
    return run_plan_text(name,
                         "options:\n"
                         "  baseUrl: ${BASE_URL}\n"
                         "  scenarios:\n"
                         "    s: " +
                             scenario +
                             "\n"
                             "flows:\n"
                             "  default:\n"
                             "    - {name: root, url: /, checks: {status: 200}}\n",
                         server_.url(), {"--threads", "2"});
  }
  static int64_t count(const PlanRun& r, const char* metric) {
    return r.summary["metrics"][metric]["count"].get<int64_t>();
  }
};

TEST_F(PlanExecutorTest, PerVuIterationsRunsExactlyVusTimesIterations) {
  PlanRun r = run("per_vu", "{executor: per-vu-iterations, vus: 3, iterations: 7}");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(count(r, "iterations"), 21);
  EXPECT_EQ(count(r, "http_reqs"), 21);
}

TEST_F(PlanExecutorTest, SharedIterationsRunsExactlyN) {
  PlanRun r = run("shared", "{executor: shared-iterations, vus: 5, iterations: 53}");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(count(r, "iterations"), 53);
  EXPECT_EQ(r.summary["metrics"]["checks"]["passes"].get<int64_t>(), 53);
}

TEST_F(PlanExecutorTest, ConstantArrivalRateStartsRateTimesDuration) {
  PlanRun r = run("constant_rate",
                  "{executor: constant-arrival-rate, rate: 300, timeUnit: 1s, duration: 3s, "
                  "preAllocatedVUs: 20, maxVUs: 50}");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const double expected = 300.0 * 3.0;
  EXPECT_NEAR(static_cast<double>(count(r, "iterations")), expected, expected * 0.02);
  EXPECT_EQ(count(r, "dropped_iterations"), 0);
}

TEST_F(PlanExecutorTest, RampingArrivalRateFollowsItsStagesEachSecond) {
  // 200/s rising linearly to 1000/s over 4 s: second k should see 300 + 200k iterations.
  PlanRun r = run("ramping_rate",
                  "{executor: ramping-arrival-rate, startRate: 200, timeUnit: 1s, "
                  "preAllocatedVUs: 20, maxVUs: 100, stages: [{duration: 4s, target: 1000}]}");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // Iterations by the second they actually started in: within 2% of the stage's area.
  const auto& starts = r.summary["perfgate"]["plan"]["iterations_started_per_second"];
  ASSERT_GE(starts.size(), 4u);
  // Requests by the once-a-second collection, which may shift a few ms: within 5%.
  const auto& series = r.summary["perfgate"]["time_series"];
  ASSERT_GE(series.size(), 4u);
  for (size_t k = 0; k < 4; ++k) {
    const double expected = 300.0 + 200.0 * static_cast<double>(k);
    EXPECT_NEAR(starts[k].get<double>(), expected, expected * 0.02) << "second " << k;
    EXPECT_NEAR(series[k]["requests"].get<double>(), expected, expected * 0.05) << "second " << k;
  }
  EXPECT_NEAR(static_cast<double>(count(r, "iterations")), 2400.0, 2400.0 * 0.01);
}

TEST_F(PlanExecutorTest, RampingVusReachesItsTargetAndStartTimeDelays) {
  PlanRun r = run("ramping_vus",
                  "{executor: ramping-vus, startVUs: 0, startTime: 500ms, gracefulRampDown: 0s, "
                  "stages: [{duration: 1s, target: 6}, {duration: 1s, target: 6}]}");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.summary["metrics"]["vus"]["max"].get<int64_t>(), 6);
  EXPECT_GT(count(r, "iterations"), 100);
  // Nothing ran in the first half second.
  EXPECT_GT(r.summary["perfgate"]["time_series"].size(), 2u);
}

}  // namespace
}  // namespace perfgate::test_support
