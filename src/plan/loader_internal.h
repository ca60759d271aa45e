// Internals shared by the loader's translation units (loader.cc, load_scenarios.cc,
// load_flows.cc, feeder.cc). Not part of the plan module's interface.
//
// Thread-safety: one LoadContext per load, used from one thread.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "plan/loader.h"
#include "plan/plan.h"
#include "plan/yaml_reader.h"

namespace perfgate::protocols::grpc {
class ProtoSet;
}

namespace perfgate::plan::detail {

// Limits that keep hostile or accidental inputs (alias bombs, deep nesting) bounded.
constexpr int kMaxGroupDepth = 16;
constexpr size_t kMaxSteps = 10000;
constexpr std::int64_t kMaxVus = 1'000'000;

// A scenario's flow reference, resolved once all flows are known.
struct PendingFlowRef {
  size_t scenario = 0;
  std::string flow;
  double weight = 1;
  SourcePos pos;
};

struct LoadContext {
  LoadContext(std::string file, std::string base_dir, Diagnostics& diagnostics, EnvLookup env)
      : reader(std::move(file), diagnostics, std::move(env)), base_dir(std::move(base_dir)) {}

  YamlReader reader;
  std::string base_dir;
  Plan plan;
  std::vector<PendingFlowRef> flow_refs;
  std::vector<std::string> secret_names;  // from options.secrets
  size_t steps_seen = 0;
  // .proto sets loaded so far, by their files and import paths (load_grpc.cc), so steps that
  // name the same files share one.
  // Server reflection (`reflect: true`) uses the same map, by "reflect:" + origin + service.
  std::map<std::string, std::shared_ptr<const protocols::grpc::ProtoSet>> proto_sets;
  ReflectionTls reflection;  // how reflection reaches grpcs:// servers
  std::string source;        // the plan text, to place template errors at their exact column

  // The position of byte `offset` inside the scalar `node` when it can be placed exactly (a
  // one-line scalar, possibly quoted); otherwise the scalar's own position.
  SourcePos pos_in_scalar(const YAML::Node& node, const std::string& text, size_t offset) const;

  // The slot of `name`, creating the variable on first use. O(1): plans with 100k+ vars load
  // in linear time (Plan::slot_of is a linear search, fine for the engine's few lookups).
  int slot(const std::string& name);
  // The slot of `name`, or -1 when no variable has that name yet.
  int find_slot(std::string_view name) const;

 private:
  std::unordered_map<std::string, int> slots_;  // name -> index into plan.variables
};

// options.insecureSkipTLSVerify / tlsVersion / tlsCipherSuites / tlsAuth (load_tls.cc); false
// when `key` is none of them.
bool load_tls_option(LoadContext& ctx, const std::string& key, const YAML::Node& value);

// Each reads one top-level section into ctx.plan.
void load_vars(LoadContext& ctx, const YAML::Node& node);
void load_data(LoadContext& ctx, const YAML::Node& node);
void load_metrics(LoadContext& ctx, const YAML::Node& node);
void load_options(LoadContext& ctx, const YAML::Node& node);
void load_scenarios(LoadContext& ctx, const YAML::Node& node);
void load_flows(LoadContext& ctx, const YAML::Node& node);
void load_thresholds(LoadContext& ctx, const YAML::Node& node);
// options.vus/duration/iterations/stages without options.scenarios → one "default" scenario.
void load_shortcut_scenario(LoadContext& ctx, const YAML::Node& options);

bool is_iteration_based(ExecutorKind kind);

// Resolves scenario → flow references and checks weights; runs after load_flows.
void link_flows(LoadContext& ctx);

// Reads a feeder's file (CSV with a header row, or a JSON array of objects), at most
// kMaxDataFileBytes (core/read_file.h).
bool read_feeder_file(LoadContext& ctx, Feeder& feeder, const YAML::Node& at);
// Parses a feeder's content: JSON when feeder.path ends in ".json", else CSV. Errors become
// diagnostics at feeder.path.
bool read_feeder_text(LoadContext& ctx, Feeder& feeder, const std::string& text);

// Checks of values that would be accepted by their type but are wrong on the wire or make no
// sense (load_validation.cc); each reports at `at` and returns false when it did.
// A header name must be an HTTP token; a value must hold no CR, LF or NUL (request smuggling).
bool check_header(YamlReader& r, const YAML::Node& at, std::string_view name,
                  const Template& value);
// The literal part of a request URL (scheme, host, port) parses, IPv6 literals are addresses,
// and no literal part holds a space or control character (CR, LF, NUL).
bool check_request_url(YamlReader& r, const YAML::Node& at, const Template& url);
// A step URL with a scheme other than http:// or https:// (it would otherwise be taken as a path
// under options.baseUrl). False after reporting it.
bool check_url_scheme(YamlReader& r, const YAML::Node& at, std::string_view url);
// A URL whose only variables are `vars:` constants is rendered and checked as a literal one, so
// `plan --check` finds what the run would find on its first request.
void check_static_url(LoadContext& ctx, const YAML::Node& at, const Template& url);
// Request timeouts must be above 0.
bool check_timeout(YamlReader& r, const YAML::Node& at, std::string_view what, Nanos timeout);
// Option `http` (scenario and request step): auto, http1 or http2; an error otherwise.
std::optional<HttpVersion> read_http_version(YamlReader& r, const YAML::Node& v);

// Converts "$.a.b[0]" (JSONPath subset) or "/a/b/0" (JSON pointer) to a JSON pointer.
Result<std::string> to_json_pointer(std::string_view path);

}  // namespace perfgate::plan::detail
