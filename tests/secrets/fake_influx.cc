#include "fake_influx.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace perfgate::test_support {

FakeInflux::FakeInflux() {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  ::listen(listener_, 16);
  acceptor_ = std::thread([this] {
    while (!stop_.load()) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client >= 0) clients_.emplace_back([this, client] { serve(client); });
    }
  });
}

FakeInflux::~FakeInflux() {
  stop_.store(true);
  acceptor_.join();
  for (std::thread& t : clients_) t.join();
  ::close(listener_);
}

std::vector<std::string> FakeInflux::request_lines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

// Reads requests (head + Content-Length body) and answers each with 204 until the peer closes.
void FakeInflux::serve(int client) {
  std::string buffer;
  char chunk[4096];
  while (!stop_.load()) {
    const size_t head_end = buffer.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      size_t length = 0;
      if (const size_t at = buffer.find("Content-Length:");
          at != std::string::npos && at < head_end)
        length = std::strtoul(buffer.c_str() + at + 15, nullptr, 10);
      if (buffer.size() >= head_end + 4 + length) {
        {
          std::lock_guard lock(mutex_);
          lines_.push_back(buffer.substr(0, buffer.find("\r\n")));
        }
        buffer.erase(0, head_end + 4 + length);
        const std::string reply = "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n";
        if (::write(client, reply.data(), reply.size()) < 0) break;
        continue;
      }
    }
    pollfd p{client, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::read(client, chunk, sizeof chunk);
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  ::close(client);
}

}  // namespace perfgate::test_support
