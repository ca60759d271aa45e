// Message codec: gRPC message bodies between the JSON a plan writes and checks, and the protobuf
// wire bytes a server reads — through DynamicMessages of a loaded ProtoSet's types.
//   JSON -> bytes: protobuf's JSON mapping (field names as in the .proto or in lowerCamelCase;
//                  unknown fields are an error, so a typo is caught when the plan loads).
//   bytes -> JSON: field names as in the .proto, fields at their default value included, so a
//                  check on /count sees 0 rather than a missing field.
// Inputs are bounded: JSON text by kMaxJsonBytes, message bytes by the caller's framing bound.
//
// Thread-safety: reentrant; each call builds its own message from the shared prototype.
#pragma once

#include <google/protobuf/message.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace perfgate::protocols::grpc {

constexpr size_t kMaxJsonBytes = 16 * 1024 * 1024;

// The wire bytes of `json` read as a `prototype` message. Errors say what does not match the
// type (an unknown field, a value of the wrong kind).
Result<std::string> json_to_message(const google::protobuf::Message& prototype,
                                    std::string_view json);

// `bytes` (one message, unframed) as JSON text. Errors when the bytes do not parse as the type.
Result<std::string> message_to_json(const google::protobuf::Message& prototype,
                                    std::string_view bytes);

}  // namespace perfgate::protocols::grpc
