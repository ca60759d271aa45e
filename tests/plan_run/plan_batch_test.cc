// Batch steps (k6's http.batch) end to end against `perfgate serve`: a batch's requests run at
// the same time (an iteration of four 200 ms requests takes about 200 ms, not 800), each is
// counted and checked under its own name, one failing cancels none of the others, and
// options.batch / batchPerHost bound how many are in flight at once.
#include <gtest/gtest.h>

#include <string>

#include "plan_test_support.h"

namespace perfgate::test_support {
namespace {

class PlanBatchTest : public ::testing::Test {
 protected:
  ServeProcess server_{1};
  void SetUp() override { ASSERT_FALSE(server_.url().empty()); }
};

// `iterations` of one VU whose flow is one batch of four /delay/200 requests (d1..d4) and, with
// `failing`, a fifth that answers 500; `options` are extra lines under options:.
std::string batch_plan(int iterations, const std::string& options, bool failing,
                       const std::string& http = "auto") {
  std::string plan =
      "options:\n"
      "  baseUrl: ${BASE_URL}\n" +
      options +
      "  scenarios:\n"
      "    s: {executor: per-vu-iterations, vus: 1, iterations: " +
      std::to_string(iterations) + ", http: " + http +
      "}\n"
      "  thresholds:\n"
      "    'http_reqs{name:d1}': ['count>0']\n"
      "    'http_reqs{name:d4}': ['count>0']\n"
      "flows:\n"
      "  default:\n"
      "    - batch:\n";
  for (int i = 1; i <= 4; ++i) {
    plan +=
        "        - {name: d" + std::to_string(i) + ", url: /delay/200, checks: {status: 200}}\n";
  }
  if (failing) plan += "        - {name: bad, url: /status/500, checks: {status: 200}}\n";
  plan += "    - {name: after, url: /}\n";
  return plan;
}

double iteration_ms(const PlanRun& run, const char* field) {
  return run.summary["metrics"]["iteration_duration"][field].get<double>();
}

TEST_F(PlanBatchTest, RequestsRunInParallelEachUnderItsNameWithItsChecks) {
  PlanRun run = run_plan_text("batch_parallel", batch_plan(3, "", true), server_.url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  ASSERT_TRUE(run.summary.is_object()) << run.err;
  const auto& m = run.summary["metrics"];
  // In series an iteration would take 4 x 200 ms; in parallel about 200 ms.
  EXPECT_GE(iteration_ms(run, "min"), 195.0) << run.out;
  EXPECT_LT(iteration_ms(run, "max"), 500.0) << run.out;
  EXPECT_EQ(m["http_reqs"]["count"].get<int64_t>(), 3 * 6);
  EXPECT_EQ(m["http_reqs{name:d1}"]["count"].get<int64_t>(), 3);
  EXPECT_EQ(m["http_reqs{name:d4}"]["count"].get<int64_t>(), 3);
  EXPECT_EQ(m["http_req_failed"]["passes"].get<int64_t>(), 3);  // the three 500s only
  const auto& checks = run.summary["perfgate"]["checks"];
  ASSERT_EQ(checks.size(), 5u) << checks.dump();
  int passes = 0, fails = 0;
  for (const auto& c : checks) {
    if (c["step"] == "bad") {
      EXPECT_EQ(c["fails"], 3);
      fails += c["fails"].get<int>();
    } else {
      EXPECT_EQ(c["passes"], 3) << c.dump();
      passes += c["passes"].get<int>();
    }
  }
  EXPECT_EQ(passes, 12);
  EXPECT_EQ(fails, 3);
}

TEST_F(PlanBatchTest, BatchPerHostAndBatchBoundTheRequestsInFlight) {
  // Two at a time to the one host: two rounds of 200 ms.
  PlanRun per_host =
      run_plan_text("batch_per_host", batch_plan(2, "  batchPerHost: 2\n", false), server_.url());
  ASSERT_EQ(per_host.exit_code, 0) << per_host.out << per_host.err;
  EXPECT_GE(iteration_ms(per_host, "min"), 395.0) << per_host.out;
  EXPECT_LT(iteration_ms(per_host, "max"), 700.0) << per_host.out;
  // One at a time in all: the batch runs in series.
  PlanRun serial = run_plan_text("batch_one", batch_plan(1, "  batch: 1\n", false), server_.url());
  ASSERT_EQ(serial.exit_code, 0) << serial.out << serial.err;
  EXPECT_GE(iteration_ms(serial, "min"), 795.0) << serial.out;
  EXPECT_EQ(serial.summary["metrics"]["http_reqs"]["count"].get<int64_t>(), 5);
}

TEST_F(PlanBatchTest, OverHttp2TheRequestsAreStreamsInParallel) {
  PlanRun run = run_plan_text("batch_h2c", batch_plan(2, "", false, "http2"), server_.url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_GE(iteration_ms(run, "min"), 195.0) << run.out;
  EXPECT_LT(iteration_ms(run, "max"), 500.0) << run.out;
  EXPECT_EQ(run.summary["metrics"]["http_reqs"]["count"].get<int64_t>(), 2 * 5);
  EXPECT_EQ(run.summary["metrics"]["http_req_failed"]["passes"].get<int64_t>(), 0);
}

}  // namespace
}  // namespace perfgate::test_support
