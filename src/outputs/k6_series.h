// K6Series: the run's metrics as k6's Prometheus outputs name them — what remote write pushes
// (remote_write_output.h) and what `--out prometheus=HOST:PORT?schema=k6` serves on /metrics
// (prometheus_output.h), built in this one place so the two never drift apart.
//
// Names: prefix k6_, counters _total, rates _rate, trends one gauge per statistic in seconds
// (_p99, _p95, _p90, _med, _avg, _min, _max). Every series is labelled testid, instance and
// scenario (when set) and the run's own tags (RunInfo::tags):
//   k6_http_reqs_total{status,expected_response}  k6_http_req_failed_rate  k6_vus
//   k6_iterations_total  k6_dropped_iterations_total  k6_data_sent_total  k6_data_received_total
//   k6_http_req_duration_p99{name,method,url} ... (per request name, and without name for all)
//   k6_http_req_waiting_p99 ... (the other trends)  k6_checks_rate{check}  k6_<gauge name>
// Statistics are over the run so far, as k6's are.
//
// Thread-safety: one thread (the coordinator).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "outputs/live_output.h"
#include "outputs/remote_write.h"

namespace perfgate::outputs {

class K6Series {
 public:
  explicit K6Series(const RunInfo& run) : run_(run) {}

  // Adds a second's per-name durations and check counts to the run so far.
  void add_detail(const SecondDetail& detail);
  // Every series, each stamped `timestamp_ms`; gauges are the monitor's latest numbers.
  std::vector<RemoteSeries> series(const results::TimeSeriesPoint& second,
                                   const results::MetricSet& totals,
                                   const std::vector<Gauge>& gauges, int64_t timestamp_ms) const;

 private:
  using Labels = std::vector<std::pair<std::string, std::string>>;
  struct Builder;

  const RunInfo run_;
  std::map<std::tuple<std::string, std::string, std::string>, HdrHistogram>
      names_;                                                  // (name, method, url)
  std::map<std::string, std::pair<int64_t, int64_t>> checks_;  // passes, fails
};

// "counter" for names ending in _total, "gauge" for the others (a k6 name's Prometheus type).
std::string_view k6_series_type(std::string_view name);

}  // namespace perfgate::outputs
