// End-to-end tests of `perfgate run`: the real binary against `perfgate serve` and against tiny
// misbehaving servers, all on 127.0.0.1, each bounded to a few seconds.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "bad_server.h"
#include "child_process.h"

namespace perfgate::test_support {
namespace {

using nlohmann::json;

std::string summary_path(const std::string& name) {
  return ::testing::TempDir() + "perfgate_run_" + name + "_" + std::to_string(::getpid()) + ".json";
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) return json();
  return json::parse(in, nullptr, false);
}

int64_t sum_of_responses(const json& summary) {
  int64_t sum = 0;
  for (const auto& [status, count] : summary["perfgate"]["responses"].items()) {
    sum += count.get<int64_t>();
  }
  return sum;
}

int64_t error_count(const json& summary, const char* error_class) {
  return summary["perfgate"]["errors"][error_class].get<int64_t>();
}

// Runs perfgate with a summary file; returns the parsed summary (null on failure).
json run_with_summary(const std::string& name, std::vector<std::string> args,
                      int expected_exit = 0) {
  const std::string path = summary_path(name);
  std::filesystem::remove(path);
  args.push_back("--summary-json");
  args.push_back(path);
  const RunOutcome r = run_perfgate(args);
  EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
  json summary = read_json(path);
  std::filesystem::remove(path);
  return summary;
}

TEST(RunIntegration, ClosedModelCountsAreConsistent) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty()) << "perfgate serve did not print its URL";
  const json s = run_with_summary(
      "closed", {"run", serve.url() + "/", "-u", "8", "-d", "2s", "--threads", "2"});
  ASSERT_TRUE(s.is_object());
  const auto& m = s["metrics"];
  const int64_t reqs = m["http_reqs"]["count"];
  EXPECT_GT(reqs, 200);
  EXPECT_EQ(sum_of_responses(s), reqs);
  EXPECT_EQ(s["perfgate"]["responses"]["200"].get<int64_t>(), reqs);
  EXPECT_EQ(m["iterations"]["count"].get<int64_t>(), reqs);
  EXPECT_EQ(m["http_req_failed"]["passes"].get<int64_t>(), 0);
  EXPECT_GT(m["http_req_duration"]["avg"].get<double>(), 0.0);
  EXPECT_GT(m["http_req_duration"]["max"].get<double>(), 0.0);
  EXPECT_GE(m["http_req_duration"]["p(99)"].get<double>(),
            m["http_req_duration"]["med"].get<double>());
  EXPECT_GT(m["data_received"]["count"].get<int64_t>(), 0);
  EXPECT_GT(m["data_sent"]["count"].get<int64_t>(), 0);
  EXPECT_EQ(m["vus"]["value"].get<int>(), 8);
  EXPECT_EQ(s["perfgate"]["model"], "closed");
  EXPECT_EQ(s["perfgate"]["threads"], 2);
  EXPECT_GE(s["perfgate"]["time_series"].size(), 2u);
}

// hey/ab style: -c connections and -n requests in all, split over -t threads; the run ends when
// the last request is answered, not at a duration.
TEST(RunIntegration, RequestCountStopsTheRunAfterExactlyN) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty());
  const json closed =
      run_with_summary("count", {"run", serve.url() + "/", "-c", "7", "-n", "10001", "-t", "2"});
  ASSERT_TRUE(closed.is_object());
  EXPECT_EQ(closed["metrics"]["http_reqs"]["count"].get<int64_t>(), 10001);
  EXPECT_EQ(closed["metrics"]["iterations"]["count"].get<int64_t>(), 10001);
  EXPECT_EQ(sum_of_responses(closed), 10001);
  EXPECT_LT(closed["perfgate"]["elapsed_s"].get<double>(), 8.0);
  // A duration that ends first wins: 2 VUs x 50 ms per request cannot do 1000 in 1 s.
  const json capped = run_with_summary(
      "count_capped", {"run", serve.url() + "/delay/50", "-c", "2", "-n", "1000", "-d", "1s"});
  ASSERT_TRUE(capped.is_object());
  EXPECT_LT(capped["metrics"]["http_reqs"]["count"].get<int64_t>(), 100);
  // The open model schedules exactly n arrivals.
  const json open =
      run_with_summary("count_open", {"run", serve.url() + "/", "-r", "1000", "-n", "1500"});
  ASSERT_TRUE(open.is_object());
  EXPECT_EQ(open["metrics"]["http_reqs"]["count"].get<int64_t>(), 1500);
}

TEST(RunIntegration, OpenModelHoldsTheRate) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty());
  const json s = run_with_summary(
      "rate", {"run", serve.url() + "/", "--rate", "2000", "-d", "3s", "--threads", "2"});
  ASSERT_TRUE(s.is_object());
  const int64_t reqs = s["metrics"]["http_reqs"]["count"];
  EXPECT_NEAR(static_cast<double>(reqs), 6000.0, 6000 * 0.02);
  EXPECT_EQ(s["metrics"]["dropped_iterations"]["count"].get<int64_t>(), 0);
  EXPECT_EQ(s["metrics"]["http_req_failed"]["passes"].get<int64_t>(), 0);
  EXPECT_EQ(s["perfgate"]["model"], "open");
}

TEST(RunIntegration, OpenModelLatencyCountsFromTheScheduledStart) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty());
  // 2 VUs can serve 20 requests/s of /delay/100; 50/s are scheduled, so a queue builds up.
  const json s = run_with_summary("omission", {"run", serve.url() + "/delay/100", "--rate", "50",
                                               "--max-vus", "2", "-d", "3s", "--threads", "1"});
  ASSERT_TRUE(s.is_object());
  const auto& m = s["metrics"];
  const double corrected_p50 = m["http_req_duration"]["med"];
  const double uncorrected_p50 = m["http_req_duration_uncorrected"]["med"];
  EXPECT_GT(corrected_p50, 400.0) << "queueing must show in the corrected latency";
  EXPECT_GT(uncorrected_p50, 95.0);
  EXPECT_LT(uncorrected_p50, 200.0) << "each request itself still takes about 100 ms";
  EXPECT_GT(m["schedule_lag"]["p(99)"].get<double>(), 400.0);
  EXPECT_GT(m["dropped_iterations"]["count"].get<int64_t>(), 0) << "the queue left at the end";
  EXPECT_FALSE(s["perfgate"]["health"]["trustworthy"].get<bool>());
}

TEST(RunIntegration, CtrlCExits105AndStillWritesTheSummary) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty());
  const std::string path = summary_path("sigint");
  std::filesystem::remove(path);
  ChildProcess run(
      {"run", serve.url() + "/", "-u", "2", "-d", "60s", "--threads", "1", "--summary-json", path});
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  run.signal(SIGINT);
  EXPECT_EQ(run.wait(std::chrono::seconds(10)), 105) << run.err();
  EXPECT_NE(run.out().find("http_reqs"), std::string::npos) << "summary printed";
  const json s = read_json(path);
  ASSERT_TRUE(s.is_object()) << "summary JSON written after Ctrl-C";
  EXPECT_TRUE(s["perfgate"]["interrupted"].get<bool>());
  EXPECT_GT(s["metrics"]["http_reqs"]["count"].get<int64_t>(), 0);
  EXPECT_LT(s["perfgate"]["elapsed_s"].get<double>(), 10.0);
  std::filesystem::remove(path);
}

TEST(RunIntegration, BadInputIsAOneLineUsageError) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"run", "127.0.0.1:8080/"}, "invalid URL"},
      {{"run", "ftp://127.0.0.1/"}, "only http:// and https://"},
      {{"run", "http://127.0.0.1:1/", "--bogus"}, "usage:"},
      {{"run", "http://127.0.0.1:1/", "-d", "ten"}, "invalid duration"},
      {{"run", "http://127.0.0.1:1/", "--rate", "fast"}, "invalid rate"},
      {{"run", "http://127.0.0.1:1/", "--body", "@/nonexistent/perfgate/body"}, "cannot read"},
      {{"run", "http://127.0.0.1:1/", "-H", "NoColon"}, "invalid header"},
      {{"run", "http://127.0.0.1:1/", "-u", "5", "--rate", "10"}, "exclude each other"},
      {{"run", "http://127.0.0.1:1/", "--summary-json", "/nonexistent/perfgate/s.json"},
       "does not exist"},
  };
  for (const Case& c : cases) {
    const RunOutcome r = run_perfgate(c.args, std::chrono::seconds(10));
    EXPECT_EQ(r.exit_code, 2) << c.args.back() << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("http_reqs"), std::string::npos) << "no traffic on bad input";
  }
}

TEST(RunIntegration, UnreachablePortCountsRefusedConnections) {
  const std::string url = "http://127.0.0.1:" + std::to_string(unused_port()) + "/";
  // Exit 5: no request succeeded (cli/run_verdict.h).
  const json s =
      run_with_summary("refused", {"run", url, "-u", "2", "-d", "1s", "--threads", "1"}, 5);
  ASSERT_TRUE(s.is_object());
  EXPECT_GT(error_count(s, "connect_refused"), 0);
  EXPECT_EQ(s["metrics"]["http_req_failed"]["value"].get<double>(), 1.0);
  EXPECT_EQ(s["perfgate"]["responses"]["0"].get<int64_t>(),
            s["metrics"]["http_reqs"]["count"].get<int64_t>());
}

struct MisbehaviourCase {
  Misbehaviour mode;
  const char* error_class;
  // Only the stall needs a short timeout; the others answer at once, and a generous timeout keeps
  // a busy machine (a slow test server thread) from turning them into timeouts.
  const char* timeout;
  const char* plan_error_class;  // through a plan step that keeps the body
};

class RunAgainstBadServer : public ::testing::TestWithParam<MisbehaviourCase> {};

TEST_P(RunAgainstBadServer, CountsTheFailureAndKeepsGoing) {
  BadServer server(GetParam().mode);
  const json s = run_with_summary(GetParam().error_class,
                                  {"run", server.url(), "-u", "2", "-d", "1500ms", "--timeout",
                                   GetParam().timeout, "--threads", "1"},
                                  5);  // every request failed: exit 5 (cli/run_verdict.h)
  ASSERT_TRUE(s.is_object());
  const int64_t reqs = s["metrics"]["http_reqs"]["count"];
  EXPECT_GT(error_count(s, GetParam().error_class), 0);
  EXPECT_EQ(error_count(s, GetParam().error_class), reqs) << "every request failed the same way";
  EXPECT_GE(server.requests_seen(), 2) << "failures did not end the run";
  EXPECT_EQ(s["metrics"]["http_req_failed"]["passes"].get<int64_t>(), reqs);
}

// The same misbehaviour through a plan step that keeps the body (a check reads it): the one
// engine and connection driver classify it the same way, with the body bounded.
TEST_P(RunAgainstBadServer, PlanStepThatReadsTheBodyCountsItToo) {
  BadServer server(GetParam().mode);
  const std::string plan = ::testing::TempDir() + "bad_server_plan_" +
                           std::string(GetParam().error_class) + std::to_string(::getpid()) +
                           ".yaml";
  std::ofstream(plan) << "options: {vus: 2, duration: 1500ms, timeout: " << GetParam().timeout
                      << "}\nflows:\n  default:\n    - url: " << server.url()
                      << "\n      checks: {status: 200, bodyContains: ok}\n"
                         "      extract: {word: {regex: \"o(k)\"}}\n";
  const char* expected = GetParam().plan_error_class;
  const json s = run_with_summary(std::string("plan_") + expected, {"run", plan, "--threads", "1"},
                                  5);  // every request failed: exit 5
  std::filesystem::remove(plan);
  ASSERT_TRUE(s.is_object());
  const int64_t reqs = s["metrics"]["http_reqs"]["count"];
  EXPECT_GT(error_count(s, expected), 0);
  EXPECT_EQ(error_count(s, expected), reqs) << s["perfgate"]["errors"].dump();
  EXPECT_GE(server.requests_seen(), 2) << "failures did not end the run";
}

INSTANTIATE_TEST_SUITE_P(
    Failures, RunAgainstBadServer,
    ::testing::Values(
        MisbehaviourCase{Misbehaviour::kReset, "reset", "3s", "reset"},
        MisbehaviourCase{Misbehaviour::kStall, "request_timeout", "300ms", "request_timeout"},
        MisbehaviourCase{Misbehaviour::kCloseMidBody, "closed_mid_response", "3s",
                         "closed_mid_response"},
        MisbehaviourCase{Misbehaviour::kGarbage, "parse_error", "3s", "parse_error"},
        MisbehaviourCase{Misbehaviour::kNulHeader, "parse_error", "3s", "parse_error"},
        // Never-ending: a discarded body times out however the bytes arrive; a kept one hits
        // the body bound (10 MB by default) first.
        MisbehaviourCase{Misbehaviour::kEndlessBody, "request_timeout", "1s", "body_too_large"}),
    [](const auto& info) {
      return std::string(info.param.error_class) + "_" + std::to_string(info.index);
    });

// A one-liner split into execution segments (k6's semantics, as for plans): the parts do
// exactly what one process does.
TEST(RunIntegration, OneLinerSegmentsAddUpToTheWhole) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty());
  const std::vector<std::string> segments = {"0:1/3", "1/3:2/3", "2/3:1"};
  int64_t closed = 0, open = 0;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::vector<std::string> split = {
        "--execution-segment", segments[i], "--execution-segment-sequence",
        "0,1/3,2/3,1",         "--threads", "1"};
    std::vector<std::string> n_args = {"run", serve.url() + "/", "-c", "4", "-n", "999"};
    n_args.insert(n_args.end(), split.begin(), split.end());
    const json n = run_with_summary("segment_n" + std::to_string(i), n_args);
    closed += n["metrics"]["http_reqs"]["count"].get<int64_t>();
    std::vector<std::string> rate_args = {"run", serve.url() + "/", "-r", "300", "-d", "1s"};
    rate_args.insert(rate_args.end(), split.begin(), split.end());
    const json r = run_with_summary("segment_r" + std::to_string(i), rate_args);
    open += r["metrics"]["http_reqs"]["count"].get<int64_t>() +
            r["metrics"]["dropped_iterations"]["count"].get<int64_t>();
  }
  EXPECT_EQ(closed, 999);
  EXPECT_EQ(open, 300) << "the parts start the whole timetable's arrivals";
}

TEST(RunIntegration, BytesAfterAResponseCloseTheConnection) {
  BadServer server(Misbehaviour::kTrailingBytes);
  const json s =
      run_with_summary("trailing", {"run", server.url(), "-u", "1", "-n", "20", "--threads", "1"});
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(s["metrics"]["http_reqs"]["count"].get<int64_t>(), 20);
  EXPECT_EQ(s["metrics"]["http_req_failed"]["passes"].get<int64_t>(), 0);
  EXPECT_EQ(server.requests_seen(), 20);
  EXPECT_EQ(server.connections_seen(), 20) << "each request on a new connection";
}

}  // namespace
}  // namespace perfgate::test_support
