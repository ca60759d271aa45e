// Format detection by shape, most specific first: each format has a member the others lack.
#include "analysis/importers/importers.h"

namespace perfgate::analysis {

bool looks_like_bmf(const nlohmann::json& doc);  // bmf.cc

std::string_view detect_format(const nlohmann::json& doc) {
  if (!doc.is_object()) return {};
  const auto has = [&](const char* key, bool (nlohmann::json::*is)() const noexcept) {
    auto it = doc.find(key);
    return it != doc.end() && ((*it).*is)();
  };
  if (doc.value("format", std::string()) == "perfgate-results") return "perfgate";
  if (has("metrics", &nlohmann::json::is_object)) {
    return has("perfgate", &nlohmann::json::is_object) ? "perfgate" : "k6";
  }
  if (has("benchmarks", &nlohmann::json::is_array)) return "gbench";
  if (has("results", &nlohmann::json::is_array)) return "hyperfine";
  if (has("audits", &nlohmann::json::is_object) &&
      (doc.contains("lighthouseVersion") || doc.contains("categories"))) {
    return "lighthouse";
  }
  if (looks_like_bmf(doc)) return "bmf";
  return {};
}

}  // namespace perfgate::analysis
