// Heavy integration test: `perfgate serve` holds 15,000 concurrent keep-alive connections.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "net/socket.h"
#include "server/serve_test_support.h"

namespace perfgate::server::testing {
namespace {

constexpr int kConnections = 15'000;

// Resident memory of a process in KiB, from /proc/<pid>/status.
long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long value = -1;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      break;
    }
    status.ignore(4096, '\n');
  }
  return value;
}

// Opens `count` connections, a batch of non-blocking connects at a time (one blocking connect
// after another is far slower on a loaded machine), then makes them blocking with a timeout.
std::vector<int> connect_many(uint16_t port, int count) {
  constexpr int kBatch = 500;
  std::vector<int> fds;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  while (static_cast<int>(fds.size()) < count) {
    std::vector<pollfd> batch;
    for (int i = 0; i < kBatch && static_cast<int>(fds.size() + batch.size()) < count; ++i) {
      const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) return fds;
      // Spread the clients over source addresses 127.0.0.2-9: with one source address the
      // kernel's search for a free ephemeral port gets very slow once most of the range is
      // taken (tens of thousands of TIME-WAIT sockets from other tests make that likely).
      const int one = 1;
      setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
      sockaddr_in source{};
      source.sin_family = AF_INET;
      source.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1 + (fds.size() + batch.size()) % 8);
      bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source);
      connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);  // EINPROGRESS
      batch.push_back(pollfd{fd, POLLOUT, 0});
    }
    for (pollfd& p : batch) {
      if (poll(&p, 1, 10000) != 1 || net::connect_error(p.fd) != 0) return fds;
      fcntl(p.fd, F_SETFL, 0);  // blocking again, for the simple reader
      timeval tv{10, 0};
      setsockopt(p.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      fds.push_back(p.fd);
    }
  }
  return fds;
}

TEST(ServeManyConnections, Holds15000KeepAliveConnections) {
  // This process holds one end of every connection; the server holds the other.
  if (net::raise_open_file_limit() < kConnections + 100) {
    GTEST_SKIP() << "RLIMIT_NOFILE hard limit is below " << kConnections + 100;
  }
  ServeProcess server("--threads 2");
  ASSERT_TRUE(server.started());
  const long idle_rss = rss_kib(server.pid());
  const auto start = std::chrono::steady_clock::now();

  const std::vector<int> fds = connect_many(server.port(), kConnections);
  ASSERT_EQ(fds.size(), static_cast<size_t>(kConnections));
  const double connect_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // One request on every connection, all sent before any answer is read.
  const std::string request = get_request("/");
  for (int fd : fds) ASSERT_TRUE(send_all(fd, request));
  int served = 0;
  for (int fd : fds) {
    auto r = ResponseReader(fd).next();
    served += r && r->status == 200 && r->body == "hello from perfgate\n";
  }
  EXPECT_EQ(served, kConnections);
  const long loaded_rss = rss_kib(server.pid());

  // Still open and usable: a second request on a sample of them.
  int reused = 0;
  for (size_t i = 0; i < fds.size(); i += 50) {
    ASSERT_TRUE(send_all(fds[i], get_request("/bytes/16")));
    auto r = ResponseReader(fds[i]).next();
    reused += r && r->body.size() == 16;
  }
  EXPECT_EQ(reused, kConnections / 50);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "connections: %d, served: %d, server RSS idle %ld KiB, at %d connections %ld KiB "
      "(%.0f bytes/connection); connected in %.1f s, %.1f s in all\n",
      kConnections, served, idle_rss, kConnections, loaded_rss,
      (loaded_rss - idle_rss) * 1024.0 / kConnections, connect_seconds, seconds);
  RecordProperty("server_rss_kib", static_cast<int>(loaded_rss));
  for (int fd : fds) {
    // Reset instead of close: leaves no TIME-WAIT sockets behind to slow other tests down.
    const linger reset{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    close(fd);
  }
  EXPECT_EQ(server.stop(SIGTERM), 0);
}

}  // namespace
}  // namespace perfgate::server::testing
