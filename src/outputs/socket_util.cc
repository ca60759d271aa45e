#include "outputs/socket_util.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace perfgate::outputs {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void UniqueFd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool wait_ready(int fd, short events, Nanos deadline, const std::atomic<bool>* cancel) {
  constexpr Nanos kSlice = 50 * kNanosPerMilli;
  for (;;) {
    if (cancel != nullptr && cancel->load(std::memory_order_acquire)) return false;
    const Nanos left = deadline - SteadyClock::monotonic_now();
    if (left <= 0) return false;
    const Nanos wait = cancel != nullptr ? std::min(left, kSlice) : left;
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, static_cast<int>((wait + kNanosPerMilli - 1) / kNanosPerMilli));
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return false;
  }
}

}  // namespace perfgate::outputs
