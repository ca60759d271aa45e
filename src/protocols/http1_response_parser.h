// Http1ResponseParser: an incremental HTTP/1.1 response parser for the client side.
//
// Bytes in, events out; no I/O, no clocks, no histograms. Feed it whatever read() returned, split
// at any byte boundary; it reports when the response is complete or malformed. Bodies are never
// copied: the parser only counts body bytes. Header lines are parsed in place from the caller's
// buffer; only a line split across two reads is copied into a small carry buffer (bounded by
// kMaxLineBytes), so a connection keeps just this object as its receive state.
//
// Understood: status line (HTTP/1.0 and 1.1), Content-Length, Transfer-Encoding: chunked with
// extensions and trailers, Connection: close / keep-alive, 1xx interim responses (skipped), no
// body for HEAD, 204 and 304, and bodies delimited by connection close. Everything else that is
// not valid HTTP/1.x framing is a parse error.
//
// Thread-safety: none; one parser per connection, used by the connection's worker thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace perfgate::protocols {

// Receives what a caller asked to keep of a response (Http1ResponseParser::set_sink). Views are
// valid only during the call.
class Http1ResponseSink {
 public:
  virtual ~Http1ResponseSink() = default;
  // One header field of a response head (interim 1xx heads included; see on_interim_end).
  virtual void on_header(std::string_view name, std::string_view value) = 0;
  // The head just read was an interim (1xx) response: forget its fields.
  virtual void on_interim_end() = 0;
  // Body bytes of the final response, de-chunked.
  virtual void on_body(const char* data, size_t size) = 0;
};

class Http1ResponseParser {
 public:
  static constexpr size_t kMaxLineBytes = 16 * 1024;    // one header or chunk-size line
  static constexpr size_t kMaxHeaderBytes = 64 * 1024;  // a whole header section

  enum class Event : uint8_t {
    kNeedMore,  // the response is not finished; feed more bytes
    kComplete,  // the response is finished; see status_code(), keep_alive(), body_bytes()
    kError,     // the bytes are not a valid response; see error()
  };
  struct Progress {
    size_t consumed;  // bytes used; after kComplete any rest was not part of this response
    Event event;
  };

  // Prepares for the response to a new request. `head_request`: the request was HEAD, so the
  // response has no body whatever its headers say.
  void start(bool head_request);
  // Where header fields and body bytes go while parsing; null (the default) keeps nothing, which
  // is the fast path. Stays set across start().
  void set_sink(Http1ResponseSink* sink) { sink_ = sink; }

  // Feeds the next bytes of the response.
  Progress feed(const char* data, size_t size);

  // The peer closed the connection. Returns kComplete when the body is delimited by the close
  // (no Content-Length, not chunked); kError when a response was cut short; kNeedMore when no
  // byte of a response had arrived (the caller decides what an idle close means).
  Event finish_on_close();

  // Whether any byte of the current response has arrived.
  bool started() const { return bytes_seen_; }
  // Whether the final (non-1xx) response head has been read: only body bytes, if any, follow.
  bool head_complete() const {
    return state_ != State::kStatusLine && state_ != State::kHeaders && state_ != State::kError;
  }
  int status_code() const { return status_; }
  // Whether the connection may carry another request after this response.
  bool keep_alive() const { return keep_alive_; }
  uint64_t body_bytes() const { return body_bytes_; }
  // Bytes of the status line(s), header lines and trailer lines (everything but the body and
  // chunk framing).
  uint64_t header_bytes() const { return header_bytes_; }
  const char* error() const { return error_; }

 private:
  enum class State : uint8_t {
    kStatusLine,
    kHeaders,
    kBody,            // Content-Length bytes remain
    kBodyUntilClose,  // no framing: everything until EOF
    kChunkSize,
    kChunkData,
    kChunkDataEnd,  // the CRLF after a chunk's data
    kTrailers,
    kComplete,
    kError,
  };

  // Returns the next complete line (without CR LF) starting at data[*pos], advancing *pos, or
  // false when the line continues past `size` (then the partial line is kept in carry_).
  bool take_line(const char* data, size_t size, size_t* pos, std::string_view* line);
  void on_line(std::string_view line);
  void on_status_line(std::string_view line);
  void on_header_line(std::string_view line);
  void on_headers_end();
  void on_chunk_size_line(std::string_view line);
  void fail(const char* why);

  State state_ = State::kStatusLine;
  bool head_request_ = false;
  bool keep_alive_ = true;
  bool chunked_ = false;
  bool has_length_ = false;
  bool has_transfer_encoding_ = false;
  bool http10_ = false;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  bool bytes_seen_ = false;
  int status_ = 0;
  uint64_t content_length_ = 0;
  uint64_t remaining_ = 0;  // body or chunk bytes still to come
  uint64_t body_bytes_ = 0;
  uint64_t header_bytes_ = 0;
  const char* error_ = "";
  Http1ResponseSink* sink_ = nullptr;
  std::string carry_;  // a line split across feeds; empty almost always
};

}  // namespace perfgate::protocols
