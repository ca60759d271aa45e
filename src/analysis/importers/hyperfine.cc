// hyperfine --export-json: {"results": [{"command", "mean", "stddev", "median", "user", "system",
// "min", "max", "times": [...], "exit_codes": [...], "parameters"?}]}. Each command yields
// "<command> time" (seconds) whose samples are `times`, plus "<command> user" and
// "<command> system" (CPU seconds). hyperfine exports user and system as means over the runs;
// when a file has per-run arrays instead (or beside them: "user_times"/"system_times"), they are
// the samples. A mean alone has no noise estimate, so it is marked needs_samples and compare does
// not judge it (it flagged identical commands as critical regressions).
#include <fmt/format.h>

#include <optional>

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

std::vector<double> finite_numbers(const nlohmann::json& array) {
  std::vector<double> out;
  for (const auto& x : array) {
    if (x.is_number() && std::isfinite(x.get<double>())) out.push_back(x.get<double>());
  }
  return out;
}

// "<command> user|system": per-run samples from an array ("user": [...] or "user_times": [...]),
// else the mean alone, marked needs_samples. nullopt when the result has neither.
std::optional<Metric> cpu_metric(const nlohmann::json& result, const std::string& command,
                                 const std::string& stat) {
  Metric m = seconds_metric(command, stat, 0);
  for (const std::string& key : {stat, stat + "_times"}) {
    if (auto it = result.find(key); it != result.end() && it->is_array()) {
      m.samples = finite_numbers(*it);
      if (!m.samples.empty()) break;
    }
  }
  if (!m.samples.empty()) {
    m.value = stats::median(m.samples);
    return m;
  }
  const auto* mean = number_at(result, stat);
  if (mean == nullptr) return std::nullopt;
  m.value = mean->get<double>();
  m.needs_samples = true;
  return m;
}

Result<void> import_result(const nlohmann::json& result, MetricTable& set) {
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
    if (auto cpu = cpu_metric(result, time.name, stat)) set.metrics.push_back(std::move(*cpu));
  }
  return {};
}

}  // namespace

Result<MetricTable> import_hyperfine(const nlohmann::json& doc) {
  if (!doc.is_object() || !doc.contains("results") || !doc["results"].is_array()) {
    return make_error("not hyperfine JSON: no \"results\" array");
  }
  MetricTable set;
  for (const auto& result : doc["results"]) {
    if (auto ok = import_result(result, set); !ok) return ok.error();
  }
  return set;
}

}  // namespace perfgate::analysis
