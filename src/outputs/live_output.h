// LiveOutput: a sink that receives the run's numbers once a second while the run is going —
// `perfgate run --out influxdb=URL` and `--out prometheus=HOST:PORT`. File outputs written at the
// end (json, html, ...) are report/outputs.h; the CLI sends each --out value to one or the other
// by its TYPE (is_live_output_type()).
//
// Contract with the coordinator: make_live_output() does every check that can fail (parsing,
// name resolution, InfluxDB's CREATE DATABASE, binding the /metrics port) before any traffic.
// on_second() is called on the coordinator thread and never blocks on the network: it formats
// the second and hands it to the output's own thread (see influxdb_output.h,
// prometheus_output.h). finish() is bounded (about 2 s at most).
//
// Thread-safety: on_gauges/on_second/finish/summary_note from one thread (the coordinator).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "results/metric_set.h"
#include "results/run_result.h"
#include "stats/hdr_histogram.h"

namespace perfgate::outputs {

// What identifies the run in every point / series.
struct RunInfo {
  std::string run_id;    // InfluxDB tag / Prometheus label "testid"; generated when empty
  std::string scenario;  // tag "scenario"; omitted when empty
  std::string
      instance;  // tag "instance": a distributed run's part (--instance); omitted when empty
  // The run's own tags (`--tag k=v`, k6's test-wide tags) on every point and series, by key.
  // make_live_output() keeps only those output_tags() accepts.
  std::vector<std::pair<std::string, std::string>> tags;
};

// The tags of `tags` an output can carry beside its own: "testid" (it is run_id) and the keys
// outputs set per point (name, method, status, url, group, check, scenario, instance, le, stat,
// expected_response, error_code, error_class) are left out; Prometheus label names need
// [a-zA-Z_][a-zA-Z0-9_]*, so other characters become '_'. At most 32 tags, keys of at most 64
// and values of at most 256 bytes; the rest is dropped.
std::vector<std::pair<std::string, std::string>> output_tags(
    const std::vector<std::pair<std::string, std::string>>& tags);

// A named number from outside the engine, e.g. the monitor's "sut_cpu_percent" (docs/outputs.md).
struct Gauge {
  // Best as [a-zA-Z_][a-zA-Z0-9_]*: InfluxDB escapes other characters, Prometheus replaces them
  // with '_' (and prefixes "perfgate_").
  std::string name;
  double value = 0;
};

// One second of a run by request name and check, for outputs that write k6's per-sample schema.
// Pointers are valid only during the on_second_detail() call.
struct NamedSecond {
  std::string name;
  std::string method;
  std::string url;  // k6's url tag of the name (engine/request_labels.h); "" when unknown
  const HdrHistogram* duration = nullptr;  // http_req_duration of the second, microseconds
};
struct CheckSecond {
  std::string name;
  int64_t passes = 0;
  int64_t fails = 0;
};
struct SecondDetail {
  const results::MetricSet* interval = nullptr;  // this second only (trends, counters)
  std::vector<NamedSecond> names;                // empty: http_req_duration from `interval`
  std::vector<CheckSecond> checks;
};

class LiveOutput {
 public:
  virtual ~LiveOutput() = default;

  // Optional: the monitor's numbers for the coming second; call before that second's on_second.
  virtual void on_gauges(const std::vector<Gauge>& gauges) = 0;
  // Optional: the second's detail, called just before that second's on_second.
  virtual void on_second_detail(const SecondDetail& /*detail*/) {}
  // `second` is the interval just collected; `totals` the run so far (counters only grow).
  virtual void on_second(const results::TimeSeriesPoint& second,
                         const results::MetricSet& totals) = 0;
  // Flushes what is pending and stops the output's thread, waiting about 2 s at most.
  virtual void finish() = 0;
  // One line for the end-of-run summary: "influxdb: 62 batches sent, 0 dropped".
  virtual std::string summary_note() const = 0;
};

// True for the live types: "influxdb", "prometheus".
bool is_live_output_type(std::string_view type);

// Builds and starts a live output. `target` is the part after "TYPE=": an InfluxDB 1.x write URL
// (http://127.0.0.1:8086/write?db=perfgate) or a listen address for /metrics (127.0.0.1:9464,
// :9464). Errors are for the person at the start-up: unreachable server, port in use...
Result<std::unique_ptr<LiveOutput>> make_live_output(std::string_view type, std::string_view target,
                                                     const RunInfo& run);

// "20240501T101500Z-4f2a": UTC start time plus 4 random hex digits.
std::string generate_run_id();

}  // namespace perfgate::outputs
