#include "bad_server.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <vector>

namespace perfgate::test_support {

BadServer::BadServer(Misbehaviour mode) : mode_(mode) {
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

BadServer::~BadServer() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

std::string BadServer::url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

// One poll() loop over the listener and every client; a client is answered (badly) once its
// request headers are complete.
void BadServer::serve() {
  std::map<int, std::string> clients;  // fd -> bytes received so far
  while (!stop_) {
    std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
    for (const auto& [fd, _] : clients) fds.push_back({fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
    if (fds[0].revents & POLLIN) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        clients[fd];
        ++connections_;
      }
    }
    for (size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      const int fd = fds[i].fd;
      char buffer[4096];
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n <= 0) {
        ::close(fd);
        clients.erase(fd);
        continue;
      }
      std::string& seen = clients[fd];
      seen.append(buffer, static_cast<size_t>(n));
      if (seen.find("\r\n\r\n") == std::string::npos) continue;
      seen.clear();
      ++requests_;
      on_request(fd);
      const bool keeps_open = mode_ == Misbehaviour::kStall || mode_ == Misbehaviour::kGarbage ||
                              mode_ == Misbehaviour::kTrailingBytes ||
                              mode_ == Misbehaviour::kEndlessBody;
      if (!keeps_open) clients.erase(fd);
    }
  }
  for (const auto& [fd, _] : clients) ::close(fd);
}

void BadServer::on_request(int fd) {
  switch (mode_) {
    case Misbehaviour::kReset: {
      linger hard{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
      ::close(fd);
      return;
    }
    case Misbehaviour::kStall:
      return;
    case Misbehaviour::kCloseMidBody: {
      static constexpr char kPartial[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort";
      [[maybe_unused]] ssize_t n = ::write(fd, kPartial, sizeof kPartial - 1);
      ::close(fd);
      return;
    }
    case Misbehaviour::kGarbage: {
      static constexpr char kGarbageBytes[] = "SSH-2.0-OpenSSH_9.2\r\n\r\n";
      [[maybe_unused]] ssize_t n = ::write(fd, kGarbageBytes, sizeof kGarbageBytes - 1);
      return;
    }
    case Misbehaviour::kTrailingBytes: {
      static constexpr char kTwice[] =
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n";
      [[maybe_unused]] ssize_t n = ::write(fd, kTwice, sizeof kTwice - 1);
      return;
    }
    case Misbehaviour::kNulHeader: {
      static constexpr char kNul[] = "HTTP/1.1 200 OK\r\nX-A\0B: 1\r\nContent-Length: 2\r\n\r\nok";
      [[maybe_unused]] ssize_t n = ::write(fd, kNul, sizeof kNul - 1);
      ::close(fd);
      return;
    }
    case Misbehaviour::kEndlessBody: {
      static constexpr char kHead[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
      [[maybe_unused]] ssize_t n = ::write(fd, kHead, sizeof kHead - 1);
      std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
      pollfd out{fd, POLLOUT, 0};
      for (int i = 0; i < 256; ++i) {  // 16 MiB at most; a client that stops reading ends it
        size_t sent = 0;
        while (sent < chunk.size() && ::poll(&out, 1, 200) > 0) {
          const ssize_t w = ::send(fd, chunk.data() + sent, chunk.size() - sent, MSG_NOSIGNAL);
          if (w <= 0) return;
          sent += static_cast<size_t>(w);
        }
        if (sent < chunk.size()) return;
      }
      return;
    }
  }
}

}  // namespace perfgate::test_support
