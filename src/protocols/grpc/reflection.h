// Server reflection: the message types of a gRPC service read from the server itself (the
// grpc.reflection ServerReflection service, as grpcurl and k6's `reflect: true` use it) into a
// ProtoSet, so a plan or one-liner needs no .proto files.
//
// One fetch: `file_containing_symbol` for the service, then `file_by_filename` for any import the
// server did not send with it (several requests share one call), until every file is there. The
// v1 service (grpc.reflection.v1.ServerReflection) is asked first and, when the server does not
// implement it, v1alpha — as grpcurl does. The transport is a function, so the protocol is tested
// without a network (reflection_client.h is the real one).
//
// The reflection messages are defined here (the fields perfgate uses, with the numbers of the
// public reflection.proto) and built as DynamicMessages. Bounds: kMaxProtoFiles files,
// kMaxReflectionReplyBytes per call's answer, kMaxReflectionRounds calls.
//
// Thread-safety: reentrant; the message definitions are built once, thread-safely.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "protocols/grpc/proto_set.h"

namespace perfgate::protocols::grpc {

constexpr int kMaxReflectionRounds = 64;
// The DATA of one reflection call's answer (all its messages).
constexpr size_t kMaxReflectionReplyBytes = 64 * 1024 * 1024;
inline constexpr std::string_view kReflectionV1Path =
    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo";
inline constexpr std::string_view kReflectionV1AlphaPath =
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

// What one gRPC call returned: its status and its response DATA bytes (framed messages).
struct UnaryReply {
  int status = 0;
  std::string message;  // grpc-message
  std::string body;
};

// Makes one call: POST `path` with `body` (framed request messages). An Error when there was no
// gRPC answer at all (connection refused, TLS, timeout, not HTTP/2).
using ReflectionTransport =
    std::function<Result<UnaryReply>(std::string_view path, std::string_view body)>;

enum class ReflectionFailure {
  kNone,
  kUnreachable,     // the transport failed: no server, TLS, timeout
  kNotOffered,      // neither v1 nor v1alpha is implemented (reflection not enabled)
  kUnknownService,  // the server does not know the service (the hint lists those it has)
  kBadReply,        // anything else: an error status, a reply that does not parse, a missing file
};

struct ReflectionResult {
  ReflectionFailure failure = ReflectionFailure::kNone;
  std::string path;  // the reflection service that answered (v1 or v1alpha), when one did
};

// The files that declare `service` and everything they import, as a ProtoSet.
Result<std::shared_ptr<const ProtoSet>> reflect_service(const ReflectionTransport& transport,
                                                        std::string_view service,
                                                        ReflectionResult* result);

// The wire bytes of reflection requests (exposed for tests).
std::string file_containing_symbol_request(std::string_view symbol);
std::string file_by_filename_request(std::string_view file);
std::string list_services_request();

}  // namespace perfgate::protocols::grpc
