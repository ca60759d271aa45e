// The last word on a run (src/cli/run_verdict.h, issue 14): a run where every request failed says
// so loudly and exits 5 unless thresholds already failed it (99); a 1-iteration plan gets no false
// "generator saturated" warning.
#include <gtest/gtest.h>

#include <string>

#include "plan_test_support.h"

namespace perfgate::test_support {
namespace {

std::string refused_url() { return "http://127.0.0.1:" + std::to_string(unused_port()); }

TEST(RunVerdict, EveryRequestRefusedIsLoudAndExitsFive) {
  PlanRun run = run_plan_text("refused",
                              "options:\n"
                              "  baseUrl: ${BASE_URL}\n"
                              "  scenarios:\n"
                              "    s: {executor: shared-iterations, vus: 2, iterations: 20}\n"
                              "flows:\n"
                              "  default:\n"
                              "    - {url: /}\n",
                              refused_url());
  EXPECT_EQ(run.exit_code, 5) << run.out << run.err;
  EXPECT_NE(run.out.find("NO REQUEST SUCCEEDED: all 20 requests failed (connect_refused: 20)"),
            std::string::npos)
      << run.out;
}

TEST(RunVerdict, FailedThresholdsKeepTheirCode) {
  PlanRun run = run_plan_text("refused_threshold",
                              "options:\n"
                              "  baseUrl: ${BASE_URL}\n"
                              "  thresholds:\n"
                              "    http_req_failed: ['rate<0.01']\n"
                              "  scenarios:\n"
                              "    s: {executor: shared-iterations, vus: 1, iterations: 5}\n"
                              "flows:\n"
                              "  default:\n"
                              "    - {url: /}\n",
                              refused_url());
  EXPECT_EQ(run.exit_code, 99) << run.out << run.err;
  EXPECT_NE(run.out.find("NO REQUEST SUCCEEDED"), std::string::npos) << run.out;
}

TEST(RunVerdict, OneLinerAgainstNothingExitsFive) {
  RunOutcome r =
      run_perfgate({"run", refused_url() + "/", "-n", "10", "-c", "1"}, std::chrono::seconds(20));
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  EXPECT_NE(r.out.find("NO REQUEST SUCCEEDED"), std::string::npos) << r.out;
}

TEST(RunVerdict, OneIterationPlanIsNotASaturatedGenerator) {
  ServeProcess server;
  ASSERT_FALSE(server.url().empty());
  PlanRun run = run_plan_text("one_iteration",
                              "options:\n"
                              "  baseUrl: ${BASE_URL}\n"
                              "  scenarios:\n"
                              "    s: {executor: per-vu-iterations, vus: 1, iterations: 1}\n"
                              "flows:\n"
                              "  default:\n"
                              "    - {url: /}\n",
                              server.url());
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.out.find("saturated"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("NO REQUEST"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace perfgate::test_support
