// InfluxDbOutput: `--out influxdb=http://127.0.0.1:8086/write?db=perfgate` — each second's points
// (influxdb_points.h) POSTed to an InfluxDB 1.x /write endpoint by a sender thread of its own.
//
// The coordinator never waits for InfluxDB: on_second() formats the batch and pushes it into a
// bounded queue (a mutex held for a push, never across I/O). When the queue is full the batch is
// dropped and counted (dropped_batches()), so a slow or dead server costs the run some points,
// never its pacing. A batch whose POST fails (refused, timed out, non-2xx) is counted as failed
// and not retried: a retry would only add to the backlog that caused the failure.
//
// Thread-safety: on_gauges/on_second/finish from one thread; the counters from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "outputs/http_client.h"
#include "outputs/influxdb_points.h"
#include "outputs/live_output.h"

namespace perfgate::outputs {

struct InfluxDbOptions {
  size_t max_pending_batches = 10;              // queue bound: 10 s of points
  Nanos request_timeout = 2 * kNanosPerSecond;  // one POST, connect to last byte
  Nanos finish_wait = 2 * kNanosPerSecond;      // finish(): most time spent flushing
  bool create_database = true;                  // CREATE DATABASE at start-up
};

class InfluxDbOutput final : public LiveOutput {
 public:
  // Parses the URL (path /write, a db parameter), resolves the host and, with
  // options.create_database, runs CREATE DATABASE through /query — the start-up check that the
  // server is there. Starts the sender thread.
  static Result<std::unique_ptr<InfluxDbOutput>> create(std::string_view url, const RunInfo& run,
                                                        const InfluxDbOptions& options = {});
  ~InfluxDbOutput() override;

  void on_gauges(const std::vector<Gauge>& gauges) override;
  void on_second(const results::TimeSeriesPoint& second, const results::MetricSet& totals) override;
  void finish() override;
  std::string summary_note() const override;

  int64_t sent_batches() const { return sent_.load(); }
  int64_t failed_batches() const { return failed_.load(); }
  int64_t dropped_batches() const { return dropped_.load(); }

 private:
  InfluxDbOutput(HttpUrl url, net::Address address, const RunInfo& run,
                 const InfluxDbOptions& options);
  void push(std::string batch);
  void sender_loop();
  Result<void> post(const std::string& batch);

  const HttpUrl url_;
  const net::Address address_;
  const RunInfo run_;
  const InfluxDbOptions options_;

  CounterSnapshot previous_;  // coordinator thread only
  std::string pending_;       // on_gauges() lines waiting for the next on_second()

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;  // guarded by mutex_
  bool stopping_ = false;          // guarded by mutex_
  bool busy_ = false;              // guarded by mutex_: a POST is in flight
  std::atomic<bool> cancel_{false};
  std::atomic<int64_t> sent_{0}, failed_{0}, dropped_{0};
  mutable std::mutex error_mutex_;
  std::string last_error_;  // guarded by error_mutex_
  std::thread sender_;
};

}  // namespace perfgate::outputs
