// Distributed runs, timing-bound: per-second iteration starts of 4 parts add up to one
// process's (labelled `timing`: sanitizer builds, several times slower, leave it out).
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "child_process.h"
#include "plan_test_support.h"

namespace perfgate::test_support {
namespace {

std::string utc_in(double seconds) {
  const auto at = std::chrono::system_clock::now() +
                  std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

class DistributedTimingTest : public ::testing::Test {
 protected:
  ServeProcess server_{2};
  std::string dir_ = temp_path("distributed_timing");

  void SetUp() override {
    ASSERT_FALSE(server_.url().empty());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
};

// End to end, the parts start the ramp's iterations in the same seconds as one process does
// (exact instants are checked on the schedule in plan_test; here timers may shift a start
// across a second's edge by a millisecond, so each second may differ by a few).
TEST_F(DistributedTimingTest, PartsStartTheRampsIterationsInTheSameSecondsAsOneProcess) {
  const std::string ramp_plan = dir_ + "/ramp.yaml";
  std::ofstream(ramp_plan) << "options:\n  baseUrl: ${BASE_URL}\n  scenarios:\n    ramp:\n"
                              "      executor: ramping-arrival-rate\n      startRate: 60\n"
                              "      preAllocatedVUs: 20\n      maxVUs: 60\n"
                              "      stages: [{duration: 3s, target: 240}]\n"
                              "flows:\n  default:\n    - {name: ramp, url: /}\n";
  PlanRun whole = run_plan_file(ramp_plan, server_.url(), {"--threads", "2"});
  ASSERT_EQ(whole.exit_code, 0) << whole.out << whole.err;
  const auto& expected = whole.summary["perfgate"]["plan"]["iterations_started_per_second"];
  ASSERT_EQ(expected.size(), 3u);
  const std::string start = utc_in(2.0);
  std::vector<std::unique_ptr<ChildProcess>> children;
  std::vector<std::string> summaries;
  for (int i = 0; i < 4; ++i) {
    summaries.push_back(dir_ + "/ramp-part-" + std::to_string(i) + ".json");
    children.push_back(std::make_unique<ChildProcess>(std::vector<std::string>{
        "run", ramp_plan, "--threads", "2", "--execution-segment",
        std::to_string(i) + "/4:" + std::to_string(i + 1) + "/4", "--execution-segment-sequence",
        "0,1/4,2/4,3/4,1", "--start-at", start, "--summary-json", summaries.back()}));
  }
  std::vector<int64_t> sum(expected.size(), 0);
  int64_t total = 0;
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(children[i]->wait(std::chrono::seconds(30)), 0) << children[i]->err();
    std::ifstream in(summaries[i]);
    const auto j = nlohmann::json::parse(in, nullptr, false);
    const auto& starts = j["perfgate"]["plan"]["iterations_started_per_second"];
    for (size_t k = 0; k < starts.size() && k < sum.size(); ++k) sum[k] += starts[k].get<int64_t>();
    total += j["metrics"]["iterations"]["count"].get<int64_t>();
  }
  EXPECT_EQ(total, whole.summary["metrics"]["iterations"]["count"].get<int64_t>());
  for (size_t k = 0; k < sum.size(); ++k) {
    EXPECT_NEAR(static_cast<double>(sum[k]), expected[k].get<double>(), 3.0) << "second " << k;
  }
}

}  // namespace
}  // namespace perfgate::test_support
