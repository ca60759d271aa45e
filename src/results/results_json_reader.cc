// Reading the results file back into a ResultsDocument. Unknown keys are ignored (a newer
// perfgate of the same format version may add fields); missing optional sections stay empty;
// a missing or malformed required field is an Error that names it.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/json_depth.h"
#include "core/read_file.h"
#include "results/json_integers.h"
#include "results/plan_run_json.h"
#include "results/results_json.h"
#include "results/results_validation.h"

namespace perfgate::results {
namespace {

using nlohmann::json;

constexpr size_t kMaxRunTags = 64;            // run.tags read from a file; more are ignored
constexpr size_t kMaxSlowestTraces = 20;      // names[].slowest_traces read; more are ignored
constexpr size_t kMaxSeriesScenarios = 1000;  // series.scenarios read; more are ignored

Nanos nanos_from_seconds(double s) { return static_cast<Nanos>(std::llround(s * kNanosPerSecond)); }

const json& section(const json& j, const char* key) {
  static const json kEmpty = json::object();
  auto it = j.find(key);
  return it == j.end() ? kEmpty : *it;
}

void read_run(const json& run, ResultsDocument& doc) {
  RunMetadata& m = doc.run.meta;
  RunEnvironment& env = doc.environment;
  m.version = run.value("perfgate_version", "");
  m.command_line = run.value("command", "");
  env.plan = run.value("plan", "");
  env.git_commit = run.value("git_commit", "");
  env.host = run.value("host", "");
  env.cpu = run.value("cpu", "");
  env.cores = json_integer_at<int>(run, "cores", 0);
  env.os = run.value("os", "");
  env.instance = run.value("instance", "");
  env.segment = run.value("segment", "");
  if (const json& tags = section(run, "tags"); tags.is_object()) {
    for (const auto& [key, value] : tags.items()) {
      if (env.tags.size() == kMaxRunTags) break;
      if (value.is_string()) env.tags.emplace_back(key, value.get<std::string>());
    }
  }
  m.start_unix_nanos = json_integer_at<int64_t>(run, "start_unix_ns", 0);
  env.end_unix_nanos = json_integer_at<int64_t>(run, "end_unix_ns", 0);
  m.elapsed = nanos_from_seconds(run.value("elapsed_s", 0.0));
  doc.run.interrupted = run.value("interrupted", false);
  const json& w = section(run, "workload");
  m.model = w.value("model", "closed") == "open" ? Model::kOpen : Model::kClosed;
  m.target_url = w.value("target", "");
  m.description = w.value("description", "");
  m.vus = json_integer_at<int>(w, "vus", 0);
  m.max_vus = json_integer_at<int>(w, "max_vus", 0);
  m.rate = w.value("rate_per_s", 0.0);
  m.threads = json_integer_at<int>(w, "threads", 0);
  m.duration = nanos_from_seconds(w.value("duration_s", 0.0));
  m.requests = json_integer_at<int64_t>(w, "requests", 0);
  m.timeout = nanos_from_seconds(w.value("timeout_s", 0.0));
}

Result<void> read_metrics(const json& j, ResultsDocument& doc) {
  MetricSet& t = doc.run.totals;
  const json& trends = section(j, "trends");
  for (size_t i = 0; i < kTrendCount; ++i) {
    auto it = trends.find(std::string(kTrendNames[i]));
    if (it == trends.end()) continue;  // absent trend: recorded nothing
    auto h = trend_from_json(*it, kTrendNames[i]);
    if (!h) return h.error();
    t.trends[i] = std::move(h).value();
  }
  const json& counters = section(j, "counters");
  auto count = [&](const char* name) {
    return json_integer_at<int64_t>(section(counters, name), "count", 0);
  };
  t.http_reqs = count("http_reqs");
  t.iterations = count("iterations");
  t.dropped_iterations = count("dropped_iterations");
  t.data_sent = count("data_sent");
  t.data_received = count("data_received");
  t.failed_requests =
      json_integer_at<int64_t>(section(section(j, "rates"), "http_req_failed"), "failed", 0);
  for (size_t i = 0; i < kErrorClassCount; ++i) {
    t.errors[i] =
        json_integer_at<int64_t>(section(j, "errors"), std::string(kErrorClassNames[i]).c_str(), 0);
  }
  for (const auto& [key, value] : section(j, "statuses").items()) {
    const int status = std::atoi(key.c_str());
    if (status < 0 || static_cast<size_t>(status) >= kStatusSlots || key.empty()) {
      return make_error(fmt::format("malformed results file: status \"{}\" out of range", key));
    }
    t.statuses[static_cast<size_t>(status)] = json_integer<int64_t>(value);
  }
  auto gauge = [&](const char* name, VuGauge& g) {
    const json& s = section(section(j, "gauges"), name);
    g = {json_integer_at<int64_t>(s, "value", 0), json_integer_at<int64_t>(s, "min", 0),
         json_integer_at<int64_t>(s, "max", 0)};
  };
  gauge("vus", doc.run.vus);
  gauge("vus_max", doc.run.vus_max);
  return {};
}

ThresholdOutcome threshold_from(const json& t) {
  ThresholdOutcome out{t.value("metric", ""),    t.value("expression", ""),
                       t.value("passed", true),  t.value("observed", 0.0),
                       t.value("unit", ""),      t.value("abort_on_fail", false),
                       t.value("no_data", false)};
  out.window = t.value("window", "");
  out.window_end_seconds = t.value("window_end_s", 0.0);
  out.windows_failed = json_integer_at<int>(t, "windows_failed", 0);
  out.windows_evaluated = json_integer_at<int>(t, "windows_evaluated", 0);
  const json& source = section(t, "source");
  out.file = source.value("file", "");
  out.line = json_integer_at<int>(source, "line", 0);
  out.column = json_integer_at<int>(source, "column", 0);
  return out;
}

Result<void> read_outcomes(const json& j, ResultsDocument& doc) {
  for (const json& t : j.value("thresholds", json::array()))
    doc.thresholds.push_back(threshold_from(t));
  for (const json& c : j.value("checks", json::array())) {
    doc.checks.push_back({c.value("name", ""), json_integer_at<int64_t>(c, "passes", 0),
                          json_integer_at<int64_t>(c, "fails", 0), c.value("group", ""),
                          c.value("step", "")});
  }
  for (const json& n : j.value("names", json::array())) {
    NamedStats stats{n.value("name", ""), json_integer_at<int64_t>(n, "requests", 0),
                     json_integer_at<int64_t>(n, "failures", 0)};
    auto h = trend_from_json(section(n, "duration"), "names[" + stats.name + "].duration");
    if (!h) return h.error();
    stats.duration = std::move(h).value();
    stats.extract_failures = json_integer_at<int64_t>(n, "extract_failures", 0);
    stats.method = n.value("method", "");
    stats.url = n.value("url", "");
    for (const json& t : n.value("slowest_traces", json::array())) {
      if (stats.slowest_traces.size() == kMaxSlowestTraces || !t.is_object()) break;
      stats.slowest_traces.emplace_back(t.value("trace_id", ""),
                                        json_integer_at<int64_t>(t, "duration_us", 0));
    }
    doc.names.push_back(std::move(stats));
  }
  for (const auto& [name, entry] : section(j, "plan_metrics").items()) {
    if (!entry.is_object()) {
      return make_error(
          fmt::format("malformed results file: plan_metrics.{} is not an object", name));
    }
    PlanMetric m{name, entry.value("type", ""), entry.value("unit", ""), {}};
    for (const auto& [stat, value] : entry.items()) {
      if (value.is_number()) m.stats.emplace_back(stat, value.get<double>());
    }
    sort_stats(m.stats);
    doc.plan_metrics.push_back(std::move(m));
  }
  for (const json& i : j.value("intervals", json::array())) {
    IntervalHistogram interval{i.value("start_s", 0.0), i.value("length_s", 0.0),
                               i.value("tag", "")};
    auto h = trend_from_json(i, "interval " + interval.tag);  // validates the encoding
    if (!h) return h.error();
    interval.max_us = h->max();
    interval.histogram = i.value("histogram", "");
    doc.intervals.push_back(std::move(interval));
  }
  return {};
}

// A point's error classes (unknown ones are skipped) and per-scenario VUs (at most one value
// per scenario named in series.scenarios).
void read_point_details(const json& p, TimeSeriesPoint& point, size_t scenarios) {
  for (const auto& [key, value] : section(p, "error_classes").items()) {
    for (size_t i = 0; i < kErrorClassCount; ++i) {
      if (kErrorClassNames[i] == key && value.is_number_integer()) {
        point.error_classes.emplace_back(static_cast<ErrorClass>(i), json_integer<int64_t>(value));
      }
    }
  }
  for (const json& v : p.value("scenario_vus", json::array())) {
    if (point.scenario_vus.size() == scenarios) break;
    point.scenario_vus.push_back(json_integer<int64_t>(v));
  }
}

// name_series: at most kMaxSeriesNames + 1 names of kMaxNamePoints points are read.
void read_name_series(const json& j, NameSeriesSet& set) {
  set.interval_seconds = std::max<int64_t>(1, json_integer_at<int64_t>(j, "interval_s", 1));
  for (const json& n : j.value("names", json::array())) {
    if (set.names.size() == kMaxSeriesNames + 1) break;
    NameSeries& series = set.names.emplace_back(NameSeries{n.value("name", ""), {}});
    for (const json& p : n.value("points", json::array())) {
      if (series.points.size() == kMaxNamePoints) break;
      if (!p.is_array() || p.size() < 6) continue;
      series.points.push_back({p[0].get<double>(), json_integer<int64_t>(p[1]),
                               json_integer<int64_t>(p[2]), json_integer<int64_t>(p[3]),
                               json_integer<int64_t>(p[4]), json_integer<int64_t>(p[5])});
    }
  }
}

void read_series_and_health(const json& j, ResultsDocument& doc) {
  if (j.contains("monitor")) doc.monitor = j["monitor"];
  for (const char* key : {"capacity", "stress", "scalability"}) {
    if (j.contains(key) && j[key].is_object()) doc.searches[key] = j[key];
  }
  if (j.contains("parts")) doc.parts = j["parts"];
  for (const json& name : section(j, "series").value("scenarios", json::array())) {
    if (doc.run.scenarios.size() == kMaxSeriesScenarios) break;
    doc.run.scenarios.push_back(name.get<std::string>());
  }
  for (const json& p : section(j, "series").value("points", json::array())) {
    TimeSeriesPoint point;
    point.t_seconds = p.value("t", 0.0);
    point.requests = json_integer_at<int64_t>(p, "requests", 0);
    point.errors = json_integer_at<int64_t>(p, "errors", 0);
    point.active_vus = json_integer_at<int64_t>(p, "vus", 0);
    point.p50_us = json_integer_at<int64_t>(p, "p50_us", 0);
    point.p90_us = json_integer_at<int64_t>(p, "p90_us", 0);
    point.p95_us = json_integer_at<int64_t>(p, "p95_us", 0);
    point.p99_us = json_integer_at<int64_t>(p, "p99_us", 0);
    point.max_us = json_integer_at<int64_t>(p, "max_us", 0);
    point.schedule_lag_p99_us = json_integer_at<int64_t>(p, "schedule_lag_p99_us", 0);
    read_point_details(p, point, doc.run.scenarios.size());
    doc.run.series.push_back(std::move(point));
  }
  read_name_series(section(j, "name_series"), doc.run.name_series);
  const json& h = section(j, "health");
  doc.run.health.cpu_seconds = h.value("cpu_seconds", 0.0);
  doc.run.health.cpu_percent = h.value("cpu_percent", 0.0);
  doc.run.health.usable_cores = json_integer_at<int>(h, "usable_cores", 0);
  doc.run.health.warnings = h.value("warnings", std::vector<std::string>{});
}

Result<void> check_version(const json& j) {
  if (!j.is_object() || j.value("format", "") != kResultsFormatName) {
    return make_error("not a perfgate results file (no \"format\": \"perfgate-results\")",
                      "write one with `perfgate run ... --out json=FILE`");
  }
  auto version = j.find("version");
  if (version == j.end() || !version->is_number_integer() || json_integer<int64_t>(*version) < 1) {
    return make_error("malformed results file: \"version\" must be a positive integer");
  }
  if (json_integer<int64_t>(*version) > kResultsFormatVersion) {
    return make_error(
        fmt::format("results file version {} is newer than this perfgate can read (it reads up "
                    "to version {})",
                    json_integer<int64_t>(*version), kResultsFormatVersion),
        "upgrade perfgate to read it");
  }
  return {};
}

}  // namespace

Result<ResultsDocument> results_from_json(const json& j) {
  ResultsDocument doc;
  try {
    if (auto ok = check_version(j); !ok) return ok.error();
    read_run(section(j, "run"), doc);
    if (auto ok = read_metrics(j, doc); !ok) return ok.error();
    if (auto ok = read_outcomes(j, doc); !ok) return ok.error();
    read_series_and_health(j, doc);
    if (const json& plan = section(j, "plan_run"); j.contains("plan_run")) {
      auto outcome = plan_run_from_json(plan);
      if (!outcome) return outcome.error();
      doc.plan_run = std::move(outcome).value();
    }
  } catch (const std::exception& e) {
    // A field of the wrong type: nlohmann's message names the type it expected.
    return make_error(fmt::format("malformed results file: {}", e.what()));
  }
  if (auto ok = validate_results(doc); !ok) return ok.error();
  return doc;
}

Result<ResultsDocument> parse_results_json(std::string_view text) {
  if (json_nesting_exceeds(text)) {
    return make_error(
        fmt::format("malformed results file: JSON nested deeper than {} levels", kMaxJsonNesting));
  }
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return make_error("malformed results file: not valid JSON");
  return results_from_json(j);
}

Result<ResultsDocument> read_results_file(const std::string& path) {
  auto text = read_file_bounded(path, kMaxResultsFileBytes, "results file");
  if (!text) return text.error();
  auto doc = parse_results_json(*text);
  if (!doc) return make_error(fmt::format("{}: {}", path, doc.error().message), doc.error().hint);
  return doc;
}

}  // namespace perfgate::results
