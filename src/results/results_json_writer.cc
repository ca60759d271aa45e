// Writing the results file. The layout is specified in docs/results-format.md; keep both in step.
#include <fmt/format.h>

#include <ctime>

#include "results/plan_run_json.h"
#include "results/results_json.h"
#include "stats/hdr_encoding.h"

namespace perfgate::results {
namespace {

using nlohmann::json;

double seconds(Nanos n) { return static_cast<double>(n) / kNanosPerSecond; }

// "2026-11-23T16:41:24.123Z"; empty for 0 (unknown).
std::string iso8601_utc(int64_t unix_nanos) {
  if (unix_nanos <= 0) return {};
  const std::time_t secs = static_cast<std::time_t>(unix_nanos / kNanosPerSecond);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buffer, (unix_nanos % kNanosPerSecond) / kNanosPerMilli);
}

json run_json(const ResultsDocument& doc) {
  const RunMetadata& m = doc.run.meta;
  const RunEnvironment& env = doc.environment;
  json workload = {{"model", model_name(m.model)},
                   {"target", m.target_url},
                   {"vus", m.vus},
                   {"max_vus", m.max_vus},
                   {"rate_per_s", m.rate},
                   {"threads", m.threads},
                   {"duration_s", seconds(m.duration)},
                   {"requests", m.requests},
                   {"timeout_s", seconds(m.timeout)}};
  if (!m.description.empty()) workload["description"] = m.description;
  json run = {{"perfgate_version", m.version},
              {"command", m.command_line},
              {"plan", env.plan},
              {"git_commit", env.git_commit},
              {"host", env.host},
              {"cpu", env.cpu},
              {"cores", env.cores},
              {"os", env.os},
              {"start", iso8601_utc(m.start_unix_nanos)},
              {"start_unix_ns", m.start_unix_nanos},
              {"end", iso8601_utc(env.end_unix_nanos)},
              {"end_unix_ns", env.end_unix_nanos},
              {"elapsed_s", seconds(m.elapsed)},
              {"interrupted", doc.run.interrupted},
              {"workload", std::move(workload)}};
  if (!env.instance.empty()) run["instance"] = env.instance;
  if (!env.segment.empty()) run["segment"] = env.segment;
  if (!env.tags.empty()) {
    run["tags"] = json::object();
    for (const auto& [key, value] : env.tags) run["tags"][key] = value;
  }
  return run;
}

json verdict_json(const ResultsDocument& doc) {
  json reasons = json::array();
  for (const ThresholdOutcome& t : doc.thresholds) {
    if (t.passed) continue;
    if (t.no_data) {
      reasons.push_back(
          fmt::format("threshold {} {} had no data (strict thresholds)", t.metric, t.expression));
      continue;
    }
    reasons.push_back(fmt::format("threshold {} {} failed: observed {}{}", t.metric, t.expression,
                                  t.observed, t.unit.empty() ? "" : " " + t.unit));
  }
  return {{"passed", doc.passed()}, {"reasons", std::move(reasons)}};
}

void add_metrics(const ResultsDocument& doc, json& out) {
  const MetricSet& t = doc.run.totals;
  const double elapsed = doc.run.elapsed_seconds();
  auto counter = [&](int64_t count) {
    return json{{"count", count}, {"rate", elapsed > 0 ? static_cast<double>(count) / elapsed : 0}};
  };
  for (size_t i = 0; i < kTrendCount; ++i) {
    out["trends"][std::string(kTrendNames[i])] = trend_to_json(t.trends[i]);
  }
  out["counters"] = {{"http_reqs", counter(t.http_reqs)},
                     {"iterations", counter(t.iterations)},
                     {"dropped_iterations", counter(t.dropped_iterations)},
                     {"data_sent", counter(t.data_sent)},
                     {"data_received", counter(t.data_received)}};
  out["rates"]["http_req_failed"] = {
      {"value", doc.run.failed_rate()}, {"failed", t.failed_requests}, {"total", t.http_reqs}};
  auto gauge = [](const VuGauge& g) {
    return json{{"value", g.value}, {"min", g.min}, {"max", g.max}};
  };
  out["gauges"] = {{"vus", gauge(doc.run.vus)}, {"vus_max", gauge(doc.run.vus_max)}};
  out["errors"] = json::object();
  for (size_t i = 0; i < kErrorClassCount; ++i) {
    if (t.errors[i] != 0) out["errors"][std::string(kErrorClassNames[i])] = t.errors[i];
  }
  out["statuses"] = json::object();
  for (size_t i = 0; i < kStatusSlots; ++i) {
    if (t.statuses[i] != 0) out["statuses"][std::to_string(i)] = t.statuses[i];
  }
}

void add_outcomes(const ResultsDocument& doc, json& out) {
  out["thresholds"] = json::array();
  for (const ThresholdOutcome& t : doc.thresholds) {
    out["thresholds"].push_back({{"metric", t.metric},
                                 {"expression", t.expression},
                                 {"passed", t.passed},
                                 {"observed", t.observed},
                                 {"unit", t.unit},
                                 {"abort_on_fail", t.abort_on_fail}});
    json& entry = out["thresholds"].back();
    if (t.no_data) entry["no_data"] = true;
    if (!t.window.empty()) {
      entry["window"] = t.window;
      entry["window_end_s"] = t.window_end_seconds;
      entry["windows_failed"] = t.windows_failed;
      entry["windows_evaluated"] = t.windows_evaluated;
    }
    if (!t.file.empty())
      entry["source"] = {{"file", t.file}, {"line", t.line}, {"column", t.column}};
  }
  out["checks"] = json::array();
  for (const CheckOutcome& c : doc.checks) {
    out["checks"].push_back({{"name", c.name},
                             {"group", c.group},
                             {"step", c.step},
                             {"passes", c.passes},
                             {"fails", c.fails}});
  }
  out["names"] = json::array();
  for (const NamedStats& n : doc.names) {
    json entry = {{"name", n.name},
                  {"requests", n.requests},
                  {"failures", n.failures},
                  {"duration", trend_to_json(n.duration)},
                  {"extract_failures", n.extract_failures}};
    if (!n.method.empty()) entry["method"] = n.method;
    if (!n.url.empty()) entry["url"] = n.url;
    for (const auto& [trace_id, micros] : n.slowest_traces) {
      entry["slowest_traces"].push_back({{"trace_id", trace_id}, {"duration_us", micros}});
    }
    out["names"].push_back(std::move(entry));
  }
}

// {"orders": {"type": "counter", "count": 12, "rate": 1.2}, ...}: k6's shape of a metric.
json plan_metrics_json(const ResultsDocument& doc) {
  json out = json::object();
  for (const PlanMetric& m : doc.plan_metrics) {
    json entry = {{"type", m.type}};
    if (!m.unit.empty()) entry["unit"] = m.unit;
    for (const auto& [stat, value] : m.stats) entry[stat] = value;
    out[m.name] = std::move(entry);
  }
  return out;
}

json series_json(const ResultsDocument& doc) {
  json points = json::array();
  for (const TimeSeriesPoint& p : doc.run.series) {
    points.push_back({{"t", p.t_seconds},
                      {"requests", p.requests},
                      {"errors", p.errors},
                      {"vus", p.active_vus},
                      {"p50_us", p.p50_us},
                      {"p90_us", p.p90_us},
                      {"p95_us", p.p95_us},
                      {"p99_us", p.p99_us},
                      {"max_us", p.max_us},
                      {"schedule_lag_p99_us", p.schedule_lag_p99_us}});
    if (!p.error_classes.empty()) {
      json classes = json::object();
      for (const auto& [error, count] : p.error_classes) {
        classes[std::string(kErrorClassNames[static_cast<size_t>(error)])] = count;
      }
      points.back()["error_classes"] = std::move(classes);
    }
    if (!p.scenario_vus.empty()) points.back()["scenario_vus"] = p.scenario_vus;
  }
  json out = {{"interval_s", 1}, {"points", std::move(points)}};
  if (!doc.run.scenarios.empty()) out["scenarios"] = doc.run.scenarios;
  return out;
}

// Each point as [t, requests, failures, p50_us, p95_us, p99_us]: 20 names of an hour stay small.
json name_series_json(const NameSeriesSet& set) {
  json names = json::array();
  for (const NameSeries& n : set.names) {
    json points = json::array();
    for (const NamePoint& p : n.points) {
      points.push_back({p.t_seconds, p.requests, p.failures, p.p50_us, p.p95_us, p.p99_us});
    }
    names.push_back({{"name", n.name}, {"points", std::move(points)}});
  }
  return {{"interval_s", set.interval_seconds},
          {"columns", {"t", "requests", "failures", "p50_us", "p95_us", "p99_us"}},
          {"names", std::move(names)}};
}

json intervals_json(const ResultsDocument& doc) {
  json out = json::array();
  for (const IntervalHistogram& i : doc.intervals) {
    out.push_back({{"start_s", i.start_seconds},
                   {"length_s", i.length_seconds},
                   {"tag", i.tag},
                   {"histogram", i.histogram}});
  }
  return out;
}

json health_json(const GeneratorHealth& h) {
  return {{"cpu_seconds", h.cpu_seconds},
          {"cpu_percent", h.cpu_percent},
          {"usable_cores", h.usable_cores},
          {"warnings", h.warnings}};
}

}  // namespace

json results_to_json(const ResultsDocument& doc) {
  json out = {{"format", kResultsFormatName}, {"version", kResultsFormatVersion}};
  out["run"] = run_json(doc);
  out["verdict"] = verdict_json(doc);
  add_metrics(doc, out);
  add_outcomes(doc, out);
  if (!doc.plan_metrics.empty()) out["plan_metrics"] = plan_metrics_json(doc);
  if (doc.plan_run) out["plan_run"] = plan_run_to_json(*doc.plan_run);
  out["series"] = series_json(doc);
  if (!doc.run.name_series.names.empty())
    out["name_series"] = name_series_json(doc.run.name_series);
  out["intervals"] = intervals_json(doc);
  out["health"] = health_json(doc.run.health);
  if (!doc.monitor.is_null()) out["monitor"] = doc.monitor;
  if (doc.searches.is_object()) {
    for (const auto& [key, value] : doc.searches.items()) out[key] = value;
  }
  if (!doc.parts.is_null()) out["parts"] = doc.parts;
  return out;
}

std::string format_results_json(const ResultsDocument& doc, int indent) {
  return results_to_json(doc).dump(indent, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace perfgate::results
