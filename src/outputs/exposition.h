// Prometheus text exposition format 0.0.4 — what `--out prometheus=127.0.0.1:9464` serves on
// /metrics. Every sample carries testid (and scenario when set):
//
//   perfgate_http_reqs_total, perfgate_http_req_failed_total         counters
//   perfgate_errors_total{error_class="..."}                          counter, every class
//   perfgate_http_responses_total{status="200"}                       counter, statuses seen
//   perfgate_data_sent_bytes_total, perfgate_data_received_bytes_total, perfgate_iterations_total,
//   perfgate_dropped_iterations_total                                  counters
//   perfgate_vus                                                       gauge
//   perfgate_http_req_duration_seconds_{bucket,sum,count}             histogram (run totals)
//   perfgate_http_req_duration_last_second_seconds{stat="p99"}        gauge: p50 p90 p95 p99 max
//   perfgate_schedule_lag_p99_seconds                                  gauge (last second)
//   perfgate_<gauge name>, e.g. perfgate_sut_cpu_percent               gauges from --monitor
//
// The histogram is cut from the HdrHistogram totals: a recorded value counts in every bucket
// whose bound is >= the lowest value of its HDR bucket (within 0.1%), so buckets are cumulative
// and never decrease; _sum uses each HDR bucket's middle value, _count equals the +Inf bucket
// and the histogram's count (completed responses, so transport failures are not in it).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "outputs/live_output.h"
#include "outputs/remote_write.h"
#include "results/metric_set.h"
#include "results/run_result.h"
#include "stats/hdr_histogram.h"

namespace perfgate::outputs {

std::string escape_label_value(std::string_view value);  // '\' '"' and line feeds
std::string escape_help(std::string_view text);          // '\' and line feeds
// Replaces characters outside [a-zA-Z0-9_:] with '_' (and a leading digit gets a '_' before it).
std::string sanitize_metric_name(std::string_view name);
// "+Inf", "-Inf", "NaN", integers without a fraction, others in shortest round-trip form.
std::string format_sample_value(double value);

// The default bounds of perfgate_http_req_duration_seconds: 100 µs .. 60 s.
const std::vector<double>& default_duration_buckets_seconds();

struct HistogramBuckets {
  std::vector<double> upper_bounds;  // seconds, ascending; +Inf is implied after the last
  std::vector<int64_t> cumulative;   // one per bound, then one for +Inf (== count)
  int64_t count = 0;
  double sum = 0;  // seconds
};

// Cuts a histogram of microseconds into cumulative Prometheus buckets with bounds in seconds.
HistogramBuckets histogram_buckets(const HdrHistogram& micros, std::span<const double> bounds);

// The whole /metrics page.
std::string format_exposition(const RunInfo& run, const results::TimeSeriesPoint& last_second,
                              const results::MetricSet& totals, const std::vector<Gauge>& gauges);

// The /metrics page in k6's names (`?schema=k6`): `series` (k6_series.h) grouped into families
// by name, each with its "# TYPE", samples without timestamps, empty labels left out.
std::string format_k6_exposition(std::vector<RemoteSeries> series);

}  // namespace perfgate::outputs
