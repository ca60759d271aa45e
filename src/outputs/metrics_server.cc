#include "outputs/metrics_server.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

namespace perfgate::outputs {
namespace {

constexpr Nanos kConnectionDeadline = 2 * kNanosPerSecond;
constexpr size_t kMaxRequestBytes = 8192;
constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

// Reads up to the end of the request head; empty on timeout, close or an oversized head.
std::string read_head(int fd, const std::atomic<bool>& stopping) {
  const Nanos deadline = SteadyClock::monotonic_now() + kConnectionDeadline;
  std::string data;
  char buffer[2048];
  while (data.find("\r\n\r\n") == std::string::npos && data.size() < kMaxRequestBytes) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      data.append(buffer, static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_ready(fd, POLLIN, deadline, &stopping)) return {};
    } else {
      return {};
    }
  }
  return data;
}

void send_all(int fd, std::string_view data, const std::atomic<bool>& stopping) {
  const Nanos deadline = SteadyClock::monotonic_now() + kConnectionDeadline;
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_ready(fd, POLLOUT, deadline, &stopping)) return;
    } else {
      return;
    }
  }
}

std::string response(int status, std::string_view reason, std::string_view content_type,
                     std::string_view body, bool head_only) {
  std::string out = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
      status, reason, content_type, body.size());
  if (!head_only) out += body;
  return out;
}

}  // namespace

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const net::Address& address,
                                                            BodyFn body) {
  UniqueFd fd(::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return make_error(fmt::format("prometheus: socket: {}", std::strerror(errno)));
  const int one = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd.get(), address.sockaddr_ptr(), address.length) != 0 ||
      ::listen(fd.get(), 64) != 0) {
    return make_error(
        fmt::format("prometheus: cannot listen on {}: {}", address.to_string(),
                    std::strerror(errno)),
        errno == EADDRINUSE ? "another process uses that port; pick another with HOST:PORT" : "");
  }
  net::Address bound;
  bound.length = sizeof bound.storage;
  getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound.storage), &bound.length);
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(fd), bound, std::move(body)));
}

MetricsServer::MetricsServer(UniqueFd listener, net::Address address, BodyFn body)
    : listener_(std::move(listener)), address_(address), body_(std::move(body)) {
  thread_ = std::thread([this] { serve_loop(); });
}

MetricsServer::~MetricsServer() { stop(); }

void MetricsServer::stop() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
}

void MetricsServer::serve_loop() {
  while (!stopping_.load()) {
    // A 50 ms wait: stop() is noticed quickly without a wake-up pipe.
    if (!wait_ready(listener_.get(), POLLIN, SteadyClock::monotonic_now() + 50 * kNanosPerMilli,
                    &stopping_)) {
      continue;
    }
    UniqueFd client(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (client) serve_one(client.get());
  }
}

void MetricsServer::serve_one(int fd) {
  const std::string head = read_head(fd, stopping_);
  const size_t first_space = head.find(' ');
  const size_t second_space = head.find(' ', first_space + 1);
  if (head.empty() || first_space == std::string::npos || second_space == std::string::npos) {
    return;  // nothing usable arrived: just close
  }
  const std::string_view method = std::string_view(head).substr(0, first_space);
  std::string_view path =
      std::string_view(head).substr(first_space + 1, second_space - first_space - 1);
  path = path.substr(0, path.find('?'));
  const bool head_only = method == "HEAD";
  std::string reply;
  if (method != "GET" && !head_only) {
    reply = response(405, "Method Not Allowed", "text/plain", "only GET /metrics\n", false);
  } else if (path != "/metrics") {
    reply = response(404, "Not Found", "text/plain", "perfgate serves /metrics\n", head_only);
  } else {
    reply = response(200, "OK", kContentType, body_(), head_only);
    scrapes_.fetch_add(1);
  }
  send_all(fd, reply, stopping_);
  ::shutdown(fd, SHUT_WR);
}

}  // namespace perfgate::outputs
