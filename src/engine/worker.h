// Worker: one thread, one net::EventLoop, and the VUs and connections it owns. Workers share
// nothing mutable with each other; the coordinator reads a worker's metrics through its
// MetricShard and a few relaxed atomic gauges, and asks it to stop through an atomic flag.
//
// Hot path (per request, steady state): one write() right after the previous response, one
// read() into the worker's 64 KiB buffer (a short read means the socket is drained: with
// edge-triggered epoll every new arrival raises a new edge, so no extra read() to see EAGAIN),
// ~2 clock reads, the histogram records. No allocation, no lock, no epoll_ctl: each fd is
// registered once, EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET, and close() unregisters it.
//
// Timeouts: a sweep every kSweepInterval (10 ms) walks the VUs and fails those whose connect or
// request deadline passed, so timeouts cost no timer per request (they fire up to 10 ms late).
//
// When each clock starts and stops (all from the worker's Clock, CLOCK_MONOTONIC):
//   scheduled     closed model: the VU begins the iteration (right after its previous one);
//                 open model: the iteration's slot in the arrival timetable.
//   picked_up     a VU takes the iteration (open model: a VU became free).
//                 http_req_blocked = picked_up - scheduled.
//   connect_start/connect_end  connect() called / the socket reported writable (connected).
//                 http_req_connecting = connect_end - connect_start; 0 on a reused connection.
//   send_start    the first write() of the request is about to be made.
//   send_end      the last request byte was accepted by the kernel.
//                 http_req_sending = send_end - send_start.
//   first_byte    the read() that returned the response's first bytes came back.
//                 http_req_waiting = first_byte - send_end (time to first byte).
//   done          the read() that completed the response came back.
//                 http_req_receiving = done - first_byte.
//   http_req_duration_uncorrected = done - send_start (= sending + waiting + receiving).
//   http_req_duration = closed model: the same; open model: done - scheduled, which counts the
//                 time the iteration waited for a VU (coordinated-omission correction).
//   schedule_lag  (open model) = send_start - scheduled.
//   iteration_duration = done - scheduled.
//
// Thread-safety: run() on the worker's thread; request_stop(), wake() and the gauges from any
// thread; shard() per MetricShard's protocol.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "engine/arrival_scheduler.h"
#include "engine/config.h"
#include "engine/metric_shard.h"
#include "engine/vu.h"
#include "net/event_loop.h"
#include "results/metric_set.h"

namespace perfgate::engine {

class Worker {
 public:
  static constexpr size_t kReadBufferBytes = 64 * 1024;

  // Worker `index` of `workers`, for a run starting at `start` and ending at `end` (clock time).
  Worker(const EngineConfig& config, const Clock& clock, int index, int workers, Nanos start,
         Nanos end);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Runs until the end (or a stop request) plus the grace period for in-flight requests.
  void run();

  void request_stop() { stop_requested_.store(true, std::memory_order_release); }
  void wake() { loop_.wake(); }
  // Whether run() has returned (e.g. its share of --requests is done).
  bool finished() const { return finished_.load(std::memory_order_acquire); }
  MetricShard& shard() { return shard_; }
  int64_t busy_vus() const { return busy_gauge_.load(std::memory_order_relaxed); }
  int64_t allocated_vus() const { return allocated_gauge_.load(std::memory_order_relaxed); }

 private:
  friend struct Vu;
  void on_io(Vu& vu, uint32_t events);
  void begin_iteration(Vu& vu, Nanos scheduled, Nanos now);
  void start_connect(Vu& vu, Nanos now);
  void on_connect_ready(Vu& vu, uint32_t events, Nanos now);
  void send_request(Vu& vu, Nanos now);
  void read_response(Vu& vu, uint32_t events, Nanos now);
  void on_eof(Vu& vu, Nanos now);
  void drain_idle(Vu& vu);
  void complete(Vu& vu, Nanos now, bool must_close);
  void fail(Vu& vu, results::ErrorClass error, Nanos now);
  void end_iteration(Vu& vu, Nanos now, bool connect_failed);
  void close_connection(Vu& vu);

  void begin_stop(Nanos now);
  // Closed model: takes one request from the worker's share of --requests; false when none is
  // left (always true without a limit).
  bool claim_request() {
    if (budget_ < 0) return true;
    if (budget_ == 0) return false;
    --budget_;
    return true;
  }
  void dispatch_arrivals(Nanos now);
  Vu* free_vu();
  void sweep(Nanos now);
  Nanos poll_wait(Nanos now) const;
  results::MetricSet& metrics() { return shard_.active(); }

  const EngineConfig& config_;
  const Clock& clock_;
  net::EventLoop loop_;
  Nanos end_;
  size_t vu_capacity_;
  std::vector<Vu> vus_;    // reserved to vu_capacity_ once; never reallocated
  std::vector<Vu*> idle_;  // open model: free VUs, most recently used last
  std::unique_ptr<char[]> read_buffer_;
  std::optional<ArrivalScheduler> scheduler_;  // open model only
  uint64_t dropped_reported_ = 0;
  MetricShard shard_;
  int64_t busy_ = 0;     // VUs in an iteration
  int64_t budget_ = -1;  // closed model: requests this worker may still start (-1: no limit)
  int nesting_ = 0;      // begin_iteration depth, to stop failure -> retry recursion
  bool stopping_ = false;
  Nanos grace_deadline_ = 0;
  Nanos next_sweep_ = 0;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> finished_{false};
  std::atomic<int64_t> busy_gauge_{0};
  std::atomic<int64_t> allocated_gauge_{0};
};

}  // namespace perfgate::engine
