// A gRPC call's request encoding and response reading.
#include "protocols/grpc/call.h"

#include <fmt/format.h>

#include "protocols/grpc/message_codec.h"

namespace perfgate::protocols::grpc {

Result<void> encode_request(const Method& method, std::string_view json, std::string* framed) {
  auto bytes = json_to_message(*method.request, json);
  if (!bytes) return bytes.error();
  framed->clear();
  append_frame(framed, *bytes);
  return {};
}

namespace {

void fail_internal(CallResult& out, std::string message) {
  out.status.code = kStatusInternal;
  out.status.explicit_status = false;
  out.status.message = std::move(message);
  out.json.clear();
}

void messages_json(const Method& method, const FrameReader& reader, CallResult& out) {
  const bool array = method.kind == MethodKind::kServerStreaming;
  if (array) out.json = "[";
  for (size_t i = 0; i < reader.kept().size(); ++i) {
    auto json = message_to_json(*method.response, reader.kept()[i]);
    if (!json) return fail_internal(out, json.error().message);
    if (array && i > 0) out.json += ',';
    out.json += *json;
  }
  if (array) out.json += ']';
}

}  // namespace

CallResult read_call(const Method& method, std::span<const Field> headers,
                     std::span<const Field> trailers, int http_status, std::string_view body,
                     bool want_json, FrameReader& reader) {
  CallResult out;
  out.status = read_status(headers, trailers, http_status);
  reader.reset(want_json);
  if (!reader.feed(body) || !reader.finish()) {
    fail_internal(out, frame_error_name(reader.error()));
    out.messages = reader.messages();
    return out;
  }
  out.messages = reader.messages();
  if (method.kind == MethodKind::kUnary && out.status.code == kStatusOk && out.messages != 1) {
    fail_internal(out, fmt::format("a unary call answered {} messages", out.messages));
    return out;
  }
  if (want_json) messages_json(method, reader, out);
  return out;
}

}  // namespace perfgate::protocols::grpc
