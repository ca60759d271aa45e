// FlowLoader: reads one flow's steps, keeping track of which variables are defined at each step
// so every `{{var}}` is checked where it is used. Internal to the loader.
//
// Thread-safety: one per flow being loaded, on one thread.
#pragma once

#include <set>
#include <string>

#include "plan/loader_internal.h"

namespace perfgate::plan::detail {

// What a flow's templates may read at the current step.
struct FlowScope {
  std::set<size_t> feeders;
  std::set<std::string> env;        // keys every scenario running the flow defines
  std::set<std::string> extracted;  // set by earlier steps
  int depth = 0;
};

struct FlowLoader {
  LoadContext& ctx;
  FlowScope scope;

  YamlReader& r() { return ctx.reader; }

  // The slot of `name` if the flow can read it here, else -1.
  int resolve(std::string_view name);

  // Compiles `text`, the scalar `node` with `prefix` bytes prepended (e.g. the base URL), so
  // errors still point at the right column of the scalar.
  Template compile(const YAML::Node& node, const std::string& text, Escape escape = Escape::kNone,
                   size_t prefix = 0);
  // The compiled pattern, or nullopt after reporting why it does not compile.
  std::optional<Regex> regex(const YAML::Node& node, const std::string& pattern);

  void steps(const YAML::Node& node, std::vector<Step>& out);
  void step(const YAML::Node& node, std::vector<Step>& out);
  void request(const YAML::Node& node, Step& step);
  void think(const YAML::Node& node, Step& step);
  void group(const YAML::Node& node, Step& step);
  void extracts(const YAML::Node& node, RequestStep& req);
  void checks(const YAML::Node& node, RequestStep& req);
  void records(const YAML::Node& node, RequestStep& req);
  std::string json_text(const YAML::Node& node, int depth);
};

}  // namespace perfgate::plan::detail
