// W3C traceparent (options.tracing, --traceparent): the real binary runs a plan against a small
// header-recording HTTP/1.1 server on 127.0.0.1; every request must carry a well-formed
// traceparent, about the asked share of them sampled, and the results file must list, per request
// name, the slowest sampled requests' trace ids — ids the server really received, slowest first.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"

namespace perfgate::test_support {
namespace {

using nlohmann::json;

// Answers every request 200 "ok" (after 25 ms on /slow) and records its traceparent header.
class RecordingServer {
 public:
  RecordingServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 64);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~RecordingServer() {
    stop_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    acceptor_.join();
    for (auto& t : connections_) t.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> traceparents() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  void accept_loop() {
    while (!stop_) {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      connections_.emplace_back([this, fd] { serve(fd); });
    }
  }
  void serve(int fd) {
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string buffer;
    char chunk[4096];
    while (!stop_) {
      const size_t end = buffer.find("\r\n\r\n");
      if (end == std::string::npos) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n <= 0) break;
        buffer.append(chunk, static_cast<size_t>(n));
        continue;
      }
      const std::string head = buffer.substr(0, end);
      buffer.erase(0, end + 4);
      std::smatch m;
      static const std::regex kHeader("\r\ntraceparent: ([^\r]*)", std::regex::icase);
      {
        std::lock_guard lock(mutex_);
        seen_.push_back(std::regex_search(head, m, kHeader) ? m[1].str() : "");
      }
      if (head.find(" /slow ") != std::string::npos) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
      }
      const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
      if (::write(fd, reply.data(), reply.size()) < 0) break;
    }
    ::close(fd);
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> connections_;
  std::mutex mutex_;
  std::vector<std::string> seen_;
};

std::string temp(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("perfgate_tracing_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in, nullptr, false);
}

TEST(PlanTracing, EveryRequestCarriesATraceparentAndResultsListTheSlowestSampledTraces) {
  RecordingServer server;
  const std::string plan = temp("plan.yaml"), results = temp("results.json");
  std::ofstream(plan) << "options:\n"
                         "  baseUrl: "
                      << server.url()
                      << "\n"
                         "  tracing: {propagator: w3c, sampling: 0.5}\n"
                         "  scenarios:\n"
                         "    s: {executor: shared-iterations, vus: 2, iterations: 60}\n"
                         "flows:\n"
                         "  default:\n"
                         "    - {name: fast, url: /fast}\n"
                         "    - {name: slow, url: /slow}\n";
  RunOutcome run = run_perfgate({"run", plan, "--out", "json=" + results});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const std::vector<std::string> headers = server.traceparents();
  ASSERT_EQ(headers.size(), 120u);
  static const std::regex kShape("00-([0-9a-f]{32})-[0-9a-f]{16}-0([01])");
  std::set<std::string> sampled, all;
  for (const std::string& h : headers) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(h, m, kShape)) << "traceparent: '" << h << "'";
    all.insert(m[1].str());
    if (m[2] == "1") sampled.insert(m[1].str());
  }
  EXPECT_EQ(all.size(), 120u) << "a fresh trace per request";
  EXPECT_GT(sampled.size(), 30u);  // 60 expected of 120 at 0.5; a binomial sd is 5.5
  EXPECT_LT(sampled.size(), 90u);

  const json r = read_json(results);
  ASSERT_TRUE(r.is_object());
  bool saw_slow = false;
  for (const json& n : r["names"]) {
    const json& traces = n["slowest_traces"];
    ASSERT_TRUE(traces.is_array()) << n.dump();
    ASSERT_GE(traces.size(), 1u);
    ASSERT_LE(traces.size(), 5u);
    int64_t previous = INT64_MAX;
    for (const json& t : traces) {
      EXPECT_TRUE(sampled.contains(t["trace_id"].get<std::string>())) << t.dump();
      EXPECT_LE(t["duration_us"].get<int64_t>(), previous) << "slowest first";
      previous = t["duration_us"].get<int64_t>();
      if (n["name"] == "slow") {
        saw_slow = true;
        EXPECT_GE(t["duration_us"].get<int64_t>(), 25'000) << t.dump();
      }
    }
  }
  EXPECT_TRUE(saw_slow);
  std::filesystem::remove(plan);
  std::filesystem::remove(results);
}

TEST(PlanTracing, OneLinerFlagSamplesEveryRequestAtRatioOneAndRefusesRatiosAboveOne) {
  RecordingServer server;
  RunOutcome run =
      run_perfgate({"run", server.url() + "/slow", "-n", "8", "-u", "2", "--traceparent", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto headers = server.traceparents();
  ASSERT_GE(headers.size(), 8u);
  for (const std::string& h : headers) EXPECT_TRUE(h.ends_with("-01")) << h;

  RunOutcome bad = run_perfgate({"run", server.url() + "/", "-n", "1", "--traceparent", "2"});
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("--traceparent"), std::string::npos) << bad.err;
}

// Without tracing no request carries the header (the literal fast path stays as it was).
TEST(PlanTracing, NoHeaderWithoutTracing) {
  RecordingServer server;
  RunOutcome run = run_perfgate({"run", server.url() + "/", "-n", "4", "-u", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  for (const std::string& h : server.traceparents()) EXPECT_EQ(h, "");
}

}  // namespace
}  // namespace perfgate::test_support
