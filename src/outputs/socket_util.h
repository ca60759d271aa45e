// Small blocking-socket helpers for the live outputs: an owning fd, host:port parsing and name
// resolution, and deadline-bound waits. The outputs never run on the engine's event loops, so
// plain blocking calls with poll() timeouts keep them simple and still bounded in time.
//
// Thread-safety: reentrant; a UniqueFd belongs to one thread at a time.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/clock.h"
#include "core/result.h"

namespace perfgate::outputs {

// Closes its descriptor on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset();

 private:
  int fd_ = -1;
};

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  const sockaddr* ptr() const { return reinterpret_cast<const sockaddr*>(&storage); }
  uint16_t port() const;
  std::string to_string() const;  // "127.0.0.1:8086" or "[::1]:8086"
};

struct HostPort {
  std::string host;  // without brackets; "127.0.0.1" when the text had none
  uint16_t port = 0;
};

// "host:port", "[v6]:port", ":port" or a bare "port". Port 0 is allowed (bind to any free port).
Result<HostPort> parse_host_port(std::string_view text);

// getaddrinfo (blocking): call at start-up only. Prefers IPv4 when a name has both.
Result<SocketAddress> resolve_address(const std::string& host, uint16_t port);

// Waits until `fd` is ready for `events` (POLLIN/POLLOUT) or `deadline` (a SteadyClock time)
// passes; returns false on timeout. With `cancel`, it wakes every 50 ms to look at the flag and
// returns false once it is set, so a stuck peer never holds a shutdown longer than that.
bool wait_ready(int fd, short events, Nanos deadline, const std::atomic<bool>* cancel);

}  // namespace perfgate::outputs
