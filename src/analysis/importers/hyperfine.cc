// hyperfine --export-json: {"results": [{"command", "mean", "stddev", "median", "user", "system",
// "min", "max", "times": [...], "exit_codes": [...], "parameters"?}]}. Each command yields
// "<command> time" (seconds) whose samples are `times`, plus "<command> user" and
// "<command> system" (mean CPU seconds, single values).
#include <fmt/format.h>

#include "analysis/importers/importers.h"
#include "analysis/json_input.h"
#include "stats/descriptive.h"

namespace perfgate::analysis {
namespace {

Metric seconds_metric(const std::string& command, std::string stat, double value) {
  Metric metric;
  metric.name = command;
  metric.stat = std::move(stat);
  metric.unit = "s";
  metric.direction = Direction::kLowerIsBetter;
  metric.value = value;
  return metric;
}

Result<void> import_result(const nlohmann::json& result, MetricSet& set) {
  if (!result.is_object()) return make_error("a \"results\" entry is not an object");
  auto command = result.find("command");
  if (command == result.end() || !command->is_string()) {
    return make_error("a result has no \"command\" string");
  }
  Metric time = seconds_metric(command->get<std::string>(), "time", 0);
  if (auto times = result.find("times"); times != result.end()) {
    if (!times->is_array()) return make_error("\"times\" is not an array");
    for (const auto& t : *times) {
      if (t.is_number() && std::isfinite(t.get<double>())) time.samples.push_back(t.get<double>());
    }
  }
  if (!time.samples.empty()) {
    time.value = stats::median(time.samples);
  } else if (const auto* median = number_at(result, "median")) {
    time.value = median->get<double>();
  } else if (const auto* mean = number_at(result, "mean")) {
    time.value = mean->get<double>();
  } else {
    return make_error(fmt::format("command '{}' has neither times nor a mean", time.name));
  }
  set.metrics.push_back(time);
  for (const char* stat : {"user", "system"}) {
    if (const auto* v = number_at(result, stat)) {
      set.metrics.push_back(seconds_metric(time.name, stat, v->get<double>()));
    }
  }
  return {};
}

}  // namespace

Result<MetricSet> import_hyperfine(const nlohmann::json& doc) {
  if (!doc.is_object() || !doc.contains("results") || !doc["results"].is_array()) {
    return make_error("not hyperfine JSON: no \"results\" array");
  }
  MetricSet set;
  for (const auto& result : doc["results"]) {
    if (auto ok = import_result(result, set); !ok) return ok.error();
  }
  return set;
}

}  // namespace perfgate::analysis
