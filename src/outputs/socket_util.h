// Small blocking-socket helpers for the live outputs: an owning fd and deadline-bound waits
// (addresses, host:port parsing and name resolution come from net/address.h). The outputs never run
// on the engine's event loops, so plain blocking calls with poll() timeouts keep them simple and
// still bounded in time.
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
#include "net/address.h"

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

// Waits until `fd` is ready for `events` (POLLIN/POLLOUT) or `deadline` (a SteadyClock time)
// passes; returns false on timeout. With `cancel`, it wakes every 50 ms to look at the flag and
// returns false once it is set, so a stuck peer never holds a shutdown longer than that.
bool wait_ready(int fd, short events, Nanos deadline, const std::atomic<bool>* cancel);

}  // namespace perfgate::outputs
