#include "monitor/run_evidence.h"

namespace perfgate::monitor {
namespace {

using results::Trend;

std::optional<double> mean_ms(const results::MetricSet& m, Trend trend) {
  const HdrHistogram& h = m.trend(trend);
  if (h.count() == 0) return std::nullopt;
  return h.mean() / 1000;  // recorded in microseconds
}

// Requests that opened a connection: connecting samples above zero.
double connections_opened(const results::MetricSet& m) {
  const HdrHistogram& h = m.trend(Trend::kConnecting);
  return static_cast<double>(h.count() - h.count_at_index(h.counts_index_for(0)));
}

}  // namespace

LoadEvidence evidence_from_run(const results::RunResult& run, double run_start_s) {
  LoadEvidence e;
  double previous_t = 0;
  for (const results::TimeSeriesPoint& p : run.series) {
    const double length = p.t_seconds - previous_t;
    previous_t = p.t_seconds;
    LoadInterval i;
    i.t_s = run_start_s + p.t_seconds;
    i.requests = static_cast<double>(p.requests);
    i.errors = static_cast<double>(p.errors);
    i.load_level = run.meta.model == results::Model::kClosed
                       ? static_cast<double>(p.active_vus)
                       : (length > 0 ? i.requests / length : 0);
    if (p.requests > 0) i.latency_p95_ms = static_cast<double>(p.p95_us) / 1000;
    e.intervals.push_back(i);
  }
  const results::MetricSet& m = run.totals;
  e.connect_ms = mean_ms(m, Trend::kConnecting);
  e.send_ms = mean_ms(m, Trend::kSending);
  e.wait_ms = mean_ms(m, Trend::kWaiting);
  e.receive_ms = mean_ms(m, Trend::kReceiving);
  if (auto d = mean_ms(m, Trend::kDurationUncorrected)) e.total_ms = *d + e.connect_ms.value_or(0);
  e.requests_total = static_cast<double>(m.http_reqs);
  if (m.trend(Trend::kConnecting).count() > 0) e.connections_opened = connections_opened(m);
  if (m.trend(Trend::kScheduleLag).count() > 0) {
    e.schedule_lag_p99_ms =
        static_cast<double>(m.trend(Trend::kScheduleLag).value_at_percentile(99)) / 1000;
  }
  e.dropped_iterations = static_cast<double>(m.dropped_iterations);
  const double elapsed = run.elapsed_seconds();
  if (elapsed > 0 && run.health.usable_cores > 0) {
    e.generator_cpu_percent = 100 * run.health.cpu_seconds / elapsed;
    e.generator_cores = run.health.usable_cores;
  }
  return e;
}

}  // namespace perfgate::monitor
