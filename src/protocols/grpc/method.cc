// Method lookup in a ProtoSet.
#include "protocols/grpc/method.h"

#include <fmt/format.h>

namespace perfgate::protocols::grpc {

Result<std::pair<std::string, std::string>> split_full_method(std::string_view full) {
  if (!full.empty() && full.front() == '/') full.remove_prefix(1);
  size_t cut = full.rfind('/');
  if (cut == std::string_view::npos) cut = full.rfind('.');
  if (cut == std::string_view::npos || cut == 0 || cut + 1 == full.size()) {
    return make_error(fmt::format("\"{}\" is not a gRPC method name", full),
                      "write package.Service/Method");
  }
  return std::pair{std::string(full.substr(0, cut)), std::string(full.substr(cut + 1))};
}

namespace {

std::string list_methods(const google::protobuf::ServiceDescriptor& service) {
  std::string out;
  for (int i = 0; i < service.method_count(); ++i) {
    out += (i ? ", " : "") + service.method(i)->name();
  }
  return out;
}

std::string list_services(const ProtoSet& protos) {
  std::string out;
  for (const std::string& name : protos.services()) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "(the files declare no service)" : out;
}

}  // namespace

Result<Method> find_method(std::shared_ptr<const ProtoSet> protos, std::string_view service,
                           std::string_view method) {
  const auto* s = protos->pool().FindServiceByName(std::string(service));
  if (s == nullptr) {
    return make_error(fmt::format("unknown gRPC service \"{}\"", service),
                      "services in the .proto files: " + list_services(*protos));
  }
  const auto* m = s->FindMethodByName(std::string(method));
  if (m == nullptr) {
    return make_error(fmt::format("service {} has no method \"{}\"", service, method),
                      "its methods: " + list_methods(*s));
  }
  if (m->client_streaming()) {
    return make_error(
        fmt::format("{}/{} is {} streaming: perfgate calls unary and server-streaming methods",
                    service, method, m->server_streaming() ? "bidirectional" : "client"),
        "test a unary or server-streaming method");
  }
  Method out;
  out.descriptor = m;
  out.request = protos->prototype(m->input_type());
  out.response = protos->prototype(m->output_type());
  out.kind = m->server_streaming() ? MethodKind::kServerStreaming : MethodKind::kUnary;
  out.path = fmt::format("/{}/{}", s->full_name(), m->name());
  out.protos = std::move(protos);
  return out;
}

}  // namespace perfgate::protocols::grpc
