// MetricSet: the numbers one run (or one slice of it) produced — a latency histogram per trend,
// plain counters, errors by class and responses by status. Engine shards record into one, the
// coordinator merges them, and RunResult keeps the run's total; all three are the same type, so
// merging is just add(). (analysis::MetricTable, analysis/metric_table.h, is a different thing:
// the flat table of named values that compare and gate read from any tool's results file.)
//
// Units: every trend is recorded in microseconds (HdrHistogram::for_latency_micros()).
// Thread-safety: none; a MetricSet belongs to one thread at a time (see engine/metric_shard.h).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "stats/hdr_histogram.h"

namespace perfgate::results {

// Trends, named as k6 names them. When each clock starts and stops is documented in
// engine/worker.h and docs/engine.md.
enum class Trend : uint8_t {
  kBlocked,              // http_req_blocked: waiting for a VU / connection slot
  kConnecting,           // http_req_connecting: TCP connect (0 on a reused connection)
  kSending,              // http_req_sending: writing the request
  kWaiting,              // http_req_waiting: request written -> first response byte (TTFB)
  kReceiving,            // http_req_receiving: first -> last response byte
  kDuration,             // http_req_duration (open model: from the scheduled start)
  kDurationUncorrected,  // http_req_duration_uncorrected: from the actual send start
  kScheduleLag,          // schedule_lag: scheduled start -> actual send start (open model)
  kIterationDuration,    // iteration_duration: one whole iteration
  kTlsHandshaking,       // http_req_tls_handshaking: the TLS handshake (0 when none happened)
  kGrpcDuration,         // grpc_req_duration: a gRPC call, as http_req_duration (docs/grpc.md)
  kCount,
};
inline constexpr size_t kTrendCount = static_cast<size_t>(Trend::kCount);
inline constexpr std::array<std::string_view, kTrendCount> kTrendNames = {
    "http_req_blocked",
    "http_req_connecting",
    "http_req_sending",
    "http_req_waiting",
    "http_req_receiving",
    "http_req_duration",
    "http_req_duration_uncorrected",
    "schedule_lag",
    "iteration_duration",
    "http_req_tls_handshaking",
    "grpc_req_duration"};

// Why a request failed. A failure never ends a run; it is counted here and in http_req_failed.
enum class ErrorClass : uint8_t {
  kConnectRefused,      // the target refused the connection (nothing listening)
  kConnectTimeout,      // connect did not finish within --timeout
  kConnectError,        // any other local or network connect failure (EMFILE, EADDRNOTAVAIL..)
  kReset,               // the peer reset the connection (ECONNRESET / EPIPE)
  kReadError,           // read() failed otherwise
  kWriteError,          // write() failed otherwise
  kParseError,          // the response was not valid HTTP/1.x
  kRequestTimeout,      // no complete response within --timeout of the send start
  kClosedMidResponse,   // the peer closed the connection before the response was complete
  kHttp4xx,             // a complete response with status 400..499
  kHttp5xx,             // a complete response with status >= 500
  kBodyTooLarge,        // a body the step keeps (checks, extraction) exceeded maxBodySize
  kTlsUntrusted,        // the certificate chain does not lead to a trusted CA
  kTlsExpired,          // a certificate is expired or not yet valid
  kTlsHostname,         // the certificate does not name the host
  kTlsVersion,          // client and server share no TLS version
  kTlsHandshake,        // any other handshake failure (alert, no common cipher, client cert)
  kTlsNotTls,           // the server answered in plain text (plain HTTP on a TLS port)
  kTlsError,            // a TLS error after the handshake
  kInvalidRequest,      // a rendered request could not be written (bad URL, CR/LF in a header)
  kDnsError,            // the host could not be resolved
  kHttp2NotNegotiated,  // HTTP/2 was required and the TLS server did not select h2 (ALPN)
  kStreamReset,         // the server reset the request's HTTP/2 stream (RST_STREAM)
  kGoaway,              // the server went away (HTTP/2 GOAWAY) before answering the request
  // A gRPC call ended with a non-OK status: one class per code (1..16), in code order.
  kGrpcCancelled,
  kGrpcUnknown,
  kGrpcInvalidArgument,
  kGrpcDeadlineExceeded,
  kGrpcNotFound,
  kGrpcAlreadyExists,
  kGrpcPermissionDenied,
  kGrpcResourceExhausted,
  kGrpcFailedPrecondition,
  kGrpcAborted,
  kGrpcOutOfRange,
  kGrpcUnimplemented,
  kGrpcInternal,
  kGrpcUnavailable,
  kGrpcDataLoss,
  kGrpcUnauthenticated,
  kCount,
};
inline constexpr size_t kErrorClassCount = static_cast<size_t>(ErrorClass::kCount);
inline constexpr std::array<std::string_view, kErrorClassCount> kErrorClassNames = {
    "connect_refused",
    "connect_timeout",
    "connect_error",
    "reset",
    "read_error",
    "write_error",
    "parse_error",
    "request_timeout",
    "closed_mid_response",
    "http_4xx",
    "http_5xx",
    "body_too_large",
    "tls_untrusted_certificate",
    "tls_certificate_expired",
    "tls_hostname_mismatch",
    "tls_protocol_version",
    "tls_handshake_failure",
    "tls_not_tls",
    "tls_error",
    "invalid_request",
    "dns_error",
    "http2_not_negotiated",
    "stream_reset",
    "goaway",
    "grpc_cancelled",
    "grpc_unknown",
    "grpc_invalid_argument",
    "grpc_deadline_exceeded",
    "grpc_not_found",
    "grpc_already_exists",
    "grpc_permission_denied",
    "grpc_resource_exhausted",
    "grpc_failed_precondition",
    "grpc_aborted",
    "grpc_out_of_range",
    "grpc_unimplemented",
    "grpc_internal",
    "grpc_unavailable",
    "grpc_data_loss",
    "grpc_unauthenticated"};

// Responses by status; index 0 counts requests that got no response (transport failures).
inline constexpr size_t kStatusSlots = 1000;

struct MetricSet {
  MetricSet();

  HdrHistogram& trend(Trend t) { return trends[static_cast<size_t>(t)]; }
  const HdrHistogram& trend(Trend t) const { return trends[static_cast<size_t>(t)]; }
  void count_error(ErrorClass e) { ++errors[static_cast<size_t>(e)]; }
  int64_t error_count(ErrorClass e) const { return errors[static_cast<size_t>(e)]; }

  void add(const MetricSet& other);
  void reset();

  // Trends hold completed responses only (any status); requests that failed at the transport
  // level are counted in http_reqs, failed_requests, errors and statuses[0].
  std::vector<HdrHistogram> trends;
  int64_t http_reqs = 0;           // requests that ended: with a response or with an error
  int64_t failed_requests = 0;     // subset of http_reqs: transport errors and status >= 400
  int64_t iterations = 0;          // finished iterations (one request each for now)
  int64_t dropped_iterations = 0;  // open model: scheduled but never started
  int64_t data_sent = 0;           // bytes written to sockets
  int64_t data_received = 0;       // bytes read from sockets
  std::array<int64_t, kErrorClassCount> errors{};
  std::array<int64_t, kStatusSlots> statuses{};
};

}  // namespace perfgate::results
