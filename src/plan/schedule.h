// Schedules: the pure timing functions behind k6's executors, with no clock and no threads, so
// the engine drives VUs from them and tests check them exactly on paper-computed values.
// All times are nanoseconds relative to the scenario's own start (add Scenario::start_time for
// the plan's time axis).
//
// ramping-vus (k6 getRawExecutionSteps): within a stage from a to b VUs over d, the target at
// elapsed e is a + trunc(e * (b - a) / d) — it moves one VU at a time, towards b, and reaches b
// exactly at the stage end; a zero-length stage jumps. After the last stage the target is 0.
//
// Arrival rate (k6 RampingArrivalRateConfig.cal): the rate is piecewise linear; the number of
// iterations started by t is the area under it, A(t). ramping-arrival-rate starts iteration i
// (i = 1, 2, ...) when A(t) = i, for every i <= A(end), solving the quadratic analytically;
// constant-arrival-rate starts iteration i (i = 0, 1, ...) at i * timeUnit / rate for every start
// before the duration (its first iteration starts at once). With `arrival: poisson`, the i-th
// start is where A(t) reaches the i-th point of a unit-rate Poisson process (sums of Exp(1)
// draws from a seeded generator): the same mean rate, exponential gaps, reproducible.
//
// Thread-safety: pure functions; ArrivalTimes is a value owned by one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <vector>

#include "plan/plan.h"
#include "plan/segment.h"

namespace perfgate::plan {

Nanos stages_duration(std::span<const Stage> stages);

// ramping-vus: the VU target at `t` (0 for t < 0 is not special: t < 0 returns start_vus).
std::int64_t ramping_vus_at(std::int64_t start_vus, std::span<const Stage> stages, Nanos t);

struct VuChange {
  Nanos at = 0;
  std::int64_t vus = 0;
};
// Every change of the ramping-vus target, in time order, starting with {0, start_vus} and ending
// with {stages_duration, 0} (k6's raw execution steps with zeroEnd).
std::vector<VuChange> ramping_vus_changes(std::int64_t start_vus, std::span<const Stage> stages);

// The scheduled VUs of any executor at `t` (an upper bound for the iteration-based ones, which
// may finish early; the pre-allocated VUs for arrival-rate executors).
std::int64_t vus_at(const Scenario& scenario, Nanos t);

// The most VUs the scenario may use at once (max_vus for arrival-rate executors).
std::int64_t max_vus(const Scenario& scenario);

// The scheduled iteration rate in iterations per second at `t` (arrival-rate executors; 0 for
// the others and outside the scenario).
double arrival_rate_at(const Scenario& scenario, Nanos t);

// The piecewise-linear rate of an arrival-rate scenario and its integral.
class ArrivalSchedule {
 public:
  // REQUIRES: is_arrival_rate(scenario.executor).
  explicit ArrivalSchedule(const Scenario& scenario);

  double total() const { return total_; }  // iterations over the whole duration: A(end)
  Nanos duration() const { return duration_; }
  double cumulative(Nanos t) const;  // A(t)
  // The earliest t with A(t) = count. REQUIRES: 0 <= count <= total().
  Nanos time_of(double count) const;

 private:
  struct Segment {
    Nanos start = 0, length = 0;
    long double from = 0, to = 0;  // iterations per nanosecond at the ends
    long double before = 0;        // A(start)
    long double area = 0;
  };
  std::vector<Segment> segments_;
  double total_ = 0;
  Nanos duration_ = 0;
};

// Iteration start times of an arrival-rate scenario, one at a time, in order; constant memory.
class ArrivalTimes {
 public:
  explicit ArrivalTimes(const Scenario& scenario);
  std::optional<Nanos> next();

 private:
  ArrivalSchedule schedule_;
  bool constant_;  // constant-arrival-rate counts from 0 and stops before the duration
  bool poisson_;
  std::int64_t rate_ = 0;
  Nanos time_unit_ = 0;
  std::uint64_t index_ = 0;
  long double poisson_area_ = 0;
  std::mt19937_64 rng_;
};

// One worker's share of a scenario's countable things (VUs, arrivals) under an execution
// segment: index k (global, k = 0, 1, ...) is the segment's (SegmentTuple::owns), its rank j
// among the segment's indices picks the worker, j % workers. Without a segment this is the plain
// k % workers split, so N processes x W workers add up to one process with W workers.
class WorkerShare {
 public:
  WorkerShare(const SegmentTuple& segment, int worker, int workers);
  bool owns(std::uint64_t k) const;
  // How many of the indices 0 .. total-1 are this worker's.
  std::int64_t count(std::int64_t total) const;
  // How many of them are this process's (all workers).
  std::int64_t process_count(std::int64_t total) const { return segment_.scale(total); }
  // The global index of this worker's n-th element (0-based).
  std::uint64_t global(std::uint64_t n) const;

 private:
  const SegmentTuple& segment_;
  std::uint64_t worker_, workers_;
};

// The start times of the arrivals a WorkerShare owns, in order: the same instants as the whole
// scenario's ArrivalTimes, the others' skipped (never a rescaled rate).
class SharedArrivalTimes {
 public:
  SharedArrivalTimes(const Scenario& scenario, const WorkerShare& share)
      : times_(scenario), share_(share) {}
  std::optional<Nanos> next();

 private:
  ArrivalTimes times_;
  WorkerShare share_;
  std::uint64_t index_ = 0;  // global index of the next ArrivalTimes value
};

// Makes `segment` the plan's execution segment and keeps, of each `segments: partition` data
// file, only the rows the segment owns (row r is owned like index r).
void apply_segment(Plan& plan, const SegmentTuple& segment);

// All start times (tests, `plan --explain`).
std::vector<Nanos> arrival_start_times(const Scenario& scenario);

// How long the executor schedules work: duration, the sum of the stages, or maxDuration.
Nanos regular_duration(const Scenario& scenario);
// regular_duration + gracefulStop: when the executor's last iteration is cut at the latest.
Nanos total_duration(const Scenario& scenario);
// The end of the last scenario on the plan's axis: max(startTime + total_duration).
Nanos plan_duration(const Plan& plan);
// The same without gracefulStop: when the last scenario stops scheduling work.
Nanos plan_regular_duration(const Plan& plan);

// Iterations the executor will start when nothing is dropped: the start-time count for
// arrival-rate executors, vus * iterations or iterations for the iteration-based ones; nullopt
// for VU-based executors, which run as many as they can.
std::optional<std::int64_t> planned_iterations(const Scenario& scenario);
// The same for one segment's share (VU counts, shared iterations and arrivals striped).
std::optional<std::int64_t> planned_iterations(const Scenario& scenario,
                                               const SegmentTuple& segment);

// The VUs of a scenario one segment runs: its share of max_vus, except that a shared-iterations
// segment that owns iterations but no VU gets one (so that iterations add up exactly).
std::int64_t segment_vus(const Scenario& scenario, const SegmentTuple& segment);
// The shared-iterations iterations of one segment.
std::int64_t segment_iterations(const Scenario& scenario, const SegmentTuple& segment);

}  // namespace perfgate::plan
