// N processes with execution segments 1/N .. N/N against one `perfgate serve` do what one process
// does (the same iterations per scenario, VU for VU and arrival for arrival), and `perfgate
// merge` of their results files is exact: the merged histogram is the sum of the parts', the
// counts add up, and thresholds are evaluated again on the merged data.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "child_process.h"
#include "plan_test_support.h"
#include "report/results_json.h"
#include "results/metric_set.h"
#include "stats/hdr_encoding.h"

namespace perfgate::test_support {
namespace {

// One request per iteration, a request name per scenario, so per-name counts are iterations.
// `iterations: count>=300` holds only for the whole test (101 + 21 + the ramp's 199): each part
// fails it (exit 99), the merge passes it; so does the custom counter `shared_done: count>=101`.
constexpr const char* kPlan = R"(metrics: {shared_done: counter}
options:
  baseUrl: ${BASE_URL}
  thresholds:
    iterations: ["count>=300"]
    shared_done: ["count>=101"]
    http_req_duration: ["p(99)<5000"]
    "http_req_duration{name:ramp}": ["p(95)<5000"]
    http_req_failed: ["rate<0.01"]
  scenarios:
    shared:
      executor: shared-iterations
      vus: 5
      iterations: 101
      exec: shared
    pervu:
      executor: per-vu-iterations
      vus: 7
      iterations: 3
      exec: pervu
    ramp:
      executor: ramping-arrival-rate
      startRate: 50
      timeUnit: 1s
      preAllocatedVUs: 20
      maxVUs: 60
      stages: [{duration: 2s, target: 150}]
      exec: ramp
flows:
  shared:
    - {name: shared, url: /, record: {shared_done: 1}}
  pervu:
    - {name: pervu, url: /}
  ramp:
    - {name: ramp, url: /}
)";

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

int64_t name_requests(const report::ResultsDocument& doc, const std::string& name) {
  for (const auto& n : doc.names) {
    if (n.name == name) return n.requests;
  }
  return 0;
}

// Counts of the sections `perfgate merge` combines: requests per name in name_series,
// iterations started, samples of the sub-metrics and of group_duration (plan_run).
struct PlanRunSums {
  std::map<std::string, int64_t> name_series;
  int64_t starts = 0, sub_samples = 0, group_samples = 0;

  void add(const report::ResultsDocument& doc) {
    for (const auto& n : doc.run.name_series.names) {
      for (const auto& p : n.points) name_series[n.name] += p.requests;
    }
    for (int64_t s : doc.plan_run->iterations_started_per_second) starts += s;
    for (const auto& s : doc.plan_run->sub_metrics) sub_samples += s.samples;
    group_samples += doc.plan_run->group_duration.count();
  }
};

class DistributedRunTest : public ::testing::Test {
 protected:
  ServeProcess server_{2};
  std::string dir_ = temp_path("distributed");
  std::string plan_ = dir_ + "/plan.yaml";

  void SetUp() override {
    ASSERT_FALSE(server_.url().empty());
    std::filesystem::create_directories(dir_);
    std::ofstream(plan_) << kPlan;
    ::setenv("BASE_URL", server_.url().c_str(), 1);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs N parts at one common start; returns their results files.
  std::vector<std::string> run_parts(int n) {
    std::string sequence = "0";
    for (int k = 1; k <= n; ++k) sequence += "," + std::to_string(k) + "/" + std::to_string(n);
    const std::string start = utc_in(2.0);  // whole seconds: at least one second away
    std::vector<std::unique_ptr<ChildProcess>> children;
    std::vector<std::string> files;
    for (int i = 0; i < n; ++i) {
      files.push_back(dir_ + "/part-" + std::to_string(n) + "-" + std::to_string(i) + ".json");
      const std::string segment = std::to_string(i) + "/" + std::to_string(n) + ":" +
                                  std::to_string(i + 1) + "/" + std::to_string(n);
      children.push_back(std::make_unique<ChildProcess>(std::vector<std::string>{
          "run", plan_, "--threads", "2", "--execution-segment", segment,
          "--execution-segment-sequence", sequence, "--start-at", start, "--instance",
          "part-" + std::to_string(i), "--out", "json=" + files.back()}));
    }
    for (auto& child : children) {
      // Each part alone fails `iterations: count>=300`: 99 is the expected exit.
      EXPECT_EQ(child->wait(std::chrono::seconds(30)), 99) << child->out() << child->err();
    }
    return files;
  }
};

TEST_F(DistributedRunTest, SegmentsTogetherRunExactlyWhatOneProcessRunsAndMergeExactly) {
  const std::string single_file = dir_ + "/single.json";
  RunOutcome single =
      run_perfgate({"run", plan_, "--threads", "2", "--out", "json=" + single_file});
  ASSERT_EQ(single.exit_code, 0) << single.out << single.err;
  auto whole = report::read_results_file(single_file);
  ASSERT_TRUE(whole) << whole.error().describe();
  ASSERT_EQ(name_requests(*whole, "shared"), 101);
  ASSERT_EQ(name_requests(*whole, "pervu"), 21);
  // 50 -> 150/s over 2 s is 200 instants, the last at the stage's end (not started).
  const int64_t whole_ramp = name_requests(*whole, "ramp");
  ASSERT_EQ(whole_ramp, 199);
  const int64_t total = 101 + 21 + whole_ramp;

  for (int n : {2, 3, 4}) {
    SCOPED_TRACE("N = " + std::to_string(n));
    const std::vector<std::string> files = run_parts(n);
    HdrHistogram sum = HdrHistogram::for_latency_micros();
    int64_t shared = 0, pervu = 0, ramp = 0, dropped = 0, series_requests = 0;
    PlanRunSums part_sums;
    for (const std::string& f : files) {
      auto part = report::read_results_file(f);
      ASSERT_TRUE(part) << part.error().describe();
      ASSERT_TRUE(part->plan_run);
      part_sums.add(*part);
      shared += name_requests(*part, "shared");
      pervu += name_requests(*part, "pervu");
      ramp += name_requests(*part, "ramp");
      dropped += part->run.totals.dropped_iterations;
      sum.add(part->run.totals.trend(results::Trend::kDuration));
      EXPECT_FALSE(part->environment.segment.empty());
    }
    EXPECT_EQ(shared, 101);
    EXPECT_EQ(pervu, 21);
    EXPECT_EQ(ramp, whole_ramp);
    EXPECT_EQ(dropped, 0);

    const std::string all = dir_ + "/all-" + std::to_string(n) + ".json";
    std::vector<std::string> merge_args = {"merge", "-o", all};
    merge_args.insert(merge_args.end(), files.begin(), files.end());
    RunOutcome merged_run = run_perfgate(merge_args);
    ASSERT_EQ(merged_run.exit_code, 0) << merged_run.out << merged_run.err;
    auto merged = report::read_results_file(all);
    ASSERT_TRUE(merged) << merged.error().describe();
    // The merged histogram is the histogram of all samples: the same encoding, bit for bit.
    const HdrHistogram& m = merged->run.totals.trend(results::Trend::kDuration);
    EXPECT_EQ(encode_compressed_base64(m), encode_compressed_base64(sum));
    EXPECT_EQ(m.count(), total);
    EXPECT_EQ(merged->run.totals.iterations, total);
    EXPECT_EQ(name_requests(*merged, "ramp"), whole_ramp);
    // Each part counts its own VUs; together they are the plan's 5 + 7 + 60.
    EXPECT_EQ(merged->run.meta.max_vus, 72);
    for (const auto& p : merged->run.series) series_requests += p.requests;
    EXPECT_EQ(series_requests, total);
    // Thresholds on the merge: every one passes, p(99) observed on the summed histogram.
    ASSERT_EQ(merged->thresholds.size(), 5u);
    for (const auto& t : merged->thresholds) {
      EXPECT_TRUE(t.passed) << t.metric << " " << t.expression;
      if (t.metric == "http_req_duration") {
        EXPECT_DOUBLE_EQ(t.observed, static_cast<double>(sum.value_at_percentile(99)) / 1000.0);
      }
      if (t.metric == "iterations") {
        EXPECT_EQ(t.observed, static_cast<double>(total));
      }
      if (t.metric == "shared_done") EXPECT_EQ(t.observed, 101);  // the summed custom counter
    }
    EXPECT_EQ(merged->parts.size(), static_cast<size_t>(n));
    // name_series, scenario_vus and plan_run: the merge's counts are the sum of the parts'.
    ASSERT_TRUE(merged->plan_run);
    PlanRunSums merged_sums;
    merged_sums.add(*merged);
    EXPECT_EQ(merged_sums.name_series, part_sums.name_series);
    EXPECT_EQ(merged_sums.name_series["ramp"], whole_ramp);
    EXPECT_EQ(merged_sums.starts, part_sums.starts);
    EXPECT_EQ(merged_sums.starts, total);
    EXPECT_EQ(merged_sums.sub_samples, part_sums.sub_samples);
    EXPECT_EQ(merged_sums.group_samples, part_sums.group_samples);
    EXPECT_EQ(merged->run.scenarios.size(), 3u);
    for (const auto& p : merged->run.series) {
      ASSERT_EQ(p.scenario_vus.size(), 3u) << "at " << p.t_seconds;
      EXPECT_EQ(p.scenario_vus[0] + p.scenario_vus[1] + p.scenario_vus[2], p.active_vus);
    }

    if (n == 4) {
      // Half of the parts: thresholds fail on the merged data (99) and the gap is reported.
      RunOutcome partial = run_perfgate({"merge", "--expect", "4", "-o", dir_ + "/half.json",
                                         files[0], files[2], dir_ + "/no-such-part.json"});
      EXPECT_EQ(partial.exit_code, 99) << partial.out << partial.err;
      EXPECT_NE(partial.err.find("part " + dir_ + "/no-such-part.json is missing"),
                std::string::npos)
          << partial.err;
      EXPECT_NE(partial.err.find("segment 1/4:1/2 is missing"), std::string::npos) << partial.err;
      // compare, report, gate and history read the merged file like any run's.
      RunOutcome compare = run_perfgate({"compare", single_file, all});
      EXPECT_NE(compare.exit_code, 2) << compare.out << compare.err;
      RunOutcome report = run_perfgate({"report", all, "-o", dir_ + "/all.html", "-o",
                                        dir_ + "/all.md", "-o", dir_ + "/all.hlog"});
      EXPECT_EQ(report.exit_code, 0) << report.out << report.err;
      // The HTML report draws the per-name and per-scenario charts from the embedded results.
      std::ifstream html_file(dir_ + "/all.html");
      const std::string html((std::istreambuf_iterator<char>(html_file)),
                             std::istreambuf_iterator<char>());
      EXPECT_NE(html.find("\"name_series\":{"), std::string::npos);
      EXPECT_NE(html.find("\"scenario_vus\":["), std::string::npos);
      EXPECT_NE(html.find("\"plan_run\":{"), std::string::npos);
      std::ofstream(dir_ + "/gates.yaml")
          << "gates:\n  requests:\n    condition: http_reqs count >= 300\n    level: blocking\n"
             "  errors:\n    condition: http_req_failed value < 1%\n    level: blocking\n";
      RunOutcome gate = run_perfgate({"gate", dir_ + "/gates.yaml", all});
      EXPECT_EQ(gate.exit_code, 0) << gate.out << gate.err;
      RunOutcome history =
          run_perfgate({"history", "add", all, "--db", dir_ + "/history.db", "--commit", "abc"});
      EXPECT_EQ(history.exit_code, 0) << history.out << history.err;
    }
  }
}

TEST_F(DistributedRunTest, StartAtWaitsForTheCommonStartAndRejectsBadTimes) {
  const auto before = std::chrono::steady_clock::now();
  RunOutcome r =
      run_perfgate({"run", plan_, "--execution-segment", "3/4:1", "--start-at", "1500ms"});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - before).count();
  EXPECT_EQ(r.exit_code, 99) << r.out << r.err;  // a quarter alone fails count>=300
  EXPECT_GE(seconds, 1.5);
  // The part's header counts the part's VUs (a quarter of the plan's 72), not the whole plan's.
  std::smatch vus;
  ASSERT_TRUE(std::regex_search(r.out, vus, std::regex("up to ([0-9]+) VUs"))) << r.out;
  EXPECT_GT(std::stoi(vus[1]), 0);
  EXPECT_LE(std::stoi(vus[1]), 72 / 4 + 3) << r.out;
  EXPECT_EQ(run_perfgate({"run", plan_, "--start-at", "2026-13-03T10:00:00Z"}).exit_code, 2);
  EXPECT_EQ(run_perfgate({"run", plan_, "--execution-segment", "1/2:1/4"}).exit_code, 2);
  EXPECT_EQ(run_perfgate({"run", plan_, "--execution-segment", "1/4:1/2",
                          "--execution-segment-sequence", "0,1/3,2/3,1"})
                .exit_code,
            2);
}

}  // namespace
}  // namespace perfgate::test_support
