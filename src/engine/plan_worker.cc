// PlanWorker: the event loop of one plan worker thread; see plan_worker.h.
#include "engine/plan_worker.h"

#include <algorithm>

#include "engine/flow_vu.h"
#include "engine/scenario_driver.h"

namespace perfgate::engine {

PlanWorker::PlanWorker(PlanShared& shared, const Clock& clock, int index)
    : shared_(shared),
      clock_(clock),
      index_(index),
      loop_(clock),
      read_buffer_(new char[kReadBufferBytes]),
      connection_context_{loop_,      clock,     read_buffer_.get(), kReadBufferBytes,
                          shared.tcp, shared.tls},
      shard_(shared.index),
      scenario_busy_(new std::atomic<int64_t>[shared.plan.scenarios.size()]) {
  for (size_t s = 0; s < shared.plan.scenarios.size(); ++s) scenario_busy_[s].store(0);
  loop_.set_timer_resolution(shared.timer_resolution);
  if (shared.connections > 0) {
    // This worker's share of the connections: as even as integers allow, at least one.
    const int share =
        shared.connections / shared.workers + (index < shared.connections % shared.workers ? 1 : 0);
    pool_ = std::make_unique<ConnectionPool>(connection_context_,
                                             static_cast<size_t>(std::max(share, 1)));
    connection_context_.listener = pool_.get();
  }
  for (size_t s = 0; s < shared.plan.scenarios.size(); ++s) {
    drivers_.push_back(std::make_unique<ScenarioDriver>(*this, s));
  }
}

PlanWorker::~PlanWorker() = default;

FlowVu& PlanWorker::new_vu(ScenarioDriver& driver, int64_t number) {
  vus_.emplace_back(*this, driver, number);
  allocated_gauge_.store(static_cast<int64_t>(vus_.size()), std::memory_order_relaxed);
  return vus_.back();
}

net::Resolver* PlanWorker::resolver() {
  if (!resolver_tried_) {
    resolver_tried_ = true;
    if (auto made = net::Resolver::create(loop_)) resolver_ = std::move(*made);
  }
  return resolver_.get();
}

void PlanWorker::vu_busy(size_t scenario, int delta) {
  busy_ += delta;
  busy_gauge_.store(busy_, std::memory_order_relaxed);
  std::atomic<int64_t>& gauge = scenario_busy_[scenario];  // one writer: no read-modify-write
  gauge.store(gauge.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
}

void PlanWorker::on_timer(uint64_t token) {
  if (token != sweep_timer_) return;
  const Nanos now = clock_.now();
  if (pool_ != nullptr) {
    pool_->check_deadline(now);  // the VUs send through the pool only: their own stay unused
  } else {
    for (FlowVu& vu : vus_) vu.check_deadline(now);
  }
  sweep_timer_ = loop_.schedule(now + kSweepInterval, this);
}

void PlanWorker::run() {
  for (auto& driver : drivers_) driver->begin();
  sweep_timer_ = loop_.schedule(clock_.now() + kSweepInterval, this);
  for (;;) {
    shard_.poll_flip();
    if (shared_.stop.load(std::memory_order_acquire)) {
      for (auto& driver : drivers_) driver->cut_all();
      break;
    }
    const bool all_done =
        std::all_of(drivers_.begin(), drivers_.end(), [](const auto& d) { return d->done(); });
    if (all_done) break;
    loop_.poll(100 * kNanosPerMilli);
  }
  for (FlowVu& vu : vus_) vu.abort();
  if (pool_ != nullptr) pool_->close_all();
  finished_.store(true, std::memory_order_release);
}

}  // namespace perfgate::engine
