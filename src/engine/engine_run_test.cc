// The engine in-process against a small keep-alive HTTP server thread: counts, the open model's
// rate, and interrupts. Also what the TSan build runs to check the coordinator/worker handshake
// with real threads.
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

#include "engine/engine.h"
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

EngineConfig config_for(const OkServer& server) {
  EngineConfig config;
  config.target = *net::resolve("127.0.0.1", server.port());
  config.request = "GET / HTTP/1.1\r\nHost: test\r\n\r\n";
  config.threads = 2;
  config.duration = 1200 * kNanosPerMilli;
  config.timeout = 2 * kNanosPerSecond;
  return config;
}

TEST(EngineRun, ClosedModelCountsAreConsistent) {
  OkServer server;
  EngineConfig config = config_for(server);
  config.vus = 4;
  int seconds_reported = 0;
  RunHooks hooks;
  hooks.on_second = [&](const LiveStatus& s) {
    ++seconds_reported;
    EXPECT_NE(s.last_second, nullptr);
  };
  auto result = run(config, {}, hooks);
  ASSERT_TRUE(result);
  const auto& t = result->totals;
  EXPECT_GT(t.http_reqs, 100);
  EXPECT_EQ(t.statuses[200], t.http_reqs);
  EXPECT_EQ(t.iterations, t.http_reqs);
  EXPECT_EQ(t.failed_requests, 0);
  EXPECT_EQ(t.trend(results::Trend::kDuration).count(), t.http_reqs);
  EXPECT_EQ(t.data_received, t.http_reqs * 40);  // the fixed response is 40 bytes
  int64_t series_total = 0;
  for (const auto& p : result->series) series_total += p.requests;
  EXPECT_EQ(series_total, t.http_reqs) << "the time series adds up to the totals";
  EXPECT_GE(seconds_reported, 1);
  EXPECT_FALSE(result->interrupted);
  EXPECT_EQ(result->meta.threads, 2);
}

TEST(EngineRun, OpenModelRunsTheScheduledNumberOfIterations) {
  OkServer server;
  EngineConfig config = config_for(server);
  config.model = results::Model::kOpen;
  config.rate = 500;
  config.max_vus = 20;
  config.duration = kNanosPerSecond;
  auto result = run(config, {}, {});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->totals.http_reqs + result->totals.dropped_iterations, 500);
  EXPECT_GE(result->totals.http_reqs, 490);
  EXPECT_EQ(result->totals.trend(results::Trend::kScheduleLag).count(), result->totals.http_reqs);
}

TEST(EngineRun, InterruptStopsEarlyAndKeepsTheResults) {
  OkServer server;
  EngineConfig config = config_for(server);
  config.vus = 2;
  config.duration = 30 * kNanosPerSecond;
  std::atomic<bool> interrupt{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    interrupt = true;
  });
  RunHooks hooks;
  hooks.interrupt = &interrupt;
  auto result = run(config, {}, hooks);
  stopper.join();
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->interrupted);
  EXPECT_LT(result->meta.elapsed, 5 * kNanosPerSecond);
  EXPECT_GT(result->totals.http_reqs, 0);
}

}  // namespace
}  // namespace perfgate::engine
