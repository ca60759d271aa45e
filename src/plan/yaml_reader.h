// YamlReader: typed, position-aware access to a parsed plan document. Every getter reports a
// diagnostic at the node's file:line:col when the value has the wrong type or form and returns
// nullopt, so the loader keeps going and collects all mistakes in one pass. String scalars go
// through `${VAR}` / `${VAR:-default}` interpolation from the environment (`$${` is a literal
// `${`); the variables used are remembered so secret values can be redacted later.
//
// Thread-safety: one reader per load, used from one thread.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "plan/diagnostics.h"

namespace perfgate::plan {

// Bounds on a parsed document, checked before the loader walks it. yaml-cpp keeps an alias as a
// shared node, so a "billion laughs" document (aliases of aliases) is small in memory but
// exponential to walk: every walk of the plan (loading, json: bodies) would expand it.
constexpr size_t kMaxPlanNodes = 2'000'000;  // nodes with every alias expanded
constexpr int kMaxPlanDepth = 64;            // nesting of mappings and lists

// The first bound `root` exceeds, as a message, or nullopt when it is within both. Counts nodes
// with aliases expanded but stops at max_nodes + 1, so the check costs O(max_nodes) at most.
std::optional<std::string> exceeds_bounds(const YAML::Node& root, size_t max_nodes = kMaxPlanNodes,
                                          int max_depth = kMaxPlanDepth);

// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

class YamlReader {
 public:
  YamlReader(std::string file, Diagnostics& diagnostics, EnvLookup env);

  SourcePos pos(const YAML::Node& node) const;
  SourcePos file_pos() const { return SourcePos{file_}; }
  void error(const YAML::Node& at, std::string message, std::string hint = {});
  void error(SourcePos at, std::string message, std::string hint = {});

  // Type checks that report "expected a mapping/list for <what>, got <kind>".
  bool expect_map(const YAML::Node& node, std::string_view what);
  bool expect_sequence(const YAML::Node& node, std::string_view what);

  // Visits each entry of the mapping `map` in file order. Reports duplicate keys and keys not in
  // `allowed` (with a "did you mean" hint) instead of visiting them. An empty `allowed` accepts
  // any key (user-named entries like scenarios).
  using Visitor = std::function<void(const std::string& key, const YAML::Node& key_node,
                                     const YAML::Node& value)>;
  void for_each(const YAML::Node& map, std::string_view what,
                const std::vector<std::string_view>& allowed, const Visitor& visit);

  std::optional<std::string> string(const YAML::Node& node, std::string_view what);
  std::optional<std::int64_t> integer(const YAML::Node& node, std::string_view what,
                                      std::int64_t min = 0);
  std::optional<double> number(const YAML::Node& node, std::string_view what);
  std::optional<bool> boolean(const YAML::Node& node, std::string_view what);
  // "10s", "1m30s", "250ms"; a plain number is milliseconds (as in k6's JSON config).
  std::optional<Nanos> duration(const YAML::Node& node, std::string_view what);

  size_t error_count() const { return diagnostics_.items().size(); }

  // Environment variables substituted so far, as (name, value).
  const std::vector<std::pair<std::string, std::string>>& env_used() const { return env_used_; }

  static std::string_view kind_name(const YAML::Node& node);

 private:
  std::optional<std::string> interpolate(const YAML::Node& node, const std::string& text);

  std::string file_;
  Diagnostics& diagnostics_;
  EnvLookup env_;
  std::vector<std::pair<std::string, std::string>> env_used_;
};

}  // namespace perfgate::plan
