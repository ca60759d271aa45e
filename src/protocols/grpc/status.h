// gRPC call status: the 17 status codes with their canonical names, reading grpc-status and
// grpc-message from a response's trailers (or from its headers, in a trailers-only response),
// the status a response without grpc-status implies (gRPC's HTTP-to-gRPC status mapping), the
// error class each non-OK code is counted under, and the grpc-timeout header value of a
// deadline.
//
// Thread-safety: pure functions over value types.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace perfgate::protocols::grpc {

inline constexpr int kStatusCount = 17;
inline constexpr std::array<std::string_view, kStatusCount> kStatusNames = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};
// Error classes of the non-OK codes ("grpc_" + the lowercase name); index 0 (OK) is "".
std::string_view status_error_class(int code);

inline constexpr int kStatusOk = 0;
inline constexpr int kStatusUnknown = 2;
inline constexpr int kStatusDeadlineExceeded = 4;
inline constexpr int kStatusInternal = 13;
inline constexpr int kStatusUnavailable = 14;

// "OK", "NOT_FOUND", ...; "UNKNOWN" for a code outside 0..16.
std::string_view status_name(int code);
// A code from its name (any case, "NOT_FOUND" or "NotFound") or its number ("5").
std::optional<int> parse_status(std::string_view text);

using Field = std::pair<std::string_view, std::string_view>;

struct CallStatus {
  int code = kStatusUnknown;
  std::string message;           // grpc-message, percent-decoded; or why the status was implied
  bool explicit_status = false;  // grpc-status was present and valid
};

// The call's status from its trailers, else from its headers (trailers-only), else implied by
// the HTTP status: 200 without grpc-status is INTERNAL; others map as gRPC specifies (401
// UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 UNIMPLEMENTED, 429/502/503/504 UNAVAILABLE,
// anything else UNKNOWN). Header names are compared in lower case, as HTTP/2 sends them.
CallStatus read_status(std::span<const Field> headers, std::span<const Field> trailers,
                       int http_status);

// grpc-message is percent-encoded (RFC 3986 unreserved characters left as they are).
std::string percent_decode(std::string_view text);

// The grpc-timeout value of a deadline `nanos` from now: at most 8 digits and a unit
// (n, u, m, S, M, H), rounded up so the server never sees a shorter deadline. REQUIRES: nanos>0.
std::string grpc_timeout(int64_t nanos);

}  // namespace perfgate::protocols::grpc
