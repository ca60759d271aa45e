// Acceptance of `perfgate compare` on real runs (issue 14): two runs of the same plan against the
// same `perfgate serve` must not be called a regression, and a 25% slowdown of the service
// (injected with /delay: 100 ms -> 125 ms) must be, 20 times out of 20 each.
//
// 41 two-second runs, interleaved (normal, slow, normal, ...) so that load from elsewhere on the
// machine hits both kinds alike; every try compares against the previous normal run with
// `--fail-on minor` (any regression of 10% or more fails). The figures (largest same-plan p(95)
// change, smallest slowdown) are printed for docs/gates.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "plan_test_support.h"

namespace perfgate::test_support {
namespace {

constexpr int kTries = 20;

std::string plan_with_delay(int delay_ms) {
  return "options:\n"
         "  baseUrl: ${BASE_URL}\n"
         "  scenarios:\n"
         "    s: {executor: constant-vus, vus: 20, duration: 2s}\n"
         "flows:\n"
         "  default:\n"
         "    - {name: api, url: /delay/" +
         std::to_string(delay_ms) + "}\n";
}

struct Verdict {
  int exit_code = -1;
  double p95_change_percent = NAN;
  std::string output;
};

Verdict compare(const std::string& baseline, const std::string& current) {
  RunOutcome r = run_perfgate({"compare", baseline, current, "--fail-on", "minor", "--json", "-"},
                              std::chrono::seconds(30));
  Verdict v{r.exit_code, NAN, r.out + r.err};
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  if (!doc.is_object()) return v;
  for (const auto& m : doc["metrics"]) {
    if (m["metric"] == "http_req_duration p(95)" && m["change_percent"].is_number()) {
      v.p95_change_percent = m["change_percent"].get<double>();
    }
  }
  return v;
}

TEST(CompareAcceptance, SamePlanPassesAndATwentyFivePercentSlowdownIsCaught) {
  ServeProcess server(2);
  ASSERT_FALSE(server.url().empty());
  const std::string normal = temp_path("normal.yaml"), slow = temp_path("slow.yaml");
  std::ofstream(normal) << plan_with_delay(100);
  std::ofstream(slow) << plan_with_delay(125);
  auto run_to = [&](const std::string& plan, const std::string& name) {
    const std::string results = temp_path(name + ".json");
    PlanRun run = run_plan_file(plan, server.url(), {"--out", "json=" + results});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    return results;
  };
  std::vector<std::string> files;
  std::string previous = run_to(normal, "n0");
  files.push_back(previous);
  int same_passed = 0, slow_caught = 0;
  double worst_same = 0, mildest_slow = INFINITY;
  for (int i = 1; i <= kTries; ++i) {
    const std::string slowed = run_to(slow, "s" + std::to_string(i));
    const std::string again = run_to(normal, "n" + std::to_string(i));
    files.push_back(slowed);
    files.push_back(again);
    const Verdict same = compare(previous, again);
    const Verdict caught = compare(previous, slowed);
    same_passed += same.exit_code == 0;
    slow_caught += caught.exit_code == 3;
    EXPECT_EQ(same.exit_code, 0) << "try " << i << ": " << same.output;
    EXPECT_EQ(caught.exit_code, 3) << "try " << i << ": " << caught.output;
    worst_same = std::max(worst_same, std::fabs(same.p95_change_percent));
    mildest_slow = std::min(mildest_slow, caught.p95_change_percent);
    previous = again;
  }
  std::printf(
      "same plan: %d of %d passed (largest p(95) change %.1f%%); 25%% slowdown: %d of %d caught "
      "(smallest p(95) change %+.1f%%)\n",
      same_passed, kTries, worst_same, slow_caught, kTries, mildest_slow);
  for (const auto& f : files) std::filesystem::remove(f);
  std::filesystem::remove(normal);
  std::filesystem::remove(slow);
}

}  // namespace
}  // namespace perfgate::test_support
