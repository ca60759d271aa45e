// What one second of a run writes to InfluxDB — the schema docs/outputs.md and the Grafana
// dashboard (deploy/grafana/perfgate-influxdb.json) read:
//
//   perfgate,testid=T[,scenario=S]  http_reqs=120i,http_req_failed=3i,vus=10i,
//       iterations=120i,dropped_iterations=0i,data_sent=9120i,data_received=30210i,
//       http_req_duration_p50=1.2,..._p90,_p95,_p99,_max=9.8,schedule_lag_p99=0.1   (ms)
//   perfgate_errors,testid=T,error_class=connect_refused  count=3i     (classes seen this second)
//   perfgate_responses,testid=T,status=200                count=117i   (statuses seen this second)
//   perfgate_monitor,testid=T  sut_cpu_percent=41.5,sut_rss_bytes=1.2e+08   (from --monitor)
//
// Counts are for the second (not running totals), so sum() over any window is that window's
// count. Per-second counts come from the difference of two consecutive MetricSet totals.
//
// Thread-safety: pure functions and values.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "outputs/live_output.h"
#include "results/metric_set.h"
#include "results/run_result.h"

namespace perfgate::outputs {

// The counters of a MetricSet (histograms left out), so two seconds can be subtracted.
struct CounterSnapshot {
  int64_t http_reqs = 0;
  int64_t failed_requests = 0;
  int64_t iterations = 0;
  int64_t dropped_iterations = 0;
  int64_t data_sent = 0;
  int64_t data_received = 0;
  std::array<int64_t, results::kErrorClassCount> errors{};
  std::array<int64_t, results::kStatusSlots> statuses{};

  static CounterSnapshot of(const results::MetricSet& totals);
  // this - earlier, field by field.
  CounterSnapshot minus(const CounterSnapshot& earlier) const;
};

// Appends the lines of one second (perfgate, perfgate_errors, perfgate_responses) to `out`.
void append_second_points(std::string& out, const RunInfo& run,
                          const results::TimeSeriesPoint& second, const CounterSnapshot& delta,
                          int64_t unix_nanos);

// Appends one perfgate_monitor line with the gauges as fields (nothing when empty).
void append_gauge_points(std::string& out, const RunInfo& run, const std::vector<Gauge>& gauges,
                         int64_t unix_nanos);

}  // namespace perfgate::outputs
