// The worker's loop: arrivals, the timeout sweep, stopping. Per-connection I/O is in
// worker_io.cc.
#include "engine/worker.h"

#include <unistd.h>

#include <algorithm>

namespace perfgate::engine {
namespace {

// This worker's share of `total` when it is split as evenly as possible over `workers`.
size_t share_of(int64_t total, int workers, int index) {
  const int64_t base = total / workers;
  return static_cast<size_t>(base + (index < total % workers ? 1 : 0));
}

}  // namespace

Worker::Worker(const EngineConfig& config, const Clock& clock, int index, int workers, Nanos start,
               Nanos end)
    : config_(config),
      clock_(clock),
      loop_(clock),
      end_(end),
      read_buffer_(new char[kReadBufferBytes]) {
  const bool open = config.model == results::Model::kOpen;
  vu_capacity_ = share_of(open ? config.max_vus : config.vus, workers, index);
  vus_.reserve(vu_capacity_);
  if (open) {
    scheduler_.emplace(start, end, config.rate, workers, index, config.drop_after);
    idle_.reserve(vu_capacity_);
  }
  next_sweep_ = start + kSweepInterval;
  if (!open && config.requests > 0)
    budget_ = static_cast<int64_t>(share_of(config.requests, workers, index));
  loop_.set_timer_resolution(config.timer_resolution);
}

Worker::~Worker() {
  for (Vu& vu : vus_) close_connection(vu);
}

void Worker::run() {
  Nanos now = clock_.now();
  if (!scheduler_) {  // closed model: every VU starts its first iteration now
    for (size_t i = 0; i < vu_capacity_; ++i) vus_.emplace_back(this);
    allocated_gauge_.store(static_cast<int64_t>(vus_.size()), std::memory_order_relaxed);
    for (Vu& vu : vus_) {
      if (claim_request()) begin_iteration(vu, now, now);
    }
  }
  while (true) {
    shard_.poll_flip();
    now = clock_.now();
    dispatch_arrivals(now);  // before begin_stop: iterations due before the end still start
    const bool all_sent = budget_ == 0 && busy_ == 0;  // --requests done
    if (!stopping_ &&
        (now >= end_ || all_sent || stop_requested_.load(std::memory_order_acquire))) {
      begin_stop(now);
    }
    if (now >= next_sweep_) sweep(now);
    busy_gauge_.store(busy_, std::memory_order_relaxed);
    if (stopping_ && (busy_ == 0 || now >= grace_deadline_)) break;
    loop_.poll(poll_wait(now));
  }
  for (Vu& vu : vus_) close_connection(vu);
  busy_gauge_.store(0, std::memory_order_relaxed);
  finished_.store(true, std::memory_order_release);
}

Nanos Worker::poll_wait(Nanos now) const {
  Nanos until = next_sweep_;
  if (stopping_) {
    until = std::min(until, grace_deadline_);
  } else {
    until = std::min(until, end_);
    if (scheduler_) until = std::min(until, scheduler_->next_scheduled());
  }
  return std::max<Nanos>(0, until - now);
}

void Worker::begin_stop(Nanos now) {
  stopping_ = true;
  grace_deadline_ = now + config_.grace;
  if (scheduler_) {
    scheduler_->stop(now);
    metrics().dropped_iterations += static_cast<int64_t>(scheduler_->dropped() - dropped_reported_);
    dropped_reported_ = scheduler_->dropped();
  }
}

void Worker::dispatch_arrivals(Nanos now) {
  if (!scheduler_ || stopping_) return;
  while (scheduler_->has_due(now)) {
    Vu* vu = free_vu();
    if (vu == nullptr) break;  // all VUs busy: the arrival waits (and its latency keeps counting)
    begin_iteration(*vu, scheduler_->pop(), now);
  }
  if (scheduler_->dropped() != dropped_reported_) {
    metrics().dropped_iterations += static_cast<int64_t>(scheduler_->dropped() - dropped_reported_);
    dropped_reported_ = scheduler_->dropped();
  }
}

Vu* Worker::free_vu() {
  if (!idle_.empty()) {
    Vu* vu = idle_.back();
    idle_.pop_back();
    return vu;
  }
  if (vus_.size() < vu_capacity_) {
    Vu* vu = &vus_.emplace_back(this);
    allocated_gauge_.store(static_cast<int64_t>(vus_.size()), std::memory_order_relaxed);
    return vu;
  }
  return nullptr;
}

void Worker::sweep(Nanos now) {
  next_sweep_ = now + kSweepInterval;
  for (Vu& vu : vus_) {
    if (vu.deadline == 0 || vu.deadline > now) continue;
    switch (vu.state) {
      case Vu::State::kConnecting:
        fail(vu, results::ErrorClass::kConnectTimeout, now);
        break;
      case Vu::State::kSending:
      case Vu::State::kAwaitingResponse:
        fail(vu, results::ErrorClass::kRequestTimeout, now);
        break;
      case Vu::State::kBackoff:
        vu.deadline = 0;
        vu.state = Vu::State::kIdle;
        if (!stopping_ && claim_request()) begin_iteration(vu, now, now);
        break;
      case Vu::State::kIdle:
        vu.deadline = 0;
        break;
    }
  }
}

}  // namespace perfgate::engine
