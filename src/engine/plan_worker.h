// PlanWorker: one thread running a plan's share of VUs — one net::EventLoop, one ScenarioDriver
// per scenario (the executor logic) and the FlowVus the drivers create. Workers share only the
// read-only Plan/PlanIndex and a few atomics in PlanShared (stop flag, shared-iterations and
// feeder counters). VU k (0-based, per scenario) belongs to worker k % workers, and arrival k to
// worker k % workers, so the split is deterministic.
//
// Metrics go into the active half of the worker's double-buffered Shard<PlanMetrics> with no
// lock; the coordinator flips and collects the other half once a second (see metric_shard.h).
//
// Thread-safety: run() on the worker's thread; request_stop(), wake(), finished(), busy_vus()
// from any thread; metrics() on the worker's thread only; shard() per Shard's protocol, and
// every shard half belongs to the coordinator once finished() is true.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "engine/connection.h"
#include "engine/connection_pool.h"
#include "engine/metric_shard.h"
#include "engine/plan_index.h"
#include "engine/plan_metrics.h"
#include "net/event_loop.h"
#include "net/resolver.h"
#include "plan/plan.h"

namespace perfgate::engine {

class FlowVu;
class ScenarioDriver;

// A request step whose bytes never vary (URL, headers and body without templates): written once
// before the run and sent as they are (the literal fast path), to an origin resolved up front.
struct LiteralRequest {
  std::string wire;  // empty: the step is rendered per request
  Origin origin;
  // The same request for sessions that do not take HTTP/1.1 bytes (views into the fields
  // below, and `wire` as its http1_wire).
  protocols::OutgoingRequest request;
  std::string body;
  std::vector<std::string> values;
  std::vector<protocols::HeaderField> fields;
};

// State shared by all workers of one plan run.
struct PlanShared {
  PlanShared(const plan::Plan& p, const PlanIndex& i, int w)
      : plan(p), index(i), workers(w), claimed(p.scenarios.size()), sequence(p.scenarios.size()) {}
  const plan::Plan& plan;
  const PlanIndex& index;
  int workers;
  Nanos start = 0;    // clock time of the plan's start
  Nanos timeout = 0;  // default request timeout (options.timeout)
  std::string user_agent = "perfgate";
  Nanos timer_resolution = net::EventLoop::kDefaultTimerResolution;
  const net::TransportFactory* tcp = nullptr;
  const net::TransportFactory* tls = nullptr;  // null: https:// requests fail (no TLS setup)
  bool cookies = true;  // VUs keep a cookie jar (response headers are captured for it)
  int connections = 0;  // > 0: VUs share this many connections (split over the workers)
  std::vector<std::vector<LiteralRequest>> literals;  // parallel to PlanIndex::flows
  std::atomic<bool> stop{false};                      // cut everything now (abort, interrupt)
  std::deque<std::atomic<int64_t>> claimed;           // shared-iterations: iterations claimed
  std::deque<std::atomic<uint64_t>> sequence;         // per scenario: iterations started (feeders)
};

class PlanWorker final : private net::TimerHandler {
 public:
  static constexpr size_t kReadBufferBytes = 64 * 1024;
  static constexpr Nanos kSweepInterval = 10 * kNanosPerMilli;

  PlanWorker(PlanShared& shared, const Clock& clock, int index);
  ~PlanWorker();
  PlanWorker(const PlanWorker&) = delete;
  PlanWorker& operator=(const PlanWorker&) = delete;

  void run();
  void request_stop() {
    shared_.stop.store(true, std::memory_order_release);
    loop_.wake();
  }
  void wake() { loop_.wake(); }
  bool finished() const { return finished_.load(std::memory_order_acquire); }
  int64_t busy_vus() const { return busy_gauge_.load(std::memory_order_relaxed); }
  int64_t allocated_vus() const { return allocated_gauge_.load(std::memory_order_relaxed); }
  // VUs of scenario `scenario` busy in an iteration on this worker.
  int64_t scenario_busy_vus(size_t scenario) const {
    return scenario_busy_[scenario].load(std::memory_order_relaxed);
  }
  Shard<PlanMetrics>& shard() { return shard_; }
  PlanMetrics& metrics() { return shard_.active(); }

  // For drivers and VUs (worker thread only).
  int index() const { return index_; }
  PlanShared& shared() { return shared_; }
  net::EventLoop& loop() { return loop_; }
  const Clock& clock() const { return clock_; }
  ConnectionContext& connection_context() { return connection_context_; }
  // Resolves hosts the plan index did not resolve before the run (rendered URLs, redirects).
  // Made on first use; null when c-ares cannot be set up (those requests fail with dns_error).
  net::Resolver* resolver();
  // The shared connections (--connections), or null when each VU has its own.
  ConnectionPool* pool() { return pool_.get(); }
  FlowVu& new_vu(ScenarioDriver& driver, int64_t number);
  void vu_busy(size_t scenario, int delta);

 private:
  PlanShared& shared_;
  const Clock& clock_;
  int index_;
  net::EventLoop loop_;
  std::unique_ptr<net::Resolver> resolver_;  // after loop_: it unregisters from it when destroyed
  bool resolver_tried_ = false;
  std::unique_ptr<char[]> read_buffer_;
  ConnectionContext connection_context_;
  std::unique_ptr<ConnectionPool> pool_;
  uint64_t sweep_timer_ = 0;
  std::deque<FlowVu> vus_;  // stable addresses (epoll and timers hold pointers)
  std::vector<std::unique_ptr<ScenarioDriver>> drivers_;
  Shard<PlanMetrics> shard_;
  int64_t busy_ = 0;
  std::atomic<bool> finished_{false};

  // Every kSweepInterval: fail the requests whose deadline passed (one walk over the VUs instead
  // of a timer per request).
  void on_timer(uint64_t token) override;
  std::atomic<int64_t> busy_gauge_{0};
  std::atomic<int64_t> allocated_gauge_{0};
  std::unique_ptr<std::atomic<int64_t>[]> scenario_busy_;  // per scenario; this thread writes
};

}  // namespace perfgate::engine
