// Bencher Metric Format: {"<benchmark>": {"<measure>": {"value", "lower_value"?, "upper_value"?}}}.
// Each measure becomes "<benchmark> <measure>". Built-in measures carry Bencher's units and
// directions (latency ns and build-time s lower is better; throughput ops/s higher is better;
// file-size bytes lower is better); other measures get infer_direction().
#include <fmt/format.h>

#include "analysis/importers/importers.h"
#include "analysis/json_input.h"

namespace perfgate::analysis {
namespace {

std::string unit_of(std::string_view measure) {
  if (measure == "latency") return "ns";
  if (measure == "throughput") return "ops/s";
  if (measure == "build-time") return "s";
  if (measure == "file-size") return "bytes";
  return "";
}

}  // namespace

bool looks_like_bmf(const nlohmann::json& doc) {
  if (!doc.is_object() || doc.empty()) return false;
  for (const auto& [benchmark, measures] : doc.items()) {
    if (!measures.is_object() || measures.empty()) return false;
    for (const auto& [measure, metric] : measures.items()) {
      if (!metric.is_object() || !metric.contains("value")) return false;
    }
  }
  return true;
}

Result<MetricTable> import_bmf(const nlohmann::json& doc) {
  if (!doc.is_object()) return make_error("not BMF: the document is not an object");
  MetricTable set;
  for (const auto& [benchmark, measures] : doc.items()) {
    if (!measures.is_object()) {
      return make_error(fmt::format("benchmark '{}' is not an object of measures", benchmark));
    }
    for (const auto& [measure, metric] : measures.items()) {
      const auto* value = number_at(metric, "value");
      if (value == nullptr) {
        return make_error(fmt::format("benchmark '{}' measure '{}' has no numeric \"value\"",
                                      benchmark, measure));
      }
      Metric m{.name = benchmark, .stat = measure, .unit = unit_of(measure)};
      m.direction = measure == "throughput" ? Direction::kHigherIsBetter
                                            : infer_direction(benchmark, measure, m.unit);
      m.value = value->get<double>();
      set.metrics.push_back(std::move(m));
    }
  }
  return set;
}

}  // namespace perfgate::analysis
