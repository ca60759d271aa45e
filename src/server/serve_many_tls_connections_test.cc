// Heavy integration test: `perfgate serve --tls` holds thousands of idle TLS keep-alive
// connections with bounded memory per connection.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
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

constexpr int kConnections = 3'000;
// Measured ~14.5 KiB (OpenSSL's state for a finished TLS 1.3 session with its record buffers
// released); twice that means something started keeping buffers per idle connection.
constexpr double kMaxKibPerConnection = 32;

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

struct TlsConnection {
  int fd = -1;
  SSL* ssl = nullptr;
};

// Connects, handshakes (verifying the server's certificate) and makes one request.
bool open_and_request(SSL_CTX* ctx, uint16_t port, TlsConnection& c) {
  c.fd = connect_local(port, 10000);
  if (c.fd < 0) return false;
  c.ssl = SSL_new(ctx);
  SSL_set_fd(c.ssl, c.fd);
  SSL_set1_host(c.ssl, "localhost");
  const std::string request = get_request("/");
  char buffer[256];
  const bool ok = SSL_connect(c.ssl) == 1 &&
                  SSL_write(c.ssl, request.data(), static_cast<int>(request.size())) > 0 &&
                  SSL_read(c.ssl, buffer, sizeof buffer) > 0;
  ERR_clear_error();
  return ok;
}

TEST(ServeManyTlsConnections, HoldsThousandsOfIdleTlsConnectionsInBoundedMemory) {
  if (net::raise_open_file_limit() < kConnections + 100) {
    GTEST_SKIP() << "RLIMIT_NOFILE hard limit is below " << kConnections + 100;
  }
  const std::string cert = "/tmp/perfgate-many-tls-" + std::to_string(getpid()) + ".pem";
  ServeProcess server("--threads 2 --tls --write-cert " + cert);
  ASSERT_TRUE(server.started());
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  ASSERT_EQ(SSL_CTX_load_verify_locations(ctx, cert.c_str(), nullptr), 1);
  const long idle_rss = rss_kib(server.pid());
  const auto start = std::chrono::steady_clock::now();
  std::vector<TlsConnection> connections(kConnections);
  int served = 0;
  for (auto& c : connections) served += open_and_request(ctx, server.port(), c);
  EXPECT_EQ(served, kConnections);
  const long loaded_rss = rss_kib(server.pid());
  const double per_connection = static_cast<double>(loaded_rss - idle_rss) / kConnections;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "TLS connections: %d served; server RSS %ld KiB idle, %ld KiB with them "
      "(%.1f KiB/connection); %.1f s\n",
      served, idle_rss, loaded_rss, per_connection, seconds);
  EXPECT_LT(per_connection, kMaxKibPerConnection);
  for (auto& c : connections) {
    const linger reset{1, 0};  // no TIME-WAIT sockets left for other tests
    setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    SSL_free(c.ssl);
    close(c.fd);
  }
  SSL_CTX_free(ctx);
  EXPECT_EQ(server.stop(SIGTERM), 0);
  unlink(cert.c_str());
}

}  // namespace
}  // namespace perfgate::server::testing
