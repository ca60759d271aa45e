// Google Benchmark --benchmark_format=json. Rows with run_type "iteration" are samples (one per
// repetition); "aggregate" rows (_mean, _median, _stddev, _cv, ...) are never samples — they give
// the value only when a benchmark was reported with aggregates alone. Each benchmark yields
// "<run_name> real_time" and "<run_name> cpu_time" (in its time_unit), plus rate counters
// (bytes_per_second, items_per_second) and user counters when present.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "analysis/importers/importers.h"
#include "analysis/json_input.h"
#include "stats/descriptive.h"

namespace perfgate::analysis {
namespace {

// Members of a benchmark row that are bookkeeping, not measurements.
const std::set<std::string, std::less<>>& non_metric_fields() {
  static const std::set<std::string, std::less<>> kFields = {
      "family_index", "per_family_instance_index", "repetitions", "repetition_index", "threads",
      "iterations"};
  return kFields;
}

struct Collected {
  std::string unit;
  std::vector<double> samples;               // from iteration rows
  std::map<std::string, double> aggregates;  // aggregate_name -> value
  size_t order = 0;
};

std::string unit_of(std::string_view field, std::string_view time_unit) {
  if (field == "real_time" || field == "cpu_time") return std::string(time_unit);
  if (field == "bytes_per_second") return "bytes/s";
  if (field.ends_with("_per_second")) return "/s";
  return "";
}

Result<void> collect_row(const nlohmann::json& row, std::map<std::string, Collected>& out,
                         size_t& order) {
  if (!row.is_object()) return make_error("a \"benchmarks\" entry is not an object");
  if (row.value("error_occurred", false)) return {};  // a failed benchmark measured nothing
  const std::string name = row.value("run_name", row.value("name", std::string()));
  if (name.empty()) return make_error("a benchmark has no name");
  const std::string run_type = row.value("run_type", std::string("iteration"));
  const std::string aggregate = row.value("aggregate_name", std::string());
  if (run_type == "aggregate" && row.value("aggregate_unit", std::string("time")) != "time") {
    return {};  // _cv rows are percentages, not values of the metric
  }
  const std::string time_unit = row.value("time_unit", std::string("ns"));
  for (const auto& [field, value] : row.items()) {
    if (!value.is_number() || non_metric_fields().count(field) != 0) continue;
    const double v = value.get<double>();
    if (!std::isfinite(v)) continue;
    Collected& c = out[name + " " + field];
    if (c.order == 0) c.order = ++order;
    c.unit = unit_of(field, time_unit);
    if (run_type == "aggregate") {
      c.aggregates[aggregate] = v;
    } else {
      c.samples.push_back(v);
    }
  }
  return {};
}

}  // namespace

Result<MetricTable> import_gbench(const nlohmann::json& doc) {
  if (!doc.is_object() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array()) {
    return make_error("not Google Benchmark JSON: no \"benchmarks\" array");
  }
  std::map<std::string, Collected> collected;
  size_t order = 0;
  for (const auto& row : doc["benchmarks"]) {
    if (auto ok = collect_row(row, collected, order); !ok) return ok.error();
  }
  std::vector<std::pair<std::string, Collected*>> ordered;
  for (auto& [key, c] : collected) ordered.emplace_back(key, &c);
  std::sort(ordered.begin(), ordered.end(),
            [](const auto& a, const auto& b) { return a.second->order < b.second->order; });
  MetricTable set;
  for (auto& [key, c] : ordered) {
    const size_t space = key.rfind(' ');
    Metric metric;
    metric.name = key.substr(0, space);
    metric.stat = key.substr(space + 1);
    metric.unit = c->unit;
    metric.direction = infer_direction(metric.name, metric.stat, metric.unit);
    if (!c->samples.empty()) {
      metric.samples = std::move(c->samples);
      metric.value = stats::median(metric.samples);
    } else if (c->aggregates.count("median") != 0) {
      metric.value = c->aggregates["median"];
    } else if (c->aggregates.count("mean") != 0) {
      metric.value = c->aggregates["mean"];
    } else {
      continue;  // only dispersion aggregates (stddev): no value to compare
    }
    set.metrics.push_back(std::move(metric));
  }
  if (const auto& ctx = doc.value("context", nlohmann::json::object()); ctx.is_object()) {
    for (const char* key : {"date", "host_name", "executable", "library_build_type"}) {
      if (ctx.contains(key) && ctx[key].is_string()) set.context[key] = ctx[key].get<std::string>();
    }
  }
  return set;
}

}  // namespace perfgate::analysis
