#include "analysis/source_resolver.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>

namespace perfgate::analysis {
namespace {

std::map<std::string, SourceResolver, std::less<>>& resolvers() {
  static std::map<std::string, SourceResolver, std::less<>> registry;
  return registry;
}

// The scheme of "<scheme>:<rest>", or empty when `spec` does not have that shape.
std::string_view scheme_of(std::string_view spec) {
  const size_t colon = spec.find(':');
  if (colon == std::string_view::npos || colon < 2) return {};
  const std::string_view scheme = spec.substr(0, colon);
  for (char c : scheme) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return {};
  }
  return scheme;
}

}  // namespace

void register_source_resolver(const std::string& scheme, SourceResolver resolver) {
  resolvers()[scheme] = std::move(resolver);
}

bool has_source_resolver(std::string_view scheme) {
  return resolvers().find(scheme) != resolvers().end();
}

Result<MetricTable> load_source(const std::string& spec, std::string_view format) {
  const std::string_view scheme = scheme_of(spec);
  if (!scheme.empty()) {
    if (auto it = resolvers().find(scheme); it != resolvers().end()) {
      auto set = it->second(std::string_view(spec).substr(scheme.size() + 1), format);
      if (!set) {
        return make_error(fmt::format("{}: {}", spec, set.error().message), set.error().hint);
      }
      if (set->source.empty()) set->source = spec;
      return set;
    }
    std::error_code ec;
    if (!std::filesystem::exists(spec, ec)) {
      return make_error(fmt::format("{}: no such file, and no source named '{}:'", spec, scheme),
                        "give a result file path");
    }
  }
  return load_metric_table(spec, format);
}

}  // namespace perfgate::analysis
