#include "report/console_summary.h"

#include <fmt/format.h>

#include <cmath>
#include <iterator>

#include "core/units.h"

namespace perfgate::report {
namespace {

using results::RunResult;
using results::Trend;

constexpr size_t kNameWidth = 34;

std::string dotted(std::string_view name) {
  std::string out(name);
  out += ' ';
  while (out.size() < kNameWidth) out += '.';
  return out + ':';
}

std::string us(int64_t micros) { return format_duration(micros * kNanosPerMicro); }

std::string trend_line(const HdrHistogram& h) {
  return fmt::format("avg={} min={} med={} max={} p(90)={} p(95)={} p(99)={} p(99.9)={}",
                     format_duration(static_cast<Nanos>(h.mean() * kNanosPerMicro)), us(h.min()),
                     us(h.value_at_percentile(50)), us(h.max()), us(h.value_at_percentile(90)),
                     us(h.value_at_percentile(95)), us(h.value_at_percentile(99)),
                     us(h.value_at_percentile(99.9)));
}

void append_trends(const RunResult& r, std::string& out) {
  const bool open = r.meta.model == results::Model::kOpen;
  const auto line = [&](Trend t, std::string_view note = {}) {
    fmt::format_to(std::back_inserter(out), "  {} {}{}\n",
                   dotted(results::kTrendNames[static_cast<size_t>(t)]),
                   trend_line(r.totals.trend(t)), note);
  };
  line(Trend::kDuration, open ? "  (from the scheduled start: corrected)" : "");
  if (open) line(Trend::kDurationUncorrected, "  (from the actual send)");
  if (r.totals.trend(Trend::kGrpcDuration).count() > 0) line(Trend::kGrpcDuration);
  line(Trend::kBlocked);
  line(Trend::kConnecting);
  if (r.totals.trend(Trend::kTlsHandshaking).count() > 0) line(Trend::kTlsHandshaking);
  line(Trend::kSending);
  line(Trend::kWaiting);
  line(Trend::kReceiving);
  if (open) line(Trend::kScheduleLag);
  line(Trend::kIterationDuration);
}

void append_errors(const RunResult& r, std::string& out) {
  std::string errors;
  for (size_t i = 0; i < results::kErrorClassCount; ++i) {
    if (r.totals.errors[i] == 0) continue;
    fmt::format_to(std::back_inserter(errors), "{}{}={}", errors.empty() ? "" : " ",
                   results::kErrorClassNames[i], r.totals.errors[i]);
  }
  fmt::format_to(std::back_inserter(out), "  {} {}\n", dotted("errors"),
                 errors.empty() ? "none" : errors);
  std::string statuses;
  for (size_t s = 0; s < results::kStatusSlots; ++s) {
    if (r.totals.statuses[s] == 0) continue;
    fmt::format_to(std::back_inserter(statuses), "{}{}={}", statuses.empty() ? "" : " ",
                   s == 0 ? std::string("no_response") : std::to_string(s), r.totals.statuses[s]);
  }
  fmt::format_to(std::back_inserter(out), "  {} {}\n", dotted("responses"),
                 statuses.empty() ? "none" : statuses);
}

std::string header(const RunResult& r) {
  const auto& m = r.meta;
  const std::string shape =
      !m.description.empty() ? m.description
      : m.model == results::Model::kOpen
          ? fmt::format("open model: {:g} iterations/s, up to {} VUs", m.rate, m.max_vus)
          : fmt::format("closed model: {} VUs", m.vus);
  // -n without -d: the run lasts as long as the requests take.
  const bool count_only = m.requests > 0 && m.duration >= results::kNoDurationLimit;
  const std::string extent = m.requests == 0 ? fmt::format("for {}", format_duration(m.duration))
                             : count_only    ? fmt::format("{} requests", m.requests)
                                          : fmt::format("{} requests or {}, whichever ends first",
                                                        m.requests, format_duration(m.duration));
  return fmt::format("\n  perfgate {} run of {}\n  {}{}{}, {} thread(s){}\n\n", m.version,
                     m.target_url, shape, m.requests == 0 ? " " : ", ", extent, m.threads,
                     r.interrupted ? " — INTERRUPTED" : "");
}

}  // namespace

std::string format_console_summary(const RunResult& r) {
  std::string out = header(r);
  const double secs = std::max(r.elapsed_seconds(), 1e-9);
  const auto& t = r.totals;
  const auto counter = [&](std::string_view name, double count, std::string shown) {
    fmt::format_to(std::back_inserter(out), "  {} {}  {:.1f}/s\n", dotted(name), shown,
                   count / secs);
  };
  counter("http_reqs", static_cast<double>(t.http_reqs), std::to_string(t.http_reqs));
  append_trends(r, out);
  fmt::format_to(std::back_inserter(out), "  {} {:.2f}%  {} failed, {} ok\n",
                 dotted("http_req_failed"), 100.0 * r.failed_rate(), t.failed_requests,
                 t.http_reqs - t.failed_requests);
  append_errors(r, out);
  fmt::format_to(std::back_inserter(out), "  {} {}  {}/s\n", dotted("data_received"),
                 format_bytes(static_cast<double>(t.data_received)),
                 format_bytes(static_cast<double>(t.data_received) / secs));
  fmt::format_to(std::back_inserter(out), "  {} {}  {}/s\n", dotted("data_sent"),
                 format_bytes(static_cast<double>(t.data_sent)),
                 format_bytes(static_cast<double>(t.data_sent) / secs));
  counter("iterations", static_cast<double>(t.iterations), std::to_string(t.iterations));
  if (r.meta.model == results::Model::kOpen) {
    counter("dropped_iterations", static_cast<double>(t.dropped_iterations),
            std::to_string(t.dropped_iterations));
  }
  fmt::format_to(std::back_inserter(out), "  {} {}  min={} max={}\n", dotted("vus"), r.vus.value,
                 r.vus.min, r.vus.max);
  fmt::format_to(std::back_inserter(out), "  {} {}\n", dotted("vus_max"), r.vus_max.value);
  if (t.dropped_iterations > 0) {
    fmt::format_to(std::back_inserter(out),
                   "\n  NOTE: {} scheduled iterations were dropped: all {} VUs were busy for "
                   "longer than they could wait (--timeout), or the run ended first.\n",
                   t.dropped_iterations, r.meta.max_vus);
  }
  for (const std::string& w : r.health.warnings) {
    fmt::format_to(std::back_inserter(out), "\n  WARNING: results may not be trustworthy: {}\n", w);
  }
  if (r.interrupted) out += "\n  The run was interrupted; the numbers cover the part that ran.\n";
  out += '\n';
  return out;
}

std::string format_progress_line(double elapsed_seconds, double total_seconds, int64_t vus,
                                 const results::TimeSeriesPoint& last_second,
                                 const results::MetricSet& totals) {
  const double error_percent = totals.http_reqs == 0
                                   ? 0.0
                                   : 100.0 * static_cast<double>(totals.failed_requests) /
                                         static_cast<double>(totals.http_reqs);
  const std::string total =
      total_seconds * kNanosPerSecond >= static_cast<double>(results::kNoDurationLimit)
          ? std::string()
          : fmt::format("/{:.0f}s", total_seconds);
  return fmt::format("  {:.0f}s{}  vus {}  {} req/s  p95 {}  errors {:.2f}%", elapsed_seconds,
                     total, vus, last_second.requests, us(last_second.p95_us), error_percent);
}

namespace {

// "12.3ms" for a time in ms, "1.50/s" for a counter's rate, "0.25" otherwise.
std::string plan_stat_text(const results::PlanMetric& m, const std::string& stat, double value) {
  if (m.unit == "ms" && stat != "count") {
    return format_duration(static_cast<Nanos>(std::llround(value * kNanosPerMilli)));
  }
  if (m.type == "counter" && stat == "rate") return fmt::format("{:.2f}/s", value);
  return fmt::format("{:g}", value);
}

}  // namespace

std::string format_plan_metrics(const std::vector<results::PlanMetric>& metrics) {
  if (metrics.empty()) return "";
  std::string out = "\n  custom metrics and groups:\n";
  for (const results::PlanMetric& m : metrics) {
    std::string stats;
    for (const auto& [stat, value] : m.stats) {
      stats +=
          fmt::format("{}{}={}", stats.empty() ? "" : " ", stat, plan_stat_text(m, stat, value));
    }
    fmt::format_to(std::back_inserter(out), "  {} {}\n", dotted(m.name),
                   stats.empty() ? "no samples" : stats);
  }
  return out;
}

}  // namespace perfgate::report
