#include "outputs/influxdb_points.h"

#include "outputs/line_protocol.h"

namespace perfgate::outputs {
namespace {

double to_ms(int64_t micros) { return static_cast<double>(micros) / 1000.0; }

LinePoint run_point(std::string_view measurement, const RunInfo& run) {
  LinePoint point(measurement);
  point.tag("testid", run.run_id).tag("scenario", run.scenario).tag("instance", run.instance);
  for (const auto& [key, value] : run.tags) point.tag(key, value);
  return point;
}

}  // namespace

CounterSnapshot CounterSnapshot::of(const results::MetricSet& totals) {
  CounterSnapshot s;
  s.http_reqs = totals.http_reqs;
  s.failed_requests = totals.failed_requests;
  s.iterations = totals.iterations;
  s.dropped_iterations = totals.dropped_iterations;
  s.data_sent = totals.data_sent;
  s.data_received = totals.data_received;
  s.errors = totals.errors;
  s.statuses = totals.statuses;
  return s;
}

CounterSnapshot CounterSnapshot::minus(const CounterSnapshot& earlier) const {
  CounterSnapshot d;
  d.http_reqs = http_reqs - earlier.http_reqs;
  d.failed_requests = failed_requests - earlier.failed_requests;
  d.iterations = iterations - earlier.iterations;
  d.dropped_iterations = dropped_iterations - earlier.dropped_iterations;
  d.data_sent = data_sent - earlier.data_sent;
  d.data_received = data_received - earlier.data_received;
  for (size_t i = 0; i < errors.size(); ++i) d.errors[i] = errors[i] - earlier.errors[i];
  for (size_t i = 0; i < statuses.size(); ++i) d.statuses[i] = statuses[i] - earlier.statuses[i];
  return d;
}

void append_second_points(std::string& out, const RunInfo& run,
                          const results::TimeSeriesPoint& second, const CounterSnapshot& delta,
                          int64_t unix_nanos) {
  LinePoint main = run_point("perfgate", run);
  main.field("http_reqs", second.requests)
      .field("http_req_failed", second.errors)
      .field("vus", second.active_vus)
      .field("iterations", delta.iterations)
      .field("dropped_iterations", delta.dropped_iterations)
      .field("data_sent", delta.data_sent)
      .field("data_received", delta.data_received)
      .field("http_req_duration_p50", to_ms(second.p50_us))
      .field("http_req_duration_p90", to_ms(second.p90_us))
      .field("http_req_duration_p95", to_ms(second.p95_us))
      .field("http_req_duration_p99", to_ms(second.p99_us))
      .field("http_req_duration_max", to_ms(second.max_us))
      .field("schedule_lag_p99", to_ms(second.schedule_lag_p99_us));
  main.append_to(out, unix_nanos);
  for (size_t i = 0; i < delta.errors.size(); ++i) {
    if (delta.errors[i] <= 0) continue;
    run_point("perfgate_errors", run)
        .tag("error_class", results::kErrorClassNames[i])
        .field("count", delta.errors[i])
        .append_to(out, unix_nanos);
  }
  // Slot 0 counts requests without a response; perfgate_errors already says why they failed.
  for (size_t status = 1; status < delta.statuses.size(); ++status) {
    if (delta.statuses[status] <= 0) continue;
    run_point("perfgate_responses", run)
        .tag("status", std::to_string(status))
        .field("count", delta.statuses[status])
        .append_to(out, unix_nanos);
  }
}

void append_gauge_points(std::string& out, const RunInfo& run, const std::vector<Gauge>& gauges,
                         int64_t unix_nanos) {
  LinePoint point = run_point("perfgate_monitor", run);
  for (const Gauge& g : gauges) point.field(g.name, g.value);
  point.append_to(out, unix_nanos);
}

}  // namespace perfgate::outputs
