// RunResult: the one data model of a finished run that every formatter reads (console summary,
// summary JSON; later the results file, HTML, JUnit, compare). Plain data, no behaviour beyond
// small derived values, so a result read back from a file draws exactly like a live one.
//
// Times are nanoseconds unless a name says otherwise; latencies inside histograms are
// microseconds. Add fields freely; keep them documented with their unit.
// Thread-safety: a plain value; built by the engine's coordinator, then read-only.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "results/metric_set.h"
#include "results/name_series.h"
#include "stats/hdr_histogram.h"

namespace perfgate::results {

enum class Model : uint8_t { kClosed, kOpen };

// The duration of a run bounded only by its request count (`-n` without `-d`).
inline constexpr Nanos kNoDurationLimit = 24 * 3600 * kNanosPerSecond;

struct RunMetadata {
  std::string version;       // perfgate version that produced the run
  std::string command_line;  // the command as typed, for reproducing it
  Model model = Model::kClosed;
  std::string target_url;
  int64_t start_unix_nanos = 0;  // wall-clock start
  Nanos duration = 0;            // configured duration
  int64_t requests = 0;          // closed model: the request count asked for (-n); 0: none
  Nanos elapsed = 0;             // actual time from the start to the last result
  int threads = 0;
  int vus = 0;      // closed model: VUs; open model: 0
  int max_vus = 0;  // open model: VU (connection) cap; closed model: same as vus
  double rate = 0;  // open model: scheduled iterations per second; closed model: 0
  Nanos timeout = 0;
  // What ran, for the summary's header when it is not one model's shape (a plan's scenarios);
  // not stored in results files.
  std::string description;
};

// One second of the run (the interval ending at t_seconds).
struct TimeSeriesPoint {
  double t_seconds = 0;  // end of the interval, seconds since the start
  int64_t requests = 0;
  int64_t errors = 0;  // failed requests in the interval
  int64_t active_vus = 0;
  // http_req_duration over the interval, microseconds.
  int64_t p50_us = 0, p90_us = 0, p95_us = 0, p99_us = 0, max_us = 0;
  int64_t schedule_lag_p99_us = 0;  // open model only
  // Failed requests of the interval by class (only classes that occurred; they sum to `errors`).
  std::vector<std::pair<ErrorClass, int64_t>> error_classes;
  // VUs busy in an iteration per scenario, parallel to RunResult::scenarios (plans only).
  std::vector<int64_t> scenario_vus;
};

// Whether the load generator itself could be trusted during the run.
struct GeneratorHealth {
  double cpu_seconds = 0;             // process user + system CPU time over the run
  double cpu_percent = 0;             // cpu_seconds / (elapsed * cores the workers could use) * 100
  int usable_cores = 0;               // min(worker threads, online CPUs)
  std::vector<std::string> warnings;  // each a full sentence with its numbers; empty = healthy
};

struct VuGauge {
  int64_t value = 0;  // at the end of the run
  int64_t min = 0;
  int64_t max = 0;
};

// http_req_duration over one collection interval (about a second), kept encoded (HdrHistogram
// V2, zlib, base64: a few hundred bytes) so that an hour of intervals stays near a megabyte. The
// HdrHistogram interval log (`--out hdr=`) is written from these.
struct EncodedInterval {
  double start_seconds = 0;  // since the run's start
  double length_seconds = 0;
  int64_t max_us = 0;
  std::string histogram;  // encode_compressed_base64 (stats/hdr_encoding.h)
};

struct RunResult {
  RunMetadata meta;
  MetricSet totals;
  std::vector<TimeSeriesPoint> series;
  GeneratorHealth health;
  VuGauge vus;      // VUs busy in an iteration (closed model: all of them)
  VuGauge vus_max;  // VUs allocated (connections the engine was allowed to hold)
  std::vector<EncodedInterval> duration_intervals;  // one per series point with requests
  std::vector<std::string> scenarios;  // a plan's scenario names (see scenario_vus); else empty
  NameSeriesSet name_series;           // http_req_duration per request name over time
  bool interrupted = false;            // stopped by SIGINT/SIGTERM before the configured end

  double elapsed_seconds() const { return static_cast<double>(meta.elapsed) / kNanosPerSecond; }
  // http_req_failed as a fraction of http_reqs (0 when there were none).
  double failed_rate() const {
    return totals.http_reqs == 0 ? 0.0
                                 : static_cast<double>(totals.failed_requests) /
                                       static_cast<double>(totals.http_reqs);
  }
};

std::string_view model_name(Model model);

// Appends the interval that ends at `end_seconds` and starts at the last series point (or 0).
// Call before pushing that interval's TimeSeriesPoint. Empty histograms are skipped.
void record_duration_interval(RunResult& run, double end_seconds, const HdrHistogram& duration);

}  // namespace perfgate::results
