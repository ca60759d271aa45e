// Server reflection: the reflection messages as DynamicMessages, and the fetch of a service's
// files.
#include "protocols/grpc/reflection.h"

#include <fmt/format.h>
#include <google/protobuf/compiler/parser.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <map>
#include <set>

#include "protocols/grpc/framing.h"
#include "protocols/grpc/status.h"

namespace perfgate::protocols::grpc {
namespace {

namespace pb = google::protobuf;

// The fields of the reflection protocol perfgate uses; names and numbers as in the public
// grpc/reflection/v1/reflection.proto (v1alpha has the same messages). The package is perfgate's
// own: names never reach the wire.
constexpr std::string_view kReflectionProto = R"(
syntax = "proto3";
package perfgate.reflection;
message ServerReflectionRequest {
  string host = 1;
  oneof message_request {
    string file_by_filename = 3;
    string file_containing_symbol = 4;
    string list_services = 7;
  }
}
message FileDescriptorResponse { repeated bytes file_descriptor_proto = 1; }
message ServiceResponse { string name = 1; }
message ListServiceResponse { repeated ServiceResponse service = 1; }
message ErrorResponse {
  int32 error_code = 1;
  string error_message = 2;
}
message ServerReflectionResponse {
  string valid_host = 1;
  ServerReflectionRequest original_request = 2;
  oneof message_response {
    FileDescriptorResponse file_descriptor_response = 4;
    ListServiceResponse list_services_response = 6;
    ErrorResponse error_response = 7;
  }
}
)";

class NoErrors final : public pb::io::ErrorCollector {
 public:
  void AddError(int, pb::io::ColumnNumber, const std::string&) override {}
};

struct Messages {
  pb::DescriptorPool pool;
  std::unique_ptr<pb::DynamicMessageFactory> factory;
  const pb::Descriptor* request = nullptr;
  const pb::Descriptor* response = nullptr;

  Messages() {
    pb::io::ArrayInputStream in(kReflectionProto.data(), static_cast<int>(kReflectionProto.size()));
    NoErrors errors;
    pb::io::Tokenizer tokenizer(&in, &errors);
    pb::FileDescriptorProto file;
    pb::compiler::Parser parser;
    parser.Parse(&tokenizer, &file);
    file.set_name("perfgate/reflection.proto");
    pool.BuildFile(file);
    factory = std::make_unique<pb::DynamicMessageFactory>(&pool);
    request = pool.FindMessageTypeByName("perfgate.reflection.ServerReflectionRequest");
    response = pool.FindMessageTypeByName("perfgate.reflection.ServerReflectionResponse");
  }
};

const Messages& messages() {
  static const Messages m;  // the text is a constant: it always builds
  return m;
}

std::string request_bytes(std::string_view field, std::string_view value) {
  const Messages& m = messages();
  std::unique_ptr<pb::Message> message(m.factory->GetPrototype(m.request)->New());
  message->GetReflection()->SetString(message.get(), m.request->FindFieldByName(std::string(field)),
                                      std::string(value));
  return message->SerializeAsString();
}

// One decoded ServerReflectionResponse.
struct Reply {
  std::vector<std::string> files;     // file_descriptor_response
  std::vector<std::string> services;  // list_services_response
  bool error = false;                 // error_response
  int error_code = 0;
  std::string error_message;
};

Result<Reply> decode_reply(std::string_view bytes) {
  const Messages& m = messages();
  std::unique_ptr<pb::Message> message(m.factory->GetPrototype(m.response)->New());
  if (!message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return make_error("a reflection reply that does not parse");
  }
  const pb::Reflection* r = message->GetReflection();
  Reply out;
  const auto* files = m.response->FindFieldByName("file_descriptor_response");
  const auto* services = m.response->FindFieldByName("list_services_response");
  const auto* error = m.response->FindFieldByName("error_response");
  if (r->HasField(*message, files)) {
    const pb::Message& f = r->GetMessage(*message, files);
    const auto* list = f.GetDescriptor()->FindFieldByName("file_descriptor_proto");
    for (int i = 0; i < f.GetReflection()->FieldSize(f, list); ++i)
      out.files.push_back(f.GetReflection()->GetRepeatedString(f, list, i));
  } else if (r->HasField(*message, services)) {
    const pb::Message& s = r->GetMessage(*message, services);
    const auto* list = s.GetDescriptor()->FindFieldByName("service");
    for (int i = 0; i < s.GetReflection()->FieldSize(s, list); ++i) {
      const pb::Message& one = s.GetReflection()->GetRepeatedMessage(s, list, i);
      out.services.push_back(
          one.GetReflection()->GetString(one, one.GetDescriptor()->FindFieldByName("name")));
    }
  } else if (r->HasField(*message, error)) {
    const pb::Message& e = r->GetMessage(*message, error);
    out.error = true;
    out.error_code =
        e.GetReflection()->GetInt32(e, e.GetDescriptor()->FindFieldByName("error_code"));
    out.error_message =
        e.GetReflection()->GetString(e, e.GetDescriptor()->FindFieldByName("error_message"));
  } else {
    return make_error("a reflection reply without an answer");
  }
  return out;
}

// The fetch: which reflection service answers, and the files received so far.
class Fetch {
 public:
  Fetch(const ReflectionTransport& transport, ReflectionResult* result)
      : transport_(transport), result_(result) {}

  // Sends `requests` (unframed) in one call; one reply each, in order.
  Result<std::vector<Reply>> call(const std::vector<std::string>& requests) {
    if (++rounds_ > kMaxReflectionRounds) {
      return fail(ReflectionFailure::kBadReply,
                  make_error(fmt::format("more than {} reflection calls", kMaxReflectionRounds)));
    }
    std::string body;
    for (const std::string& r : requests) append_frame(&body, r);
    auto reply = send(body);
    if (!reply) return reply.error();
    // A batch of files may well pass gRPC's 4 MiB per message: the bound is the whole answer's.
    FrameReader reader(/*keep=*/true, kMaxReflectionReplyBytes);
    if (!reader.feed(reply->body) || !reader.finish() || reader.kept().size() != requests.size()) {
      return fail(ReflectionFailure::kBadReply,
                  make_error(fmt::format("the server's reflection answered {} requests with {} "
                                         "messages ({})",
                                         requests.size(), reader.kept().size(),
                                         frame_error_name(reader.error()))));
    }
    std::vector<Reply> out;
    for (const std::string& bytes : reader.kept()) {
      auto decoded = decode_reply(bytes);
      if (!decoded) return fail(ReflectionFailure::kBadReply, decoded.error());
      out.push_back(std::move(*decoded));
    }
    return out;
  }

  Error fail(ReflectionFailure failure, Error error) {
    result_->failure = failure;
    return error;
  }

 private:
  // v1 first; v1alpha when v1 is UNIMPLEMENTED; then whichever answered.
  Result<UnaryReply> send(const std::string& body) {
    constexpr int kUnimplemented = 12;
    const bool chosen = !result_->path.empty();
    for (std::string_view path : {kReflectionV1Path, kReflectionV1AlphaPath}) {
      if (chosen && path != result_->path) continue;
      auto reply = transport_(path, body);
      if (!reply) return fail(ReflectionFailure::kUnreachable, reply.error());
      if (reply->status == kUnimplemented && !chosen) continue;
      if (reply->status != kStatusOk) {
        return fail(ReflectionFailure::kBadReply,
                    make_error(fmt::format("the server's reflection answered {}: {}",
                                           status_name(reply->status), reply->message)));
      }
      result_->path = std::string(path);
      return reply;
    }
    return fail(ReflectionFailure::kNotOffered,
                make_error("the server does not offer server reflection (grpc.reflection.v1 and "
                           "v1alpha are UNIMPLEMENTED)",
                           "enable reflection on the server, or name the .proto files with "
                           "grpc.proto (--proto) instead"));
  }

  const ReflectionTransport& transport_;
  ReflectionResult* result_;
  int rounds_ = 0;
};

// The imports of `files` (name -> serialized descriptor) that are not among them.
Result<std::vector<std::string>> missing_imports(const std::map<std::string, std::string>& files) {
  std::set<std::string> missing;
  for (const auto& [name, bytes] : files) {
    pb::FileDescriptorProto file;
    if (!file.ParseFromString(bytes)) {
      return make_error(
          fmt::format("the server sent a descriptor of {} that does not parse", name));
    }
    for (const std::string& dep : file.dependency()) {
      if (!files.count(dep)) missing.insert(dep);
    }
  }
  return std::vector<std::string>(missing.begin(), missing.end());
}

Result<void> add_files(std::map<std::string, std::string>& files, const Reply& reply) {
  for (const std::string& bytes : reply.files) {
    pb::FileDescriptorProto file;
    if (!file.ParseFromString(bytes) || file.name().empty()) {
      return make_error("the server sent a file descriptor that does not parse");
    }
    files.emplace(file.name(), bytes);
    if (files.size() > static_cast<size_t>(kMaxProtoFiles)) {
      return make_error(
          fmt::format("the server's reflection sent more than {} files", kMaxProtoFiles));
    }
  }
  return {};
}

// "a, b, c" of the services the server lists (the reflection services left out), for a hint.
std::string offered_services(Fetch& fetch) {
  auto replies = fetch.call({list_services_request()});
  if (!replies || replies->empty()) return "";
  std::string out;
  for (const std::string& name : replies->front().services) {
    if (name.starts_with("grpc.reflection.")) continue;
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

}  // namespace

std::string file_containing_symbol_request(std::string_view symbol) {
  return request_bytes("file_containing_symbol", symbol);
}
std::string file_by_filename_request(std::string_view file) {
  return request_bytes("file_by_filename", file);
}
std::string list_services_request() { return request_bytes("list_services", "*"); }

Result<std::shared_ptr<const ProtoSet>> reflect_service(const ReflectionTransport& transport,
                                                        std::string_view service,
                                                        ReflectionResult* result) {
  *result = {};
  Fetch fetch(transport, result);
  auto first = fetch.call({file_containing_symbol_request(service)});
  if (!first) return first.error();
  const Reply& reply = first->front();
  if (reply.error) {
    constexpr int kNotFound = 5;
    const std::string offered = reply.error_code == kNotFound ? offered_services(fetch) : "";
    result->failure = reply.error_code == kNotFound ? ReflectionFailure::kUnknownService
                                                    : ReflectionFailure::kBadReply;
    return make_error(fmt::format("the server's reflection does not know service \"{}\" ({}: {})",
                                  service, status_name(reply.error_code), reply.error_message),
                      offered.empty() ? "check the service's full name (package.Service)"
                                      : "services the server offers: " + offered);
  }
  std::map<std::string, std::string> files;
  if (auto ok = add_files(files, reply); !ok)
    return fetch.fail(ReflectionFailure::kBadReply, ok.error());
  for (;;) {
    auto missing = missing_imports(files);
    if (!missing) return fetch.fail(ReflectionFailure::kBadReply, missing.error());
    if (missing->empty()) break;
    std::vector<std::string> requests;
    for (const std::string& name : *missing) requests.push_back(file_by_filename_request(name));
    auto replies = fetch.call(requests);
    if (!replies) return replies.error();
    for (size_t i = 0; i < replies->size(); ++i) {
      const Reply& r = (*replies)[i];
      if (r.error || r.files.empty()) {
        return fetch.fail(ReflectionFailure::kBadReply,
                          make_error(fmt::format("the server's reflection does not send {}, which "
                                                 "the service's files import ({})",
                                                 (*missing)[i], r.error_message)));
      }
      if (auto ok = add_files(files, r); !ok) {
        return fetch.fail(ReflectionFailure::kBadReply, ok.error());
      }
    }
  }
  std::vector<std::string> serialized;
  for (auto& [name, bytes] : files) serialized.push_back(std::move(bytes));
  std::vector<ProtoError> errors;
  auto set = ProtoSet::from_descriptors(serialized, &errors);
  if (!set) {
    return fetch.fail(ReflectionFailure::kBadReply,
                      make_error("the server's descriptors do not build: " + set.error().message));
  }
  return set;
}

}  // namespace perfgate::protocols::grpc
