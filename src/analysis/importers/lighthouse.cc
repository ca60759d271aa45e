// Lighthouse JSON (the LHR): "<category> score" for each category score (0..1, higher is better;
// "performance score" is categories.performance.score) and "<audit-id>" for each audit with a
// numericValue (first-contentful-paint, largest-contentful-paint, total-blocking-time,
// cumulative-layout-shift, interactive, ...; lower is better) in its numericUnit. Audits that
// failed (runtimeError, errorMessage, scoreDisplayMode "error") are skipped, as are null scores.
#include <fmt/format.h>

#include "analysis/importers/importers.h"
#include "analysis/json_input.h"

namespace perfgate::analysis {
namespace {

std::string unit_of(const nlohmann::json& audit) {
  const std::string unit = audit.value("numericUnit", std::string());
  if (unit == "millisecond") return "ms";
  if (unit == "second") return "s";
  if (unit == "byte") return "bytes";
  if (unit == "unitless" || unit == "element") return "";
  return unit;
}

bool audit_failed(const nlohmann::json& audit) {
  return audit.contains("runtimeError") ||
         (audit.contains("errorMessage") && !audit["errorMessage"].is_null()) ||
         audit.value("scoreDisplayMode", std::string()) == "error";
}

}  // namespace

Result<MetricTable> import_lighthouse(const nlohmann::json& doc) {
  if (!doc.is_object() || !doc.contains("audits") || !doc["audits"].is_object()) {
    return make_error("not a Lighthouse report: no \"audits\" object");
  }
  MetricTable set;
  for (const char* key : {"lighthouseVersion", "requestedUrl", "finalUrl", "fetchTime"}) {
    if (doc.contains(key) && doc[key].is_string()) set.context[key] = doc[key].get<std::string>();
  }
  if (auto categories = doc.find("categories");
      categories != doc.end() && categories->is_object()) {
    for (const auto& [id, category] : categories->items()) {
      const auto* score = number_at(category, "score");
      if (score == nullptr) continue;
      set.metrics.push_back(Metric{.name = id,
                                   .stat = "score",
                                   .unit = "score",
                                   .direction = Direction::kHigherIsBetter,
                                   .value = score->get<double>()});
    }
  }
  for (const auto& [id, audit] : doc["audits"].items()) {
    if (!audit.is_object() || audit_failed(audit)) continue;
    const auto* value = number_at(audit, "numericValue");
    if (value == nullptr) continue;
    set.metrics.push_back(Metric{.name = id,
                                 .stat = "",
                                 .unit = unit_of(audit),
                                 .direction = Direction::kLowerIsBetter,
                                 .value = value->get<double>()});
  }
  if (doc.contains("runtimeError")) {
    set.context["runtimeError"] = doc["runtimeError"].value("message", std::string("unknown"));
  }
  return set;
}

}  // namespace perfgate::analysis
