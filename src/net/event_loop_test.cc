#include "net/event_loop.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

namespace perfgate::net {
namespace {

struct Recorder final : TimerHandler, IoHandler {
  std::vector<uint64_t> fired;
  int io = 0;
  void on_timer(uint64_t token) override { fired.push_back(token); }
  void on_io(uint32_t) override { ++io; }
};

TEST(EventLoop, TimersFireInDeadlineOrder) {
  SteadyClock clock;
  EventLoop loop(clock);
  Recorder r;
  const Nanos now = clock.now();
  const uint64_t late = loop.schedule(now + 3 * kNanosPerMilli, &r);
  const uint64_t early = loop.schedule(now + 1 * kNanosPerMilli, &r);
  while (r.fired.size() < 2) loop.poll(50 * kNanosPerMilli);
  EXPECT_EQ(r.fired, (std::vector<uint64_t>{early, late}));
}

TEST(EventLoop, DispatchesReadiness) {
  SteadyClock clock;
  EventLoop loop(clock);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  Recorder r;
  ASSERT_TRUE(loop.add(fds[0], EPOLLIN | EPOLLET, &r));
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  loop.poll(100 * kNanosPerMilli);
  EXPECT_EQ(r.io, 1);
  close(fds[0]);
  close(fds[1]);
}

TEST(EventLoop, WakeInterruptsBlockingPoll) {
  SteadyClock clock;
  EventLoop loop(clock);
  std::thread waker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    loop.wake();
  });
  const Nanos start = clock.now();
  loop.poll(5 * kNanosPerSecond);
  EXPECT_LT(clock.now() - start, 2 * kNanosPerSecond);
  waker.join();
}

}  // namespace
}  // namespace perfgate::net
