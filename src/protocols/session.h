// Session: one protocol spoken over one connection — bytes in, bytes out, a response out — with
// no I/O and no clocks (the shape of nghttp2's h2load Session). The connection driver
// (engine/connection.h) owns the transport and the timestamps; it hands the session every byte
// it reads and writes every byte the session produces.
//
// A request is described protocol-neutrally (OutgoingRequest); a session writes it in its own
// framing. A response comes back as a protocol-neutral Response, with its header fields and
// body kept only when the caller asked for them (ResponseCapture), within a size bound.
//
// Today one request is in flight per session (HTTP/1.1); multiplexing sessions (HTTP/2) extend
// this contract with stream handles.
//
// Thread-safety: a session belongs to the thread driving its connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace perfgate::protocols {

using HeaderField = std::pair<std::string_view, std::string_view>;

struct OutgoingRequest {
  std::string_view method = "GET";
  std::string_view authority;  // Host
  std::string_view target;     // origin-form: "/path?query"
  std::span<const HeaderField> headers;
  std::string_view body;
  std::string_view user_agent;  // sent unless `headers` has a User-Agent; "" = none
  // The request's exact HTTP/1.1 bytes, written once before the run when nothing in it varies
  // (the literal fast path): an HTTP/1.1 session sends them as they are and ignores the rest.
  std::string_view http1_wire;
};

// What the caller needs kept of the response; everything else is only counted.
struct ResponseCapture {
  bool headers = false;
  bool body = false;
  size_t max_body_bytes = 10 * 1024 * 1024;  // a kept body past this fails the request
};

// Why a session gave up on a response (the driver maps these to result error classes).
enum class SessionError : uint8_t {
  kNone,
  kParse,              // the bytes are not the protocol
  kClosedMidResponse,  // the peer closed before the response was complete
  kBodyTooLarge,       // a kept body exceeded ResponseCapture::max_body_bytes
};

struct Response {
  int status = 0;
  bool keep_alive = true;                // the connection may carry another request
  bool trailing_bytes = false;           // bytes arrived that no request asked for
  std::string_view proto;                // "HTTP/1.1"
  std::span<const HeaderField> headers;  // when captured; views valid until the next request
  std::string_view body;                 // when captured, decoded
  uint64_t body_bytes = 0;               // received, whether kept or not
};

enum class FeedResult : uint8_t { kNeedMore, kComplete, kError };

class Session {
 public:
  virtual ~Session() = default;

  // Starts a request. Its bytes are then available from output(). False when the request
  // cannot be written (a header value or target with CR, LF or NUL would inject lines).
  virtual bool submit(const OutgoingRequest& request, const ResponseCapture& capture) = 0;
  // Bytes waiting to be written; the view is valid until consume() or submit().
  virtual std::string_view output() const = 0;
  virtual void consume(size_t n) = 0;
  // Makes the whole current request pending again (it is re-sent on a new connection).
  virtual void rewind() = 0;

  // Received bytes. kComplete: response() is final; kError: error() says why.
  virtual FeedResult feed(const char* data, size_t size) = 0;
  // The peer closed the stream. kNeedMore means no byte of a response had arrived.
  virtual FeedResult on_eof() = 0;
  // Whether any byte of the current response has arrived.
  virtual bool response_started() const = 0;

  virtual const Response& response() const = 0;
  virtual SessionError error() const = 0;
  virtual const char* error_detail() const = 0;
};

}  // namespace perfgate::protocols
