// ScenarioDriver: k6's executors over one worker's share of a scenario; see scenario_driver.h.
#include "engine/scenario_driver.h"

#include <algorithm>

#include "engine/flow_vu.h"
#include "engine/plan_worker.h"

namespace perfgate::engine {
namespace {

using plan::ExecutorKind;

constexpr Nanos kTick = 10 * kNanosPerMilli;  // ramping and ending resolution; connect backoff
constexpr int kMaxNesting = 4;                // iterations started from inside an ending one

}  // namespace

ScenarioDriver::ScenarioDriver(PlanWorker& worker, size_t scenario_index)
    : worker_(worker),
      scenario_(worker.shared().plan.scenarios[scenario_index]),
      index_(scenario_index),
      share_(worker.shared().plan.segment, worker.index(), worker.shared().workers) {
  const plan::SegmentTuple& segment = worker.shared().plan.segment;
  start_ = worker.shared().start + scenario_.start_time;
  end_ = start_ + plan::regular_duration(scenario_);
  hard_end_ = end_ + scenario_.graceful_stop;
  max_vus_ = share_.count(plan::max_vus(scenario_));
  if (scenario_.executor == ExecutorKind::kSharedIterations) {
    iterations_ = plan::segment_iterations(scenario_, segment);
    // A segment with iterations but no VU of its own runs them on one VU (its worker 0).
    if (plan::segment_vus(scenario_, segment) > share_.process_count(plan::max_vus(scenario_)) &&
        worker.index() == 0) {
      max_vus_ = 1;
    }
  }
}

void ScenarioDriver::begin() { timer_ = worker_.loop().schedule(start_, this); }

void ScenarioDriver::create_vus(int64_t count) {
  for (int64_t i = 0; i < count; ++i) {
    // VU numbers are global (1-based), so __VU and ramping targets mean the same in every part.
    const uint64_t k = share_.global(vus_.size());
    vus_.push_back(&worker_.new_vu(*this, static_cast<int64_t>(k) + 1));
  }
}

std::optional<Nanos> ScenarioDriver::next_arrival() {
  if (auto t = arrival_times_->next()) return start_ + *t;
  return std::nullopt;
}

void ScenarioDriver::on_timer(uint64_t token) {
  if (token != timer_ || done_) return;
  const Nanos now = worker_.clock().now();
  if (!started_) {
    started_ = true;
    if (open_model()) {
      arrival_times_.emplace(scenario_, share_);
      next_start_ = next_arrival();
      create_vus(std::min(share_.count(scenario_.pre_allocated_vus), max_vus_));
    } else {
      create_vus(max_vus_);
    }
  }
  tick(now);
}

void ScenarioDriver::tick(Nanos now) {
  if (now >= hard_end_) {
    cut_all();
    done_ = true;
    return;
  }
  if (open_model()) {
    arrivals(now);
    if (now >= end_) drop_pending_arrivals();
  } else {
    ramp(now);
  }
  finish_if_idle(now);
  if (done_) return;
  Nanos next = now + kTick;
  // An arrival already due waits for a free VU (on_iteration_done starts it): no timer for it.
  if (next_start_ && now<end_&& * next_start_> now) next = std::min(next, *next_start_);
  if (now < end_) next = std::min(next, end_);
  timer_ = worker_.loop().schedule(std::min(next, hard_end_), this);
}

void ScenarioDriver::ramp(Nanos now) {
  const Nanos t = now - start_;
  const bool ramping = scenario_.executor == ExecutorKind::kRampingVus;
  const int64_t target = now < end_ ? plan::vus_at(scenario_, t) : 0;
  for (FlowVu* vu : vus_) {
    const int64_t k = vu->number() - 1;
    const bool active = k < target;
    if (active) {
      vu->deactivated_at = -1;
      if (!vu->busy() && may_continue(*vu, now)) vu->start_iteration(now, now);
      continue;
    }
    if (!vu->busy() || !ramping || now >= end_) continue;
    // Ramped down: the running iteration may finish within gracefulRampDown.
    if (vu->deactivated_at < 0) vu->deactivated_at = now;
    if (now - vu->deactivated_at >= scenario_.graceful_ramp_down) vu->abort();
  }
}

void ScenarioDriver::arrivals(Nanos now) {
  if (in_arrivals_) return;  // a VU that ends at once hands itself back to the loop below
  in_arrivals_ = true;
  while (next_start_ && *next_start_ <= now && *next_start_ < end_) {
    FlowVu* vu = free_vu();
    if (vu == nullptr && static_cast<int64_t>(vus_.size()) < max_vus_) {
      create_vus(1);
      vu = vus_.back();
    }
    if (vu != nullptr) {
      const Nanos scheduled = *next_start_;
      next_start_ = next_arrival();
      vu->start_iteration(scheduled, now);
      continue;
    }
    // No free VU: the arrival waits for one up to max_queue_wait, then it is dropped.
    if (now - *next_start_ < scenario_.max_queue_wait) break;
    count_dropped();
    next_start_ = next_arrival();
  }
  in_arrivals_ = false;
}

// Arrivals due before the end that never found a VU.
void ScenarioDriver::drop_pending_arrivals() {
  while (next_start_ && *next_start_ < end_) {
    count_dropped();
    next_start_ = next_arrival();
  }
}

void ScenarioDriver::count_dropped() {
  PlanMetrics& metrics = worker_.metrics();
  ++metrics.base.dropped_iterations;
  const SubMetricIndex& subs = worker_.shared().index.subs;
  if (subs.subs.empty()) return;
  for (size_t id : subs.iterations[index_]) {
    if (subs.subs[id].source != SubSource::kDroppedIterations) continue;
    ++metrics.subs[id].count;
    ++metrics.subs[id].samples;
  }
}

FlowVu* ScenarioDriver::free_vu() {
  for (FlowVu* vu : vus_) {
    if (!vu->busy()) return vu;
  }
  return nullptr;
}

// Whether a VU of an iteration-based or VU-based executor starts another iteration now.
bool ScenarioDriver::may_continue(FlowVu& vu, Nanos now) {
  if (now >= end_ || worker_.shared().stop.load(std::memory_order_relaxed)) return false;
  switch (scenario_.executor) {
    case ExecutorKind::kPerVuIterations:
      return vu.iterations() < scenario_.iterations;
    case ExecutorKind::kSharedIterations:
      return worker_.shared().claimed[index_].fetch_add(1) < iterations_;
    case ExecutorKind::kConstantVus:
      return true;
    case ExecutorKind::kRampingVus:
      return vu.number() - 1 < plan::vus_at(scenario_, now - start_);
    default:
      return false;
  }
}

void ScenarioDriver::on_iteration_done(FlowVu& vu, Nanos now, bool backoff) {
  if (open_model()) {
    if (now < end_) arrivals(now);  // a waiting arrival takes the VU that just became free
    return finish_if_idle(now);
  }
  if (may_continue(vu, now)) {
    if (backoff) {
      vu.start_at(now + kTick);
    } else if (nesting_ < kMaxNesting) {
      // Back to back, as a closed-model VU runs: no timer between iterations. An iteration
      // that ends inside this call (a request that fails at once) nests; past a few levels the
      // next one waits for the loop's next turn instead.
      ++nesting_;
      vu.start_iteration(now, now);
      --nesting_;
    } else {
      vu.start_at(now);
    }
    return;
  }
  finish_if_idle(now);
}

void ScenarioDriver::finish_if_idle(Nanos now) {
  if (!started_ || done_) return;
  const bool any_busy = std::any_of(vus_.begin(), vus_.end(), [](FlowVu* v) { return v->busy(); });
  if (any_busy) return;
  bool more = now < end_;
  if (more && open_model()) more = next_start_.has_value() && *next_start_ < end_;
  if (more && scenario_.executor == ExecutorKind::kPerVuIterations) {
    more = std::any_of(vus_.begin(), vus_.end(),
                       [&](FlowVu* v) { return v->iterations() < scenario_.iterations; });
  }
  if (more && scenario_.executor == ExecutorKind::kSharedIterations) {
    more = worker_.shared().claimed[index_].load() < iterations_;
  }
  if (more && scenario_.executor == ExecutorKind::kRampingVus) more = true;
  if (!more) done_ = true;
}

void ScenarioDriver::cut_all() {
  for (FlowVu* vu : vus_) vu->abort();
}

}  // namespace perfgate::engine
