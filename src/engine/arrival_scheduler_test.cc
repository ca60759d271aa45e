#include "engine/arrival_scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace perfgate::engine {
namespace {

constexpr Nanos kMs = kNanosPerMilli;

// Pops everything due at the clock's current time.
std::vector<Nanos> pop_all_due(ArrivalScheduler& s, const FakeClock& clock) {
  std::vector<Nanos> out;
  while (s.has_due(clock.now())) out.push_back(s.pop());
  return out;
}

TEST(ArrivalScheduler, SchedulesAtFixedIntervalsUntilTheEnd) {
  FakeClock clock(1000 * kMs);
  const Nanos start = clock.now();
  ArrivalScheduler s(start, start + 1000 * kMs, 100.0, 1, 0, 5000 * kMs);  // every 10 ms
  std::vector<Nanos> all;
  for (int i = 0; i < 1200; ++i) {
    auto due = pop_all_due(s, clock);
    all.insert(all.end(), due.begin(), due.end());
    clock.advance(kMs);
  }
  ASSERT_EQ(all.size(), 100u);
  for (size_t i = 0; i < all.size(); ++i)
    EXPECT_EQ(all[i], start + static_cast<Nanos>(i) * 10 * kMs);
  EXPECT_TRUE(s.exhausted());
  EXPECT_EQ(s.dropped(), 0u);
  EXPECT_EQ(s.started(), 100u);
}

TEST(ArrivalScheduler, WorkersInterleaveIntoTheGlobalCadence) {
  const Nanos start = 0;
  std::vector<Nanos> merged;
  for (int w = 0; w < 3; ++w) {
    ArrivalScheduler s(start, start + 100 * kMs, 300.0, 3, w, kNanosPerSecond);
    while (s.has_due(200 * kMs)) merged.push_back(s.pop());
  }
  std::sort(merged.begin(), merged.end());
  ASSERT_EQ(merged.size(), 30u);  // 300/s for 100 ms
  for (size_t i = 0; i < merged.size(); ++i) {
    EXPECT_NEAR(static_cast<double>(merged[i]), i * (kNanosPerSecond / 300.0), 1.0);
  }
}

TEST(ArrivalScheduler, NothingIsDueBeforeItsTime) {
  FakeClock clock(0);
  ArrivalScheduler s(10 * kMs, 110 * kMs, 10.0, 1, 0, kNanosPerSecond);  // at 10 ms, 110 ms
  EXPECT_FALSE(s.has_due(clock.now()));
  EXPECT_EQ(s.next_scheduled(), 10 * kMs);
  clock.set(10 * kMs);
  ASSERT_TRUE(s.has_due(clock.now()));
  EXPECT_EQ(s.pop(), 10 * kMs);
  EXPECT_FALSE(s.has_due(clock.now()));
  EXPECT_TRUE(s.exhausted()) << "110 ms is the end, not scheduled";
}

TEST(ArrivalScheduler, QueuedIterationsKeepTheirScheduledTimeAndLagIsVisible) {
  FakeClock clock(0);
  ArrivalScheduler s(0, kNanosPerSecond, 1000.0, 1, 0, kNanosPerSecond);  // every 1 ms
  clock.set(50 * kMs + kMs / 2);  // the worker was busy for 50.5 ms
  EXPECT_EQ(s.pending(clock.now()), 51u);
  ASSERT_TRUE(s.has_due(clock.now()));
  const Nanos first = s.pop();
  EXPECT_EQ(first, 0) << "the oldest waiting iteration starts first, with its own schedule";
  EXPECT_EQ(clock.now() - first, 50 * kMs + kMs / 2) << "schedule lag of that iteration";
  EXPECT_EQ(s.pending(clock.now()), 50u);
}

TEST(ArrivalScheduler, DropsIterationsThatWaitedLongerThanTheBound) {
  FakeClock clock(0);
  ArrivalScheduler s(0, 10 * kNanosPerSecond, 100.0, 1, 0, 200 * kMs);  // every 10 ms
  clock.set(1000 * kMs);
  ASSERT_TRUE(s.has_due(clock.now()));
  // Scheduled at 0..790 ms waited more than 200 ms: 80 dropped; 800 ms is exactly at the bound.
  EXPECT_EQ(s.dropped(), 80u);
  EXPECT_EQ(s.pop(), 800 * kMs);
  EXPECT_EQ(s.pending(clock.now()), 20u);
}

TEST(ArrivalScheduler, StopDropsPendingAndSchedulesNothingMore) {
  FakeClock clock(0);
  ArrivalScheduler s(0, 10 * kNanosPerSecond, 100.0, 1, 0, 5 * kNanosPerSecond);
  clock.set(95 * kMs);
  ASSERT_TRUE(s.has_due(clock.now()));
  s.pop();  // 0 ms started; 10..90 ms pending
  EXPECT_EQ(s.stop(clock.now()), 9u);
  EXPECT_EQ(s.dropped(), 9u);
  clock.set(5 * kNanosPerSecond);
  EXPECT_FALSE(s.has_due(clock.now()));
  EXPECT_TRUE(s.exhausted());
}

TEST(ArrivalScheduler, FractionalRatesKeepTheAverage) {
  // 3 per second for 10 s over 2 workers: exactly 30 iterations in total.
  uint64_t total = 0;
  for (int w = 0; w < 2; ++w) {
    ArrivalScheduler s(0, 10 * kNanosPerSecond, 3.0, 2, w, kNanosPerSecond);
    for (Nanos t = 0; t <= 11 * kNanosPerSecond; t += 7 * kMs) {
      while (s.has_due(t)) {
        s.pop();
        ++total;
      }
    }
  }
  EXPECT_EQ(total, 30u);
}

}  // namespace
}  // namespace perfgate::engine
