// Clock: the one source of time for everything that schedules or measures.
//
// Executors, rate limiters and samplers take a Clock& so tests can drive them with FakeClock on
// simulated time. Times are nanoseconds on a monotonic axis (steady_clock's epoch for
// SteadyClock, zero for FakeClock); wall-clock time is only used for run metadata.
//
// Thread-safety: SteadyClock is stateless and safe everywhere. FakeClock is safe to read from any
// thread while one thread advances it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>

namespace perfgate {

using Nanos = std::int64_t;  // a monotonic timestamp or duration in nanoseconds

constexpr Nanos kNanosPerMicro = 1'000;
constexpr Nanos kNanosPerMilli = 1'000'000;
constexpr Nanos kNanosPerSecond = 1'000'000'000;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Nanos now() const = 0;
};

// CLOCK_MONOTONIC via clock_gettime (vDSO, ~20 ns, no syscall).
class SteadyClock final : public Clock {
 public:
  Nanos now() const override { return monotonic_now(); }

  static Nanos monotonic_now() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return Nanos{ts.tv_sec} * kNanosPerSecond + ts.tv_nsec;
  }
};

// Simulated time for tests: only moves when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Nanos start = 0) : now_(start) {}
  Nanos now() const override { return now_.load(std::memory_order_acquire); }
  void advance(Nanos delta) { now_.fetch_add(delta, std::memory_order_acq_rel); }
  void set(Nanos t) { now_.store(t, std::memory_order_release); }

 private:
  std::atomic<Nanos> now_;
};

// Wall-clock time in nanoseconds since the Unix epoch, for metadata only.
inline std::int64_t wall_clock_unix_nanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace perfgate
