// Heavy integration test: `perfgate serve` holds 15,000 concurrent keep-alive connections.
#include <gtest/gtest.h>
#include <signal.h>
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

TEST(ServeManyConnections, Holds15000KeepAliveConnections) {
  // This process holds one end of every connection; the server holds the other.
  if (net::raise_open_file_limit() < kConnections + 100) {
    GTEST_SKIP() << "RLIMIT_NOFILE hard limit is below " << kConnections + 100;
  }
  ServeProcess server("--threads 2");
  ASSERT_TRUE(server.started());
  const long idle_rss = rss_kib(server.pid());
  const auto start = std::chrono::steady_clock::now();

  std::vector<int> fds;
  fds.reserve(kConnections);
  for (int i = 0; i < kConnections; ++i) {
    const int fd = connect_local(server.port(), 10000);
    ASSERT_GE(fd, 0) << "connection " << i;
    fds.push_back(fd);
  }
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
      "(%.0f bytes/connection), %.1f s\n",
      kConnections, served, idle_rss, kConnections, loaded_rss,
      (loaded_rss - idle_rss) * 1024.0 / kConnections, seconds);
  RecordProperty("server_rss_kib", static_cast<int>(loaded_rss));
  for (int fd : fds) close(fd);
  EXPECT_EQ(server.stop(SIGTERM), 0);
}

}  // namespace
}  // namespace perfgate::server::testing
