// The tiny misbehaving "TLS" servers: ResetServer and PlainHttpServer (see tls_fixtures.h).
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string_view>

#include "tests/support/tls_fixtures.h"

namespace perfgate::test_support {
namespace {

constexpr int kReadTimeoutMs = 2000;
constexpr std::string_view kPlainAnswer =
    "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 21\r\n"
    "Connection: close\r\n\r\nthis is plain HTTP.\r\n";

// Waits (bounded) for the client's first bytes and reads what is there.
void read_some(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, kReadTimeoutMs) <= 0) return;
  char buffer[4096];
  [[maybe_unused]] ssize_t n = recv(fd, buffer, sizeof buffer, 0);
}

}  // namespace

TinyServer::TinyServer(Mode mode, std::string ca_path) : mode_(mode), ca_path_(std::move(ca_path)) {
  if (pipe2(stop_pipe_, O_CLOEXEC) != 0) return;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return;
  }
  port_ = ntohs(addr.sin_port);
  listen_fd_ = fd;
  thread_ = std::thread([this] { serve(); });
}

TinyServer::~TinyServer() {
  if (stop_pipe_[1] >= 0) [[maybe_unused]]
    ssize_t n = write(stop_pipe_[1], "x", 1);
  if (thread_.joinable()) thread_.join();
  for (int fd : {listen_fd_, stop_pipe_[0], stop_pipe_[1]}) {
    if (fd >= 0) close(fd);
  }
}

// Accepts one connection at a time until the stop pipe becomes readable.
void TinyServer::serve() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0) return;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    handle(fd);
  }
}

void TinyServer::handle(int fd) {
  read_some(fd);
  if (mode_ == Mode::kResetMidHandshake) {
    const linger reset{1, 0};  // close() sends an RST instead of a FIN
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  } else {
    [[maybe_unused]] ssize_t n = send(fd, kPlainAnswer.data(), kPlainAnswer.size(), MSG_NOSIGNAL);
    shutdown(fd, SHUT_WR);
    read_some(fd);  // let the client read the answer before the socket goes away
  }
  close(fd);
}

}  // namespace perfgate::test_support
