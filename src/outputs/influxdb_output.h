// InfluxDbOutput: `--out influxdb=URL` — each second's points POSTed to an InfluxDB 1.x /write
// endpoint (http:// or https://, kept alive) by a sender thread of its own. Two schemas:
//   k6's (influxdb_k6_points.h): a measurement per metric, field `value`; the default for k6's
//     URL form http://HOST:8086/DB, or with `schema=k6`;
//   perfgate's per-second aggregates (influxdb_points.h): the default for the write-URL form
//     http://HOST:8086/write?db=DB, or with `schema=perfgate`.
//
// The coordinator never waits for InfluxDB: on_second() formats the batch and pushes it into a
// bounded queue (batch_sender.h). When the queue is full the batch is dropped and counted
// (dropped_batches()), so a slow or dead server costs the run some points, never its pacing. A
// batch whose POST fails (refused, timed out, non-2xx) is counted as failed and not retried.
//
// Thread-safety: on_gauges/on_second/finish from one thread; the counters from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "core/clock.h"
#include "outputs/batch_sender.h"
#include "outputs/http_client.h"
#include "outputs/influxdb_k6_points.h"
#include "outputs/influxdb_points.h"
#include "outputs/live_output.h"

namespace perfgate::outputs {

struct InfluxDbOptions {
  size_t max_pending_batches = 10;              // queue bound: 10 s of points
  Nanos request_timeout = 2 * kNanosPerSecond;  // one POST, connect to last byte
  Nanos finish_wait = 2 * kNanosPerSecond;      // finish(): most time spent flushing
  bool create_database = true;                  // CREATE DATABASE at start-up
  HttpClientOptions http;                       // TLS verification, CA file, credentials
};

// InfluxDbOptions from k6's environment variables: K6_INFLUXDB_USERNAME, K6_INFLUXDB_PASSWORD
// (basic authentication), K6_INFLUXDB_TOKEN (an InfluxDB 1.8+/2.x token) and
// K6_INFLUXDB_INSECURE=true (skip TLS certificate verification).
InfluxDbOptions influxdb_options_from_environment();

class InfluxDbOutput final : public LiveOutput {
 public:
  // Parses the URL (path /write, a db parameter), resolves the host and, with
  // options.create_database, runs CREATE DATABASE through /query — the start-up check that the
  // server is there. Starts the sender thread.
  static Result<std::unique_ptr<InfluxDbOutput>> create(std::string_view url, const RunInfo& run,
                                                        const InfluxDbOptions& options = {});
  ~InfluxDbOutput() override;

  void on_gauges(const std::vector<Gauge>& gauges) override;
  void on_second_detail(const SecondDetail& detail) override;
  void on_second(const results::TimeSeriesPoint& second, const results::MetricSet& totals) override;
  void finish() override;
  std::string summary_note() const override;

  int64_t sent_batches() const { return sender_.sent(); }
  int64_t failed_batches() const { return sender_.failed(); }
  int64_t dropped_batches() const { return sender_.dropped(); }
  bool k6_schema() const { return k6_schema_; }

 private:
  InfluxDbOutput(EndpointUrl url, const RunInfo& run, const InfluxDbOptions& options,
                 bool k6_schema);
  Result<void> post(const std::string& batch, const std::atomic<bool>& cancel);

  const EndpointUrl url_;
  HttpClient client_;  // the sender thread's: keeps its connection between batches
  const RunInfo run_;
  const InfluxDbOptions options_;
  const bool k6_schema_;

  CounterSnapshot previous_;  // coordinator thread only
  std::string pending_;       // on_gauges() lines waiting for the next on_second()
  Window window_;             // k6 schema: the span on_second_detail() described (end 0: none)
  int64_t last_end_ = 0;      // the end of the previous second's span, Unix ns
  Window next_window();

  BatchSender sender_;  // last: its thread calls post(), which reads the members above
};

}  // namespace perfgate::outputs
