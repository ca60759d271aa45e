// gRPC steps (`grpc:`): the .proto files loaded (once per set of files) or the server's types
// read by reflection (`reflect: true`, once per server and service), the method found, the
// message checked against its type, and the request shaped as the HTTP/2 POST that carries the
// call. Every mistake is a diagnostic before any traffic: in the plan at file:line:col, or in a
// .proto file at its own file:line:col.
#include <fmt/format.h>

#include <filesystem>

#include "plan/flow_loader.h"
#include "plan/loader.h"
#include "protocols/grpc/framing.h"
#include "protocols/grpc/message_codec.h"
#include "protocols/grpc/method.h"
#include "protocols/grpc/proto_set.h"
#include "protocols/grpc/reflection.h"
#include "protocols/grpc/reflection_client.h"
#include "protocols/grpc/status.h"

namespace perfgate::plan::detail {
namespace {

namespace grpc = protocols::grpc;

// Metadata names the call's own headers use; a plan may not set them.
bool reserved_metadata(std::string_view name) {
  return name.empty() || name.front() == ':' || name == "content-type" || name == "te" ||
         name == "grpc-timeout" || name == "grpc-encoding" || name == "grpc-accept-encoding";
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// "grpc://host:port" or "grpcs://host:port" as the http:// or https:// origin the call goes to;
// "" after reporting what is wrong.
std::string grpc_origin(YamlReader& r, const YAML::Node& at, const std::string& url) {
  std::string rest;
  const bool tls = url.starts_with("grpcs://");
  if (tls)
    rest = url.substr(8);
  else if (url.starts_with("grpc://"))
    rest = url.substr(7);
  else {
    r.error(at, fmt::format("a gRPC step's url must be grpc:// or grpcs://, not \"{}\"", url),
            "write url: grpc://host:port (grpcs:// for TLS), or set options.baseUrl to one");
    return "";
  }
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty() || rest.find_first_of("/?#") != std::string::npos) {
    r.error(at, fmt::format("a gRPC url is host:port only, not \"{}\"", url),
            "the method goes in grpc.service and grpc.method");
    return "";
  }
  return (tls ? "https://" : "http://") + rest;
}

// The index of counter `name` in plan.metrics, declared when the plan does not have it yet.
int grpc_counter(Plan& plan, std::string_view name) {
  for (size_t i = 0; i < plan.metrics.size(); ++i) {
    if (plan.metrics[i].name == name) return static_cast<int>(i);
  }
  plan.metrics.push_back({std::string(name), MetricType::kCounter, {}});
  return static_cast<int>(plan.metrics.size() - 1);
}

}  // namespace

void FlowLoader::grpc_request(const YAML::Node& node, Step& s) {
  static const std::vector<std::string_view> kKeys = {"name",    "url",    "grpc",  "timeout",
                                                      "extract", "checks", "record"};
  std::map<std::string, YAML::Node> fields;
  r().for_each(
      node, "a gRPC step", kKeys,
      [&](const std::string& key, const YAML::Node&, const YAML::Node& v) { fields[key] = v; });
  RequestStep& req = s.request;
  req.method = "POST";
  std::string url = ctx.plan.options.base_url;
  const YAML::Node url_node = fields.count("url") ? fields["url"] : node;
  if (fields.count("url")) url = r().string(fields["url"], "url").value_or("");
  const std::string origin = grpc_origin(r(), url_node, url);
  std::map<std::string, YAML::Node> call;
  r().for_each(
      fields["grpc"], "grpc",
      {"proto", "importPaths", "reflect", "service", "method", "message", "metadata"},
      [&](const std::string& key, const YAML::Node&, const YAML::Node& v) { call[key] = v; });
  if (!fields["grpc"].IsMap()) return;
  const auto names = grpc_names(call, fields["grpc"]);
  auto protos = grpc_protos(call, fields["grpc"], origin, names ? names->first : "");
  if (!names || !protos) return;
  auto method = grpc_method(call, fields["grpc"], protos, *names);
  if (!method) return;
  req.grpc = method;
  plan::declare_grpc_stream_metrics(ctx.plan, req);
  req.http = HttpVersion::kHttp2;  // gRPC is HTTP/2 only (h2c for grpc://, ALPN h2 for grpcs://)
  if (!origin.empty()) req.url = Template::literal(origin + method->path);
  req.name = fields.count("name") ? r().string(fields["name"], "name").value_or("") : method->path;
  req.headers = {{"content-type", Template::literal("application/grpc")},
                 {"te", Template::literal("trailers")}};
  if (call.count("metadata")) grpc_metadata(call["metadata"], req);
  grpc_message(call.count("message") ? &call["message"] : nullptr, fields["grpc"], req);
  request_common(fields, req);
  // The deadline the server sees: the step's timeout, else options.timeout.
  req.headers.push_back(
      {"grpc-timeout", Template::literal(grpc::grpc_timeout(
                           req.timeout > 0 ? req.timeout : ctx.plan.options.timeout))});
}

std::shared_ptr<const protocols::grpc::ProtoSet> FlowLoader::grpc_protos(
    std::map<std::string, YAML::Node>& call, const YAML::Node& at, const std::string& origin,
    const std::string& service) {
  if (call.count("reflect") && r().boolean(call["reflect"], "grpc.reflect").value_or(false)) {
    if (call.count("proto")) {
      r().error(call["proto"],
                "grpc.proto and grpc.reflect: true both say where the types come from",
                "keep grpc.proto (the .proto files) or reflect: true (the server's reflection)");
      return nullptr;
    }
    return grpc_reflect(call, origin, service);
  }
  std::vector<std::string> files, imports;
  const auto paths = [&](const char* key, std::vector<std::string>& out) {
    if (!call.count(key)) return;
    const YAML::Node v = call[key];
    const auto add = [&](const YAML::Node& item) {
      auto path = r().string(item, fmt::format("grpc.{}", key));
      if (!path) return;
      const std::filesystem::path p(*path);
      out.push_back(p.is_absolute() ? *path : (std::filesystem::path(ctx.base_dir) / p).string());
    };
    if (v.IsSequence())
      for (const YAML::Node& item : v) add(item);
    else
      add(v);
  };
  paths("proto", files);
  paths("importPaths", imports);
  if (files.empty()) {
    if (!call.count("proto")) {
      r().error(at, "a gRPC step needs grpc.proto (or grpc.reflect: true)",
                "name the .proto file that declares the service, or set reflect: true to ask "
                "the server for its types (server reflection)");
    }
    return nullptr;
  }
  std::string key;
  for (const auto& f : files) key += f + '\n';
  key += '\n';
  for (const auto& i : imports) key += i + '\n';
  if (auto it = ctx.proto_sets.find(key); it != ctx.proto_sets.end()) return it->second;
  std::vector<grpc::ProtoError> errors;
  auto set = grpc::ProtoSet::load(files, imports, &errors);
  if (!set) {
    for (const grpc::ProtoError& e : errors) {
      r().error(SourcePos{e.file, std::max(e.line, 0), std::max(e.column, 0)}, e.message,
                "the .proto file must compile with protoc; its imports resolve against "
                "grpc.importPaths and the file's own directory");
    }
    if (errors.empty()) r().error(call["proto"], set.error().message, set.error().hint);
    ctx.proto_sets[key] = nullptr;
    return nullptr;
  }
  ctx.proto_sets[key] = *set;
  return *set;
}

std::optional<std::pair<std::string, std::string>> FlowLoader::grpc_names(
    std::map<std::string, YAML::Node>& call, const YAML::Node& at) {
  std::string service, method;
  if (call.count("service")) service = r().string(call["service"], "grpc.service").value_or("");
  if (call.count("method")) method = r().string(call["method"], "grpc.method").value_or("");
  if (!service.empty()) return std::pair{service, method};
  // grpc.method may name the whole method: package.Service/Method.
  auto full = grpc::split_full_method(method);
  if (!full) {
    r().error(call.count("method") ? call["method"] : at,
              "a gRPC step needs grpc.service and grpc.method",
              "write service: package.Service and method: Method");
    return std::nullopt;
  }
  return *full;
}

std::shared_ptr<const protocols::grpc::ProtoSet> FlowLoader::grpc_reflect(
    std::map<std::string, YAML::Node>& call, const std::string& origin,
    const std::string& service) {
  if (origin.empty() || service.empty()) return nullptr;  // reported already
  const std::string key = "reflect:" + origin + "\n" + service;
  if (auto it = ctx.proto_sets.find(key); it != ctx.proto_sets.end()) return it->second;
  grpc::ReflectionTarget target;
  target.origin = origin;
  target.ca_file = ctx.reflection.ca_file;
  target.insecure = ctx.reflection.insecure || ctx.plan.options.insecure_skip_tls_verify;
  grpc::ReflectionResult result;
  auto set = grpc::reflect_service(grpc::reflection_transport(target), service, &result);
  ctx.proto_sets[key] = set ? *set : nullptr;
  if (set) return *set;
  using grpc::ReflectionFailure;
  const YAML::Node at = result.failure != ReflectionFailure::kUnknownService ? call["reflect"]
                        : call.count("service")                              ? call["service"]
                                                                             : call["method"];
  std::string hint = set.error().hint;
  if (result.failure == ReflectionFailure::kUnreachable) {
    hint =
        "reflection asks the server for its types when the plan loads, before any traffic: start "
        "the server first, or name the .proto files with grpc.proto";
  }
  r().error(at, "server reflection: " + set.error().message, hint);
  return nullptr;
}

std::shared_ptr<const protocols::grpc::Method> FlowLoader::grpc_method(
    std::map<std::string, YAML::Node>& call, const YAML::Node& at,
    std::shared_ptr<const protocols::grpc::ProtoSet> protos,
    const std::pair<std::string, std::string>& names) {
  const auto& [service, method] = names;
  const YAML::Node method_at = call.count("method") ? call["method"] : at;
  auto found = grpc::find_method(protos, service, method);
  if (!found) {
    const bool no_service = found.error().message.starts_with("unknown gRPC service");
    r().error(no_service && call.count("service") ? call["service"] : method_at,
              found.error().message, found.error().hint);
    return nullptr;
  }
  return std::make_shared<const grpc::Method>(std::move(*found));
}

void FlowLoader::grpc_metadata(const YAML::Node& node, RequestStep& req) {
  r().for_each(node, "grpc.metadata", {},
               [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
                 const std::string name = lower(key);
                 if (reserved_metadata(name)) {
                   r().error(key_node,
                             fmt::format("metadata \"{}\" is set by the call itself", key),
                             "content-type, te and grpc-timeout come from the step");
                   return;
                 }
                 if (auto text = r().string(v, "metadata " + key)) {
                   Header header{name, compile(v, *text)};
                   if (check_header(r(), v, name, header.value))
                     req.headers.push_back(std::move(header));
                 }
               });
}

void FlowLoader::grpc_message(const YAML::Node* node, const YAML::Node& at, RequestStep& req) {
  const std::string json = node ? json_text(*node, 0) : "{}";
  const size_t errors_before = r().error_count();
  Template message = node ? compile(*node, json, Escape::kJson) : Template::literal(json);
  if (r().error_count() != errors_before) return;
  if (!message.is_literal()) {
    // Templated messages are encoded per request; one that does not match fails that request.
    req.body = std::move(message);
    req.grpc_encode_body = true;
    return;
  }
  auto bytes = grpc::json_to_message(*req.grpc->request, json);
  if (!bytes) {
    r().error(node ? *node : at, bytes.error().message, bytes.error().hint);
    return;
  }
  std::string frame;
  grpc::append_frame(&frame, *bytes);
  req.body = Template::literal(std::move(frame));
}

void FlowLoader::grpc_status_check(const YAML::Node& node, SourcePos pos, RequestStep& req) {
  Check c{CheckKind::kGrpcStatusIn};
  c.pos = std::move(pos);
  const auto add = [&](const YAML::Node& item) {
    auto text = r().string(item, "checks.grpcStatus");
    if (!text) return;
    if (auto code = grpc::parse_status(*text)) {
      c.statuses.push_back(*code);
      return;
    }
    std::vector<std::string_view> names(grpc::kStatusNames.begin(), grpc::kStatusNames.end());
    r().error(item, fmt::format("unknown gRPC status \"{}\"", *text), suggest(*text, names));
  };
  if (node.IsSequence())
    for (const YAML::Node& item : node) add(item);
  else
    add(node);
  std::string list;
  for (int code : c.statuses)
    list += (list.empty() ? "" : ",") + std::string(grpc::status_name(code));
  c.name = "grpc-status in [" + list + "]";
  if (!req.grpc) {
    r().error(c.pos, "checks.grpcStatus is for gRPC steps", "check an HTTP step's status:");
  }
  req.checks.push_back(std::move(c));
}

}  // namespace perfgate::plan::detail

namespace perfgate::plan {

void declare_grpc_stream_metrics(Plan& plan, RequestStep& req) {
  if (!req.grpc || req.grpc->kind != protocols::grpc::MethodKind::kServerStreaming) return;
  const char* names[] = {"grpc_streams", "grpc_streams_msgs_sent", "grpc_streams_msgs_received"};
  for (int i = 0; i < 3; ++i) req.grpc_stream_metrics[i] = detail::grpc_counter(plan, names[i]);
}

}  // namespace perfgate::plan
