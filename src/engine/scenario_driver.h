// ScenarioDriver: one worker's share of one scenario, with k6's executor semantics driven by
// plan/schedule.h:
//   constant-vus / ramping-vus  VU k runs iterations back to back while k < vus_at(t); a VU
//                               ramped down finishes its iteration within gracefulRampDown.
//   per-vu-iterations           each VU runs `iterations` iterations (maxDuration bounds it).
//   shared-iterations           VUs claim iterations from one counter shared by all workers.
// Under an execution segment (plan.segment) the driver runs only the segment's striped share:
// VU k (global number k + 1) and arrival k are this worker's when plan::WorkerShare owns them,
// shared-iterations counts to the segment's share of iterations; ramping targets compare global
// VU numbers, so the parts' VUs add up to the target at every instant.
//   constant-/ramping-arrival-rate  iterations start at ArrivalTimes' times (open model) on a
//                               free VU; preAllocatedVUs exist from the start, more are created
//                               up to maxVUs; with none free the iteration is dropped, as in k6.
//                               The first request's latency counts from the scheduled start.
// At the scenario's end no iteration starts; at end + gracefulStop in-flight ones are cut.
//
// Thread-safety: owned by its worker thread.
#pragma once

#include <optional>
#include <vector>

#include "net/event_loop.h"
#include "plan/plan.h"
#include "plan/schedule.h"

namespace perfgate::engine {

class FlowVu;
class PlanWorker;

class ScenarioDriver final : public net::TimerHandler {
 public:
  ScenarioDriver(PlanWorker& worker, size_t scenario_index);

  void begin();  // schedules the scenario's start
  void on_timer(uint64_t token) override;
  // A VU finished an iteration (completed or failed). Starts its next one when the executor
  // says so; `backoff`: its connect failed, so wait a sweep interval first (no busy loop).
  void on_iteration_done(FlowVu& vu, Nanos now, bool backoff);
  bool done() const { return done_; }
  const plan::Scenario& scenario() const { return scenario_; }
  size_t scenario_index() const { return index_; }
  bool open_model() const { return plan::is_arrival_rate(scenario_.executor); }
  void cut_all();  // abort every in-flight iteration (stop request)

 private:
  void tick(Nanos now);
  void ramp(Nanos now);
  void arrivals(Nanos now);
  bool may_continue(FlowVu& vu, Nanos now);
  std::optional<Nanos> next_arrival();
  FlowVu* free_vu();
  void count_dropped();  // an arrival found no free VU
  void drop_pending_arrivals();
  void create_vus(int64_t count);
  void finish_if_idle(Nanos now);

  PlanWorker& worker_;
  const plan::Scenario& scenario_;
  size_t index_;
  plan::WorkerShare share_;  // which VUs and arrivals are this worker's
  int64_t iterations_ = 0;   // shared-iterations: this process's share
  Nanos start_ = 0, end_ = 0, hard_end_ = 0;
  std::vector<FlowVu*> vus_;  // this worker's VUs, in creation order
  int64_t max_vus_ = 0;       // this worker's share of the scenario's max VUs
  std::optional<plan::SharedArrivalTimes> arrival_times_;
  std::optional<Nanos> next_start_;
  bool started_ = false;
  bool done_ = false;
  bool in_arrivals_ = false;
  int nesting_ = 0;  // on_iteration_done -> start_iteration depth
  uint64_t timer_ = 0;
};

}  // namespace perfgate::engine
