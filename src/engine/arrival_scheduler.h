// ArrivalScheduler: the open model's timetable for one worker, and its waiting queue.
//
// The run's iterations are scheduled at fixed intervals of 1/rate: global iteration j starts at
// start + j / rate. With T workers, worker w owns j = w, w + T, w + 2T, ... — each worker runs
// rate/T with a phase offset of w/rate, so together they keep the exact global cadence.
//
// The queue is implicit: iterations whose scheduled time has passed but that have not started
// (no free VU) are the indices between `next_start_` and the first index still in the future.
// That needs no memory however long the queue grows. A pending iteration is dropped (and
// counted) once it has waited more than `drop_after` past its scheduled time; at the end of the
// run everything still pending is dropped. Latency of a started iteration counts from its
// scheduled time, so waiting in the queue shows up in the results (coordinated omission).
//
// Time is passed in as `now` (from the worker's Clock), so tests drive it with a FakeClock.
// Thread-safety: none; owned by one worker.
#pragma once

#include <cstdint>

#include "core/clock.h"

namespace perfgate::engine {

class ArrivalScheduler {
 public:
  // Iterations scheduled in [start, end) at `rate` per second over `workers` workers; this one is
  // worker `index`. REQUIRES: rate > 0, 0 <= index < workers.
  ArrivalScheduler(Nanos start, Nanos end, double rate, int workers, int index, Nanos drop_after);

  // Drops pending iterations that waited too long, then says whether one is due by `now`.
  bool has_due(Nanos now);
  // REQUIRES: has_due(now) was true. Removes the oldest pending iteration; returns its
  // scheduled time.
  Nanos pop();
  // The scheduled time of the oldest not-yet-started iteration (due or future); kNever when the
  // timetable is exhausted.
  Nanos next_scheduled() const;
  // No iteration remains, pending or future.
  bool exhausted() const { return next_scheduled() == kNever; }
  // Ends the timetable at `now`: iterations due by then but not started are dropped, later ones
  // are never scheduled. Returns how many were dropped by this call.
  uint64_t stop(Nanos now);

  uint64_t started() const { return started_; }
  uint64_t dropped() const { return dropped_; }
  // Number of due iterations waiting for a VU at `now`.
  uint64_t pending(Nanos now) const;

  static constexpr Nanos kNever = INT64_MAX;

 private:
  Nanos scheduled(uint64_t k) const;
  // First local index whose scheduled time is after `t`.
  uint64_t first_after(Nanos t) const;

  Nanos start_;
  Nanos end_;
  double interval_;  // nanoseconds between global iterations
  int workers_;
  int index_;
  Nanos drop_after_;
  uint64_t next_start_ = 0;  // oldest local iteration not yet started or dropped
  uint64_t limit_;           // local iterations scheduled before end_
  uint64_t started_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace perfgate::engine
