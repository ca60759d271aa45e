// FlowLoader: reads one flow's steps, keeping track of which variables are defined at each step
// so every `{{var}}` is checked where it is used. Internal to the loader.
//
// Thread-safety: one per flow being loaded, on one thread.
#pragma once

#include <map>
#include <set>
#include <string>

#include "plan/loader_internal.h"

namespace perfgate::plan::detail {

// What a flow's templates may read at the current step.
struct FlowScope {
  std::set<size_t> feeders;
  std::set<std::string> env;             // keys every scenario running the flow defines
  std::set<std::string> extracted;       // set by earlier steps
  std::set<std::string> batch_siblings;  // inside a batch: what its requests extract
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
  // The hint of a template error, told when the variable is a batch sibling's extraction.
  std::string batch_hint(const Error& error) const;
  // The compiled pattern, or nullopt after reporting why it does not compile.
  std::optional<Regex> regex(const YAML::Node& node, const std::string& pattern);

  void steps(const YAML::Node& node, std::vector<Step>& out);
  void step(const YAML::Node& node, std::vector<Step>& out);
  void request(const YAML::Node& node, Step& step);
  void grpc_request(const YAML::Node& node, Step& step);  // load_grpc.cc
  // The step's `timeout`, `checks`, `extract` and `record` (shared by HTTP and gRPC steps).
  void request_common(std::map<std::string, YAML::Node>& fields, RequestStep& req);
  void grpc_status_check(const YAML::Node& node, SourcePos pos, RequestStep& req);
  // grpc.service and grpc.method as "package.Service" and "Method"; nullopt after an error.
  std::optional<std::pair<std::string, std::string>> grpc_names(
      std::map<std::string, YAML::Node>& call, const YAML::Node& at);
  // The step's types: from grpc.proto files, or with grpc.reflect from the server at `origin`.
  std::shared_ptr<const protocols::grpc::ProtoSet> grpc_protos(
      std::map<std::string, YAML::Node>& call, const YAML::Node& at, const std::string& origin,
      const std::string& service);
  std::shared_ptr<const protocols::grpc::ProtoSet> grpc_reflect(
      std::map<std::string, YAML::Node>& call, const std::string& origin,
      const std::string& service);
  std::shared_ptr<const protocols::grpc::Method> grpc_method(
      std::map<std::string, YAML::Node>& call, const YAML::Node& at,
      std::shared_ptr<const protocols::grpc::ProtoSet> protos,
      const std::pair<std::string, std::string>& names);
  void grpc_metadata(const YAML::Node& node, RequestStep& req);
  // `node`: the message (null: an empty message); errors without one are reported `at`.
  void grpc_message(const YAML::Node* node, const YAML::Node& at, RequestStep& req);
  void think(const YAML::Node& node, Step& step);
  void group(const YAML::Node& node, Step& step);
  // `batch: [request steps]`; each request sees the variables extracted before the batch, not
  // those its siblings extract (they run at the same time).
  void batch(const YAML::Node& node, Step& step);
  void extracts(const YAML::Node& node, RequestStep& req);
  // `body: {file: x, template: bool}`: the file's content as a literal or compiled template.
  Template body_file(const YAML::Node& node);
  void step_tags(const YAML::Node& node, RequestStep& req);
  void checks(const YAML::Node& node, RequestStep& req);
  // One condition of `checks:` (`status: 200`), appended to `out` (headers: may add several).
  void check_kind(const std::string& kind, const YAML::Node& key_node, const YAML::Node& v,
                  const RequestStep& req, std::vector<Check>& out);
  // `"name": {conditions...}`: one check that passes when all its conditions hold.
  void named_check(const std::string& name, const YAML::Node& key_node, const YAML::Node& v,
                   const RequestStep& req, std::vector<Check>& out);
  void records(const YAML::Node& node, RequestStep& req);
  std::string json_text(const YAML::Node& node, int depth);
};

}  // namespace perfgate::plan::detail
