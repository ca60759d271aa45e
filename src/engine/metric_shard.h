// Shard<Set>: one worker's metrics, double-buffered so the coordinator can collect them while
// the worker keeps recording, with no lock on the hot path. The one-liner's workers keep a
// MetricShard (Shard<results::MetricSet>), plan workers a Shard<PlanMetrics>; a Set needs
// add(const Set&) and reset().
//
// Protocol (an epoch handshake; epochs only grow):
//   - The worker records into active(), which is sets_[epoch % 2] for the epoch it last saw.
//   - The coordinator calls request_flip(): requested_epoch_ += 1 (release).
//   - The worker calls poll_flip() once per loop turn: if the requested epoch changed, it moves
//     to the other set and publishes acked_epoch_ = requested (release). From then on it never
//     touches the old set.
//   - The coordinator waits until flip_acknowledged() (acquire), then owns the old set: it
//     merges it and resets it (take_retired()). Its writes happen-before the worker's next use
//     of that set, because the next request_flip() is a release the worker's acquire pairs with.
//   - Once the worker has stopped touching the shard for good (thread joined, or a release
//     store the coordinator acquires), the coordinator may read both sets (drain()).
//
// Thread-safety: exactly one worker thread calls active()/poll_flip(); exactly one coordinator
// thread calls request_flip()/flip_acknowledged()/take_retired()/drain().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "core/clock.h"
#include "results/metric_set.h"

namespace perfgate::engine {

template <typename Set>
class Shard {
 public:
  // Both sets are built from the same arguments (e.g. the sizes of per-name tables).
  template <typename... Args>
  explicit Shard(const Args&... args) : sets_{Set(args...), Set(args...)} {}
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  // Worker side.
  Set& active() { return *active_; }
  void poll_flip() {
    const uint64_t requested = requested_epoch_.load(std::memory_order_acquire);
    if (requested == seen_epoch_) return;
    seen_epoch_ = requested;
    active_ = &sets_[requested & 1];
    acked_epoch_.store(requested, std::memory_order_release);
  }

  // Coordinator side.
  void request_flip() { requested_epoch_.fetch_add(1, std::memory_order_release); }
  bool flip_acknowledged() const {
    return acked_epoch_.load(std::memory_order_acquire) ==
           requested_epoch_.load(std::memory_order_relaxed);
  }
  // REQUIRES: flip_acknowledged(). Adds the retired set into `into` and clears it.
  void take_retired(Set* into) {
    // The worker is on sets_[acked & 1]; the other one is retired.
    Set& retired = sets_[(acked_epoch_.load(std::memory_order_acquire) + 1) & 1];
    into->add(retired);
    retired.reset();
  }
  // REQUIRES: the worker has stopped for good. Adds both sets into `into` and clears them.
  void drain(Set* into) {
    for (Set& set : sets_) {
      into->add(set);
      set.reset();
    }
  }

 private:
  Set sets_[2];
  Set* active_ = &sets_[0];
  uint64_t seen_epoch_ = 0;  // worker-only
  std::atomic<uint64_t> requested_epoch_{0};
  std::atomic<uint64_t> acked_epoch_{0};
};

using MetricShard = Shard<results::MetricSet>;

// One collection by the coordinator: flips the shard of every running worker, waits up to
// `timeout` for the flips, and merges the retired halves into `into`. A finished worker no
// longer touches its shard, so both halves are taken; one that did not answer in time keeps its
// numbers for the next collection. Workers need shard(), wake() and finished().
template <typename Workers, typename Set>
void collect_shards(Workers& workers, const Clock& clock, Nanos timeout, Set* into) {
  for (auto& w : workers) {
    if (w->finished()) continue;
    w->shard().request_flip();
    w->wake();
  }
  const Nanos give_up = clock.now() + timeout;
  for (auto& w : workers) {
    auto& shard = w->shard();
    while (!shard.flip_acknowledged() && !w->finished() && clock.now() < give_up) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    if (w->finished()) {
      shard.drain(into);
    } else if (shard.flip_acknowledged()) {
      shard.take_retired(into);
    }
  }
}

}  // namespace perfgate::engine
