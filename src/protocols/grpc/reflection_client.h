// ReflectionClient: the blocking gRPC client that server reflection runs over when a plan loads
// (never during a run, never on the engine's threads) — perfgate's own transports and
// Http2Session: h2c with prior knowledge for grpc://, TLS with ALPN h2 for grpcs:// with the run's
// trust settings. Each call is one POST of framed messages on a connection of its own;
// grpc-status and grpc-message are read from the trailers (or from the headers of a
// trailers-only answer).
//
// Bounds: the whole call by `timeout` (connecting included), the response body by
// kMaxReflectionReplyBytes. Errors say what failed ("connect: Connection refused", "timed out
// after 10 s", "the server did not agree to HTTP/2 (ALPN h2)").
//
// Thread-safety: a transport is reentrant (each call has its own connection).
#pragma once

#include <string>

#include "core/clock.h"
#include "protocols/grpc/reflection.h"

namespace perfgate::protocols::grpc {

struct ReflectionTarget {
  std::string origin;     // "http://host:port" (grpc://) or "https://host:port" (grpcs://)
  std::string ca_file;    // grpcs: trust these CA certificates (PEM) instead of the system's
  bool insecure = false;  // grpcs: do not verify the server's certificate
  Nanos timeout = 10 * kNanosPerSecond;
};

// The transport reflect_service() uses to reach `target`.
ReflectionTransport reflection_transport(ReflectionTarget target);

}  // namespace perfgate::protocols::grpc
