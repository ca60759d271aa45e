#include "net/event_loop.h"

#include <fmt/format.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace perfgate::net {
namespace {

bool later(const auto& a, const auto& b) { return a.deadline > b.deadline; }

Error epoll_error(std::string_view what, int fd) {
  return make_error(fmt::format("epoll_ctl {} fd {}: {}", what, fd, std::strerror(errno)));
}

}  // namespace

EventLoop::EventLoop(const Clock& clock) : clock_(clock), ready_(1024) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = static_cast<IoHandler*>(&wake_);
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_.fd, &ev);
}

EventLoop::~EventLoop() {
  close(wake_.fd);
  close(epoll_fd_);
}

void EventLoop::WakeHandler::on_io(uint32_t) {
  uint64_t value;
  while (read(fd, &value, sizeof value) > 0) {
  }
}

Result<void> EventLoop::add(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return epoll_error("add", fd);
  return {};
}

Result<void> EventLoop::modify(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) return epoll_error("modify", fd);
  return {};
}

void EventLoop::remove(int fd) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

uint64_t EventLoop::schedule(Nanos deadline, TimerHandler* handler) {
  const uint64_t token = next_token_++;
  timers_.push_back(Timer{deadline, token, handler});
  std::push_heap(timers_.begin(), timers_.end(), later<Timer, Timer>);
  return token;
}

int EventLoop::run_due_timers() {
  int fired = 0;
  const Nanos now = clock_.now();
  while (!timers_.empty() && timers_.front().deadline <= now) {
    std::pop_heap(timers_.begin(), timers_.end(), later<Timer, Timer>);
    Timer due = timers_.back();
    timers_.pop_back();
    due.handler->on_timer(due.token);
    ++fired;
  }
  return fired;
}

int EventLoop::poll(Nanos max_wait) {
  const Nanos now = clock_.now();
  Nanos wait = max_wait;
  if (!timers_.empty()) {
    const Nanos until_timer = std::max<Nanos>(0, timers_.front().deadline - now);
    wait = wait < 0 ? until_timer : std::min(wait, until_timer);
  }
  if (wait > 0 && resolution_ > 0) {  // end the wait on the resolution's grid
    const Nanos deadline = now + wait;
    wait = (deadline + resolution_ - 1) / resolution_ * resolution_ - now;
  }
  const int n = wait_for_events(wait);
  int handled = 0;
  for (int i = 0; i < n; ++i) {
    static_cast<IoHandler*>(ready_[i].data.ptr)->on_io(ready_[i].events);
    ++handled;
  }
  return handled + run_due_timers();
}

int EventLoop::wait_for_events(Nanos wait) {
  if (!slack_set_) {
    slack_set_ = true;
    prctl(PR_SET_TIMERSLACK, 1000UL);  // nanoseconds; the default 50 µs would blur timers
  }
  const int size = static_cast<int>(ready_.size());
  if (precise_waits_) {
    const timespec timeout{static_cast<time_t>(wait / kNanosPerSecond),
                           static_cast<long>(wait % kNanosPerSecond)};
    const int n =
        epoll_pwait2(epoll_fd_, ready_.data(), size, wait < 0 ? nullptr : &timeout, nullptr);
    if (n >= 0 || errno != ENOSYS) return n;
    precise_waits_ = false;  // an older kernel: whole milliseconds from now on
  }
  // Round up so that a timer 0.3 ms away does not spin with a 0 ms timeout.
  const int timeout_ms =
      wait < 0 ? -1 : static_cast<int>((wait + kNanosPerMilli - 1) / kNanosPerMilli);
  return epoll_wait(epoll_fd_, ready_.data(), size, timeout_ms);
}

void EventLoop::wake() {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_.fd, &one, sizeof one);
}

}  // namespace perfgate::net
