// Integration tests of `perfgate serve`: connection lifetime, delays that never block, bad
// input, limits, and the process itself (signals, options).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "server/serve_test_support.h"

namespace perfgate::server::testing {
namespace {

using Clock = std::chrono::steady_clock;

int64_t elapsed_ms(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

int run_exit_code(const std::string& arguments) {
  const std::string command = std::string(PERFGATE_BINARY) + " " + arguments + " >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ServeLifecycle, ConnectionCloseIsHonoured) {
  ServeProcess server;
  ASSERT_TRUE(server.started());
  const int fd = connect_local(server.port());
  ASSERT_TRUE(send_all(fd, get_request("/", "Connection: close\r\n")));
  ResponseReader reader(fd);
  auto r = reader.next();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(reader.peer_closed());
  close(fd);
}

TEST(ServeLifecycle, Http10ClosesUnlessKeepAliveIsAsked) {
  ServeProcess server;
  ASSERT_TRUE(server.started());
  int fd = connect_local(server.port());
  ASSERT_TRUE(send_all(fd, "GET /chunked/5 HTTP/1.0\r\n\r\n"));
  ResponseReader plain(fd);
  auto r = plain.next();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("content-length"), "5");  // no chunked encoding for HTTP/1.0
  EXPECT_EQ(r->body, "abcde");
  EXPECT_TRUE(plain.peer_closed());
  close(fd);

  fd = connect_local(server.port());
  ASSERT_TRUE(
      send_all(fd, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n"));
  ResponseReader kept(fd);
  auto first = kept.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->header("connection"), "keep-alive");
  ASSERT_TRUE(kept.next());
  EXPECT_TRUE(kept.peer_closed());
  close(fd);
}

TEST(ServeLifecycle, DelayAnswersOnTime) {
  ServeProcess server;
  ASSERT_TRUE(server.started());
  const auto start = Clock::now();
  auto r = exchange(server.port(), get_request("/delay/200?x=1"));
  const int64_t took = elapsed_ms(start);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_GE(took, 200);
  EXPECT_LT(took, 300);
}

TEST(ServeLifecycle, HundredConcurrentDelaysOnOneThreadDoNotQueue) {
  ServeProcess server("--threads 1");
  ASSERT_TRUE(server.started());
  std::vector<int> fds;
  const auto start = Clock::now();
  for (int i = 0; i < 100; ++i) {
    fds.push_back(connect_local(server.port()));
    ASSERT_GE(fds.back(), 0);
    ASSERT_TRUE(send_all(fds.back(), get_request("/delay/300")));
  }
  int answered = 0;
  for (int fd : fds) {
    auto r = ResponseReader(fd).next();
    answered += r && r->status == 200;
    close(fd);
  }
  const int64_t took = elapsed_ms(start);
  EXPECT_EQ(answered, 100);
  EXPECT_GE(took, 300);
  EXPECT_LT(took, 1000) << "delays must run on the timer queue, not block the thread";
}

TEST(ServeLifecycle, GarbageGets400AndClose) {
  ServeProcess server;
  ASSERT_TRUE(server.started());
  for (std::string garbage :
       {std::string("\x16\x03\x01\x02\x00\x01\x00", 7), std::string("HELLO\r\n\r\n"),
        std::string("GET / HTTP/1.1\r\nBad\r\n\r\n")}) {
    const int fd = connect_local(server.port());
    ASSERT_TRUE(send_all(fd, garbage));
    ResponseReader reader(fd);
    auto r = reader.next();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(r->header("connection"), "close");
    EXPECT_TRUE(reader.peer_closed());
    close(fd);
  }
}

TEST(ServeLifecycle, LimitsGive431And413And505) {
  ServeProcess server;
  ASSERT_TRUE(server.started());
  const std::string huge_header = "X-Big: " + std::string(70 * 1024, 'x') + "\r\n";
  EXPECT_EQ(exchange(server.port(), get_request("/", huge_header))->status, 431);
  const std::string too_long_body =
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 16777217\r\n\r\n";
  EXPECT_EQ(exchange(server.port(), too_long_body)->status, 413);
  EXPECT_EQ(exchange(server.port(), "GET / HTTP/2.0\r\n\r\n")->status, 505);
}

TEST(ServeLifecycle, SigtermAndSigintExitZero) {
  for (int sig : {SIGTERM, SIGINT}) {
    ServeProcess server;
    ASSERT_TRUE(server.started());
    // An open idle connection must not keep the server from stopping.
    const int fd = connect_local(server.port());
    ASSERT_TRUE(exchange(server.port(), get_request("/")));
    EXPECT_EQ(server.stop(sig), 0) << "signal " << sig;
    close(fd);
  }
}

TEST(ServeLifecycle, SigintStopsAServerStartedAsABackgroundJob) {
  // sh starts background jobs with SIGINT ignored; the server must still stop on it.
  const std::string script = std::string("timeout 10 sh -c '") + PERFGATE_BINARY +
                             " serve --listen 127.0.0.1:0 --quiet >/dev/null & pid=$!; "
                             "sleep 0.3; kill -INT $pid; wait $pid'";
  const int status = std::system(script.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "124 means the server ignored SIGINT";
}

TEST(ServeLifecycle, BadOptionsAreErrors) {
  EXPECT_EQ(run_exit_code("serve --bogus"), 2);
  EXPECT_EQ(run_exit_code("serve --threads 0"), 2);
  EXPECT_EQ(run_exit_code("serve --listen nonsense"), 1);
}

TEST(ServeLifecycle, PortInUseIsAnError) {
  // A listener without SO_REUSEPORT holds the port, so perfgate serve's bind must fail.
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(fd, 8), 0);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  EXPECT_EQ(run_exit_code("serve --listen 127.0.0.1:" + std::to_string(ntohs(address.sin_port))),
            1);
  close(fd);
}

}  // namespace
}  // namespace perfgate::server::testing
