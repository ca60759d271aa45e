// The engine in-process (one-liners as one-step plans) against a small keep-alive HTTP server
// thread: counts, the open model's rate, and interrupts. Also what the TSan build runs to check
// the coordinator/worker handshake with real threads.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "engine/one_liner.h"
#include "engine/plan_run.h"
#include "net/address.h"

namespace perfgate::engine {
namespace {

// Answers every complete request header block with a fixed 200 response, keeping connections.
class OkServer {
 public:
  OkServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 128);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~OkServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  uint16_t port() const { return port_; }

 private:
  void serve() {
    static constexpr char kResponse[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    std::map<int, std::string> clients;
    while (!stop_) {
      std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
      for (const auto& [fd, _] : clients) fds.push_back({fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      if (fds[0].revents & POLLIN) clients[::accept4(listen_fd_, nullptr, nullptr, 0)];
      for (size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents == 0) continue;
        char buffer[4096];
        const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
        if (n <= 0) {
          ::close(fds[i].fd);
          clients.erase(fds[i].fd);
          continue;
        }
        std::string& pending = clients[fds[i].fd];
        pending.append(buffer, static_cast<size_t>(n));
        for (size_t end; (end = pending.find("\r\n\r\n")) != std::string::npos;) {
          pending.erase(0, end + 4);
          [[maybe_unused]] ssize_t w = ::write(fds[i].fd, kResponse, sizeof kResponse - 1);
        }
      }
    }
    for (const auto& [fd, _] : clients) ::close(fd);
  }

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

OneLiner one_liner_for(const OkServer& server) {
  OneLiner one;
  one.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  one.duration = 1200 * kNanosPerMilli;
  one.timeout = 2 * kNanosPerSecond;
  return one;
}

struct Run {
  plan::Plan plan;
  PlanIndex index;
  Result<PlanRunResult> result = make_error("not run");
};

// Runs `one` on two worker threads, as `perfgate run URL -t 2` does.
std::unique_ptr<Run> run_one_liner(const OneLiner& one, PlanRunOptions options = {}) {
  auto run = std::make_unique<Run>();
  run->plan = *one_liner_plan(one);
  run->index = *build_plan_index(run->plan);
  options.threads = 2;
  options.cookies = false;
  run->result = run_plan(run->plan, run->index, {}, options);
  return run;
}

TEST(EngineRun, ClosedModelCountsAreConsistent) {
  OkServer server;
  OneLiner one = one_liner_for(server);
  one.vus = 4;
  int seconds_reported = 0;
  PlanRunOptions options;
  options.on_second = [&](const LiveStatus& s) {
    ++seconds_reported;
    EXPECT_NE(s.last_second, nullptr);
  };
  auto run = run_one_liner(one, options);
  ASSERT_TRUE(run->result);
  const results::RunResult& result = run->result->run;
  const auto& t = result.totals;
  EXPECT_GT(t.http_reqs, 100);
  EXPECT_EQ(t.statuses[200], t.http_reqs);
  EXPECT_EQ(t.iterations, t.http_reqs);
  EXPECT_EQ(t.failed_requests, 0);
  EXPECT_EQ(t.trend(results::Trend::kDuration).count(), t.http_reqs);
  EXPECT_EQ(t.data_received, t.http_reqs * 40);  // the fixed response is 40 bytes
  int64_t series_total = 0;
  for (const auto& p : result.series) series_total += p.requests;
  EXPECT_EQ(series_total, t.http_reqs) << "the time series adds up to the totals";
  EXPECT_GE(seconds_reported, 1);
  EXPECT_FALSE(result.interrupted);
  EXPECT_EQ(result.meta.threads, 2);
}

TEST(EngineRun, OpenModelRunsTheScheduledNumberOfIterations) {
  OkServer server;
  OneLiner one = one_liner_for(server);
  one.open_model = true;
  one.rate = 500;
  one.max_vus = 20;
  one.duration = kNanosPerSecond;
  auto run = run_one_liner(one);
  ASSERT_TRUE(run->result);
  const auto& t = run->result->run.totals;
  EXPECT_EQ(t.http_reqs + t.dropped_iterations, 500);
  EXPECT_GE(t.http_reqs, 490);
  EXPECT_EQ(t.trend(results::Trend::kScheduleLag).count(), t.http_reqs);
}

TEST(EngineRun, RequestCountRunsExactlyThatMany) {
  OkServer server;
  OneLiner one = one_liner_for(server);
  one.vus = 3;
  one.requests = 1001;
  one.duration = 30 * kNanosPerSecond;
  auto run = run_one_liner(one);
  ASSERT_TRUE(run->result);
  EXPECT_EQ(run->result->run.totals.http_reqs, 1001);
}

TEST(EngineRun, InterruptStopsEarlyAndKeepsTheResults) {
  OkServer server;
  OneLiner one = one_liner_for(server);
  one.vus = 2;
  one.duration = 30 * kNanosPerSecond;
  std::atomic<bool> interrupt{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    interrupt = true;
  });
  PlanRunOptions options;
  options.interrupt = &interrupt;
  auto run = run_one_liner(one, options);
  stopper.join();
  ASSERT_TRUE(run->result);
  EXPECT_TRUE(run->result->run.interrupted);
  EXPECT_LT(run->result->run.meta.elapsed, 5 * kNanosPerSecond);
  EXPECT_GT(run->result->run.totals.http_reqs, 0);
}

}  // namespace
}  // namespace perfgate::engine
