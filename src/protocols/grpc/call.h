// Call: one gRPC call's request and response as the engine handles them, over any HTTP/2
// session — the request message encoded and framed, and a finished response read into a
// CallResult: its status (trailers, trailers-only headers, or implied by the HTTP status), how
// many messages came, and, when a check or an extraction needs it, the messages as JSON (one
// object for a unary call, an array for a server-streaming one). A response whose framing is
// bad (compressed, oversized, truncated) or whose message does not parse as the method's output
// type is an INTERNAL status, as gRPC clients report it.
//
// Thread-safety: reentrant; the FrameReader passed in belongs to the caller's thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"
#include "protocols/grpc/framing.h"
#include "protocols/grpc/method.h"
#include "protocols/grpc/status.h"

namespace perfgate::protocols::grpc {

// Replaces `framed` with the framed wire bytes of `json` as the method's request message.
Result<void> encode_request(const Method& method, std::string_view json, std::string* framed);

struct CallResult {
  CallStatus status;
  uint64_t messages = 0;  // response messages received
  std::string json;       // when asked for and the status came with readable messages
};

// Reads a finished response. `headers` and `trailers` as the session captured them (names in
// lower case); `body` the DATA bytes. `reader` is scratch, reset here.
CallResult read_call(const Method& method, std::span<const Field> headers,
                     std::span<const Field> trailers, int http_status, std::string_view body,
                     bool want_json, FrameReader& reader);

}  // namespace perfgate::protocols::grpc
