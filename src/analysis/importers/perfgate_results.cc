// perfgate's full results file ("format": "perfgate-results", docs/results-format.md). Trends
// become "<trend> avg|min|med|max|p(90)|p(95)|p(99)|p(99.9)|count" in ms (the file stores µs),
// each carrying the trend's HdrHistogram; per-name durations become
// "http_req_duration{name:<name>} <stat>" (k6's spelling of a tagged sub-metric); counters give
// "count" and "rate", rates "value", gauges "value"/"min"/"max". Any other top-level object of
// {stat: number} objects (e.g. monitoring metrics such as sut_rss_bytes) is read the same way,
// so new sections need no code here. "http_reqs rate" gets the per-second request rates of the
// run's time series as its samples.
//
// The file is read by the one results reader (results/results_json.h): its version check and
// validation apply here as they do to `perfgate report`, and the trend and per-name histograms
// come from the ResultsDocument it returns.
#include <fmt/format.h>

#include <cmath>
#include <initializer_list>
#include <set>

#include "analysis/importers/importers.h"
#include "analysis/json_input.h"
#include "results/results_json.h"

namespace perfgate::analysis {
namespace {

// Trend members and the k6 statistic names they become.
const std::vector<std::pair<std::string, std::string>>& trend_stats() {
  static const std::vector<std::pair<std::string, std::string>> kStats = {
      {"mean", "avg"},  {"min", "min"},   {"p50", "med"},   {"max", "max"},
      {"p90", "p(90)"}, {"p95", "p(95)"}, {"p99", "p(99)"}, {"p99_9", "p(99.9)"}};
  return kStats;
}

double ms_scale(const nlohmann::json& trend) {
  const std::string unit = trend.value("unit", std::string("us"));
  return unit == "ns" ? 1e-6 : unit == "ms" ? 1.0 : unit == "s" ? 1000.0 : 0.001;
}

// The summary statistics the writer stored beside a trend's histogram, as metrics in ms; each
// carries `histogram` (from the document) so compare can do statistics on the distribution.
Result<void> add_trend(const std::string& name, const nlohmann::json& trend,
                       const HdrHistogram* histogram, MetricTable& set) {
  if (!trend.is_object()) return make_error(fmt::format("trend '{}' is not an object", name));
  const double scale = ms_scale(trend);
  std::shared_ptr<const HdrHistogram> shared;
  if (histogram != nullptr) shared = std::make_shared<const HdrHistogram>(*histogram);
  for (const auto& [member, stat] : trend_stats()) {
    const auto* v = number_at(trend, member);
    if (v == nullptr) continue;
    Metric m{.name = name,
             .stat = stat,
             .unit = "ms",
             .direction = Direction::kLowerIsBetter,
             .value = v->get<double>() * scale};
    m.histogram = shared;
    m.histogram_scale = scale;
    set.metrics.push_back(std::move(m));
  }
  if (const auto* count = number_at(trend, "count")) {
    set.metrics.push_back(Metric{.name = name,
                                 .stat = "count",
                                 .unit = "",
                                 .direction = Direction::kHigherIsBetter,
                                 .value = count->get<double>()});
  }
  return {};
}

// The histogram the reader decoded for trend `name`, or nullptr for a trend it does not know.
const HdrHistogram* document_trend(const results::ResultsDocument& doc, std::string_view name) {
  for (size_t i = 0; i < results::kTrendCount; ++i) {
    if (results::kTrendNames[i] == name) return &doc.run.totals.trends[i];
  }
  return nullptr;
}

// {name: {stat: number, ...}} sections: counters, rates, gauges and unknown ones.
void add_plain_section(const nlohmann::json& section, MetricTable& set) {
  if (!section.is_object()) return;
  for (const auto& [name, entry] : section.items()) {
    if (!entry.is_object()) continue;
    for (const auto& [stat, value] : entry.items()) {
      if (!value.is_number() || !std::isfinite(value.get<double>())) continue;
      Metric m{.name = name, .stat = stat};
      if (name.starts_with("data_")) {
        m.unit = stat == "rate" ? "bytes/s" : "bytes";
      } else if (stat == "rate") {
        m.unit = "/s";
      } else if (name.ends_with("_bytes")) {
        m.unit = "bytes";
      } else if (name.ends_with("_percent")) {
        m.unit = "%";
      } else if (name.ends_with("_mb_per_hour")) {
        m.unit = "MB/h";
      } else if (name == "http_req_failed" && stat == "value") {
        m.unit = "ratio";
      }
      m.direction = infer_direction(name, stat, m.unit);
      m.value = value.get<double>();
      set.metrics.push_back(std::move(m));
    }
  }
}

void add_value(MetricTable& set, const std::string& name, const nlohmann::json* value,
               const std::string& unit, Direction direction) {
  if (value == nullptr || !value->is_number() || !std::isfinite(value->get<double>())) return;
  set.metrics.push_back(Metric{.name = name,
                               .stat = "value",
                               .unit = unit,
                               .direction = direction,
                               .value = value->get<double>()});
}

const nlohmann::json* path_number(const nlohmann::json& doc,
                                  std::initializer_list<const char*> path) {
  const nlohmann::json* at = &doc;
  for (const char* key : path) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at->is_number() ? at : nullptr;
}

// `perfgate capacity`, `stress` and `scale` (docs/capacity.md): their answers as gateable
// metrics, e.g. "capacity_rate >= 5000".
void add_search_metrics(const nlohmann::json& doc, MetricTable& set) {
  const auto higher = Direction::kHigherIsBetter, lower = Direction::kLowerIsBetter;
  add_value(set, "capacity_rate", path_number(doc, {"capacity", "sustainable_rate"}), "/s", higher);
  add_value(set, "stress_breaking_rate", path_number(doc, {"stress", "breaking_load", "rate"}),
            "/s", higher);
  add_value(set, "stress_breaking_vus", path_number(doc, {"stress", "breaking_load", "vus"}), "",
            higher);
  add_value(set, "stress_recovery_seconds", path_number(doc, {"stress", "recovery_seconds"}), "s",
            lower);
  add_value(set, "usl_sigma", path_number(doc, {"scalability", "usl", "sigma", "value"}), "",
            lower);
  add_value(set, "usl_kappa", path_number(doc, {"scalability", "usl", "kappa", "value"}), "",
            lower);
  add_value(set, "usl_peak_concurrency",
            path_number(doc, {"scalability", "usl", "peak_concurrency", "value"}), "", higher);
  add_value(set, "usl_peak_throughput", path_number(doc, {"scalability", "usl", "peak_throughput"}),
            "/s", higher);
}

// Requests per second of each whole interval of "series" (the last, partial one left out), as
// the samples of "http_reqs rate": the run's own noise estimate for its throughput.
void attach_throughput_samples(const nlohmann::json& doc, MetricTable& set) {
  auto series = doc.find("series");
  if (series == doc.end() || !series->is_object()) return;
  auto points = series->find("points");
  if (points == series->end() || !points->is_array()) return;
  const double interval = series->value("interval_s", 1.0);
  std::vector<double> rates;
  double previous_t = 0;
  for (const auto& point : *points) {
    if (!point.is_object()) continue;
    const auto* t = number_at(point, "t");
    const auto* requests = number_at(point, "requests");
    if (t == nullptr || requests == nullptr) continue;
    const double length = t->get<double>() - previous_t;
    previous_t = t->get<double>();
    if (length >= 0.9 * interval) rates.push_back(requests->get<double>() / length);
  }
  for (Metric& m : set.metrics) {
    if (m.name == "http_reqs" && m.stat == "rate") m.samples = rates;
  }
}

// A plan's custom metrics and group_duration ("orders count", "group_duration p(95)"), from the
// document: a time trend's statistics carry its unit, a counter's rate is per second.
void add_plan_metrics(const results::ResultsDocument& doc, MetricTable& set) {
  for (const results::PlanMetric& pm : doc.plan_metrics) {
    for (const auto& [stat, value] : pm.stats) {
      Metric m{.name = pm.name, .stat = stat, .value = value};
      if (pm.type == "counter" && stat == "rate") {
        m.unit = "/s";
      } else if (pm.type == "trend" && stat != "count") {
        m.unit = pm.unit;
      }
      m.direction = infer_direction(pm.name, stat, m.unit);
      set.metrics.push_back(std::move(m));
    }
  }
}

}  // namespace

Result<MetricTable> import_perfgate_results(const nlohmann::json& doc) {
  auto read = results::results_from_json(doc);  // version check, types, validation
  if (!read) return read.error();
  MetricTable set;
  if (auto run = doc.find("run"); run != doc.end() && run->is_object()) {
    for (const auto& [key, value] : run->items()) {
      if (value.is_string()) set.context[key] = value.get<std::string>();
    }
  }
  if (auto trends = doc.find("trends"); trends != doc.end() && trends->is_object()) {
    for (const auto& [name, trend] : trends->items()) {
      if (auto ok = add_trend(name, trend, document_trend(*read, name), set); !ok)
        return ok.error();
    }
  }
  // The reader keeps "names" entries in file order, each with its decoded duration.
  if (auto names = doc.find("names"); names != doc.end() && names->is_array()) {
    for (size_t i = 0; i < names->size() && i < read->names.size(); ++i) {
      const nlohmann::json& entry = (*names)[i];
      if (!entry.is_object() || !entry.contains("duration")) continue;
      const std::string name = fmt::format("http_req_duration{{name:{}}}", read->names[i].name);
      if (auto ok = add_trend(name, entry["duration"], &read->names[i].duration, set); !ok) {
        return ok.error();
      }
    }
  }
  static const std::set<std::string, std::less<>> kNotMetrics = {
      "format",    "version",    "run",         "verdict",      "trends",   "names",  "series",
      "intervals", "thresholds", "checks",      "errors",       "statuses", "health", "monitor",
      "capacity",  "stress",     "scalability", "plan_metrics", "plan_run"};
  add_search_metrics(doc, set);
  add_plan_metrics(*read, set);
  for (const auto& [key, section] : doc.items()) {
    if (kNotMetrics.count(key) == 0) add_plain_section(section, set);
  }
  attach_throughput_samples(doc, set);
  // `perfgate run --monitor`: sut_*, host_* and generator_* metrics in k6's shapes.
  if (auto monitor = doc.find("monitor"); monitor != doc.end() && monitor->is_object()) {
    if (auto metrics = monitor->find("metrics"); metrics != monitor->end()) {
      add_plain_section(*metrics, set);
    }
  }
  return set;
}

}  // namespace perfgate::analysis
