// Session: one protocol spoken over one connection — bytes in, bytes out, responses out — with
// no I/O and no clocks (the shape of nghttp2's h2load Session). The connection driver
// (engine/connection.h) owns the transport and the timestamps; it hands the session every byte
// it reads and writes every byte the session produces.
//
// A request is described protocol-neutrally (OutgoingRequest); a session writes it in its own
// framing. A response comes back as a protocol-neutral Response, with its header fields and
// body kept only when the caller asked for them (ResponseCapture), within a size bound.
//
// Streams: submit() returns a handle for the request. A session may carry several requests at
// once (multiplexed(): HTTP/2 streams) or one after the other (HTTP/1.1: one in flight, handle
// always 1); free_streams() says how many more it takes now. After feed() answers kComplete,
// next_event() hands out each finished request once, with its Response or the reason it failed
// alone (a reset stream); kError from feed() or on_eof() means the whole connection failed and
// every request still in flight failed with error().
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

// A request's handle within its session.
using StreamId = int32_t;
inline constexpr StreamId kNoStream = -1;

// Views, not copies: what they point at must stay valid until the request ends (a session may
// write its header fields and body after submit() returns, e.g. when a stream's window opens).
struct OutgoingRequest {
  std::string_view method = "GET";
  std::string_view authority;        // Host (HTTP/2: :authority)
  std::string_view target;           // origin-form: "/path?query"
  std::string_view scheme = "http";  // HTTP/2 :scheme
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
  kStreamReset,        // the peer reset the request's stream (HTTP/2 RST_STREAM)
  kGoaway,             // the peer went away (HTTP/2 GOAWAY) before answering the request
};

struct Response {
  int status = 0;
  bool keep_alive = true;                 // the connection may carry another request
  bool trailing_bytes = false;            // bytes arrived that no request asked for
  std::string_view proto;                 // "HTTP/1.1", "HTTP/2.0"
  std::span<const HeaderField> headers;   // when captured; views valid until the next request
  std::span<const HeaderField> trailers;  // HTTP/2 trailer fields (e.g. grpc-status), always kept
  std::string_view body;                  // when captured, decoded
  uint64_t body_bytes = 0;                // received, whether kept or not
};

enum class FeedResult : uint8_t { kNeedMore, kComplete, kError };

// One finished request: its response, or why its stream failed alone.
struct StreamEvent {
  StreamId stream = kNoStream;
  SessionError error = SessionError::kNone;
  const Response* response = nullptr;  // when error == kNone; valid until the next feed()
  // Multiplexed sessions: the framed bytes of this stream (the connection's own frames are
  // credited to the next stream that ends). Zero from single-stream sessions.
  uint64_t bytes_sent = 0, bytes_received = 0;
};

class Session {
 public:
  virtual ~Session() = default;

  // Whether several requests may be in flight at once.
  virtual bool multiplexed() const { return false; }
  // How many more requests may be submitted now.
  virtual size_t free_streams() const = 0;
  // Whether the connection may carry requests after the ones in flight (no GOAWAY, keep-alive).
  virtual bool reusable() const = 0;

  // Starts a request; its bytes are then available from output(). kNoStream when it cannot be
  // written (a header value or target with CR, LF or NUL would inject lines).
  virtual StreamId submit(const OutgoingRequest& request, const ResponseCapture& capture) = 0;
  // Bytes waiting to be written; the view is valid until consume(), submit() or feed().
  virtual std::string_view output() = 0;
  virtual void consume(size_t n) = 0;
  // Single-stream sessions: makes the current request pending again (re-sent on a new
  // connection).
  virtual void rewind() = 0;
  // Gives up on a request (its timeout passed). False when the connection cannot carry on.
  virtual bool cancel(StreamId stream) = 0;

  // Received bytes. kComplete: next_event() has finished requests; kError: error() says why the
  // connection failed.
  virtual FeedResult feed(const char* data, size_t size) = 0;
  // The peer closed the stream. kNeedMore means no byte of a response had arrived.
  virtual FeedResult on_eof() = 0;
  // Whether any byte of the stream's response has arrived.
  virtual bool response_started(StreamId stream) const = 0;
  // Whether all of the stream's request has been handed out by output().
  virtual bool request_sent(StreamId stream) const = 0;
  // The next finished request, once each; false when none is left.
  virtual bool next_event(StreamEvent* event) = 0;

  virtual SessionError error() const = 0;
  virtual const char* error_detail() const = 0;
};

}  // namespace perfgate::protocols
