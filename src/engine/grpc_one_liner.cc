// `perfgate run grpc://host:port/package.Service/Method --proto F --message JSON` (or --reflect
// instead of --proto: the server's reflection): the one gRPC request step, with everything
// checked (the .proto compiles or reflection answers, the method exists and is unary or
// server-streaming, the message is of its type) before any traffic.
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "engine/one_liner.h"
#include "protocols/grpc/framing.h"
#include "protocols/grpc/message_codec.h"
#include "protocols/grpc/method.h"
#include "protocols/grpc/proto_set.h"
#include "protocols/grpc/reflection.h"
#include "protocols/grpc/reflection_client.h"
#include "protocols/grpc/status.h"
#include "protocols/url.h"

namespace perfgate::engine {
namespace {

namespace grpc = protocols::grpc;

// The types from the server's reflection, fetched before any traffic.
Result<std::shared_ptr<const grpc::ProtoSet>> reflect(const OneLiner& one,
                                                      const std::string& origin,
                                                      const std::string& service) {
  if (!one.protos.empty()) {
    return make_error("--reflect and --proto both say where the types come from",
                      "keep --proto (the .proto files) or --reflect (the server's reflection)");
  }
  grpc::ReflectionTarget target;
  target.origin = origin;
  target.ca_file = one.reflection_tls.ca_file;
  target.insecure = one.reflection_tls.insecure;
  grpc::ReflectionResult result;
  auto set = grpc::reflect_service(grpc::reflection_transport(target), service, &result);
  if (set) return set;
  std::string hint = set.error().hint;
  if (result.failure == grpc::ReflectionFailure::kUnreachable) {
    hint = "--reflect asks the server for its types before any traffic: start it first";
  }
  return make_error("--reflect: " + set.error().message, hint);
}

Result<std::shared_ptr<const grpc::Method>> load_method(const OneLiner& one,
                                                        const std::string& origin,
                                                        std::string_view full) {
  auto names = grpc::split_full_method(full);
  if (!names) return names.error();
  if (one.protos.empty() && !one.reflect) {
    return make_error("a grpc:// one-liner needs --proto FILE (or --reflect)",
                      "name the .proto file that declares the service, or ask the server for "
                      "its types with --reflect (server reflection)");
  }
  std::vector<grpc::ProtoError> errors;
  auto protos = one.reflect ? reflect(one, origin, names->first)
                            : grpc::ProtoSet::load(one.protos, one.import_paths, &errors);
  if (!protos) return protos.error();
  auto method = grpc::find_method(*protos, names->first, names->second);
  if (!method) return method.error();
  return std::make_shared<const grpc::Method>(std::move(*method));
}

}  // namespace

Result<plan::Step> grpc_one_liner_step(const OneLiner& one) {
  const bool tls = one.url.starts_with("grpcs://");
  const std::string rest = one.url.substr(tls ? 8 : 7);
  const size_t slash = rest.find('/');
  if (slash == std::string::npos || slash == 0) {
    return make_error(fmt::format("\"{}\" names no method", one.url),
                      "write grpc://host:port/package.Service/Method");
  }
  const std::string origin = (tls ? "https://" : "http://") + rest.substr(0, slash);
  auto method = load_method(one, origin, rest.substr(slash + 1));
  if (!method) return method.error();
  auto url = protocols::parse_http_url(origin + (*method)->path);
  if (!url) return url.error();
  auto bytes = grpc::json_to_message(*(*method)->request, one.message.empty() ? "{}" : one.message);
  if (!bytes) return make_error("--message: " + bytes.error().message, bytes.error().hint);
  std::string frame;
  grpc::append_frame(&frame, *bytes);

  plan::Step step;
  step.kind = plan::Step::Kind::kRequest;
  plan::RequestStep& request = step.request;
  request.name = (*method)->path;
  request.method = "POST";
  request.url = plan::Template::literal(origin + (*method)->path);
  request.body = plan::Template::literal(std::move(frame));
  request.headers = {{"content-type", plan::Template::literal("application/grpc")},
                     {"te", plan::Template::literal("trailers")}};
  for (const auto& [name, value] : one.headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    request.headers.push_back({lower, plan::Template::literal(value)});
  }
  request.headers.push_back(
      {"grpc-timeout", plan::Template::literal(grpc::grpc_timeout(one.timeout))});
  request.grpc = std::move(*method);
  request.http = plan::HttpVersion::kHttp2;
  return step;
}

}  // namespace perfgate::engine
