#include "law_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace perfgate::test_support {

LawServer::LawServer(LawConfig config) : config_(config) {
  free_at_.assign(std::max(1, config_.workers), Clock::now());
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(listen_fd_, 1024);
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

LawServer::~LawServer() {
  stop_ = true;
  acceptor_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
  ::close(listen_fd_);
}

std::string LawServer::url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

void LawServer::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mutex_);
    threads_.emplace_back([this, fd] { connection(fd); });
  }
}

void LawServer::connection(int fd) {
  ++connections_;
  while (!stop_ && respond(fd)) {
  }
  --connections_;
  ::close(fd);
}

LawServer::Clock::time_point LawServer::answer_at(Clock::time_point arrival, bool* reject) {
  using std::chrono::duration;
  const auto service =
      std::chrono::duration_cast<Clock::duration>(duration<double, std::milli>(config_.service_ms));
  *reject = false;
  switch (config_.law) {
    case LawConfig::Law::kWorkers: {
      std::lock_guard lock(mutex_);
      auto first = std::min_element(free_at_.begin(), free_at_.end());
      *first = std::max(*first, arrival) + service;
      return *first;
    }
    case LawConfig::Law::kUsl: {
      const double n = connections_.load();
      const double factor = 1 + config_.sigma * (n - 1) + config_.kappa * n * (n - 1);
      return arrival + std::chrono::duration_cast<Clock::duration>(
                           duration<double, std::milli>(config_.service_ms * factor));
    }
    case LawConfig::Law::kBreaker: {
      std::lock_guard lock(mutex_);
      arrivals_.push_back(arrival);
      while (arrival - arrivals_.front() > std::chrono::milliseconds(500)) arrivals_.pop_front();
      if (static_cast<double>(arrivals_.size()) > config_.trip_rate * 0.5) {
        open_until_ = arrival + std::chrono::duration_cast<Clock::duration>(
                                    duration<double>(config_.trip_seconds));
      }
      *reject = arrival < open_until_;
      return *reject ? arrival : arrival + service;
    }
  }
  return arrival;
}

bool LawServer::respond(int fd) {
  std::string request;
  char buffer[4096];
  while (request.find("\r\n\r\n") == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, 100);
    if (stop_) return false;
    if (ready <= 0) continue;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0 || request.size() > 65536) return false;
    request.append(buffer, static_cast<size_t>(n));
  }
  const auto arrival = Clock::now();
  bool reject = false;
  std::this_thread::sleep_until(answer_at(arrival, &reject));
  static const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  static const std::string kBusy =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy";
  const std::string& response = reject ? kBusy : kOk;
  return ::write(fd, response.data(), response.size()) == static_cast<ssize_t>(response.size());
}

}  // namespace perfgate::test_support
