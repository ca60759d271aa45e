// EventLoop: one epoll instance driven by one thread, plus a timer queue and a wake-up eventfd.
//
// Registration is edge-triggered by default and meant to be done once per fd: callers write and
// read directly and only rely on readiness when a syscall returned EAGAIN, so the hot path makes
// no epoll_ctl calls per request.
//
// Timers are a binary min-heap of (deadline, token, handler). Cancelling is lazy: a handler
// keeps the token of its live timer and ignores fires with another token. Scheduling and firing
// are O(log n) and allocate only when the heap grows.
//
// Timer resolution: a wait (for a timer, or poll()'s own max_wait) ends at the next multiple of
// the resolution (an absolute grid, default 250 µs) at or after its deadline, so things due close
// together are handled in one wake-up. It trades the generator's lateness against its CPU: an
// open-model arrival is timed from its scheduled start, so every microsecond it starts late is
// reported as latency. Measured at 20,000 arrivals/s on this project's 2-core VM
// (docs/benchmarks.md): 1 ms grid (what whole-ms epoll_wait gives) → schedule lag 386 µs mean for
// 0.18 CPU-s/s; 250 µs → 96 µs for 0.39; precise (0) → 39 µs for 0.74. Waits use epoll_pwait2's
// nanosecond timeout (Linux 5.11+; epoll_wait's whole milliseconds otherwise) and the loop's thread
// gets a 1 µs timer slack.
//
// Thread-safety: everything except wake() must be called from the loop's own thread. wake() may
// be called from any thread to interrupt a blocking poll().
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace perfgate::net {

class IoHandler {
 public:
  virtual ~IoHandler() = default;
  // `events` is the epoll event mask (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDHUP).
  virtual void on_io(uint32_t events) = 0;
};

class TimerHandler {
 public:
  virtual ~TimerHandler() = default;
  virtual void on_timer(uint64_t token) = 0;
};

class EventLoop {
 public:
  static constexpr Nanos kDefaultTimerResolution = 250 * kNanosPerMicro;

  explicit EventLoop(const Clock& clock);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Register/modify/unregister interest. `handler` must outlive the registration.
  Result<void> add(int fd, uint32_t events, IoHandler* handler);
  Result<void> modify(int fd, uint32_t events, IoHandler* handler);
  void remove(int fd);

  // Fires `handler->on_timer(token)` at or after `deadline` (clock nanoseconds). Returns token.
  uint64_t schedule(Nanos deadline, TimerHandler* handler);

  // Waits for I/O up to `max_wait` (or the next timer, whichever is sooner; negative = no
  // limit besides timers), dispatches ready handlers and due timers. Returns handlers run.
  int poll(Nanos max_wait);

  // 0: wake at each timer's exact deadline; otherwise on a grid of this step (see above).
  void set_timer_resolution(Nanos resolution) { resolution_ = resolution; }

  // Interrupts a blocking poll() from another thread.
  void wake();

  const Clock& clock() const { return clock_; }
  size_t pending_timers() const { return timers_.size(); }

 private:
  struct Timer {
    Nanos deadline;
    uint64_t token;
    TimerHandler* handler;
  };
  struct WakeHandler final : IoHandler {
    int fd = -1;
    void on_io(uint32_t) override;
  };

  int run_due_timers();

  const Clock& clock_;
  int wait_for_events(Nanos wait);

  int epoll_fd_ = -1;
  Nanos resolution_ = kDefaultTimerResolution;
  bool precise_waits_ = true;  // epoll_pwait2 works here
  bool slack_set_ = false;
  WakeHandler wake_;
  std::vector<epoll_event> ready_;
  std::vector<Timer> timers_;  // min-heap on deadline
  uint64_t next_token_ = 1;
};

}  // namespace perfgate::net
