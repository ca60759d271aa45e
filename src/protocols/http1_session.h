// Http1Session: HTTP/1.1 behind the Session contract — the one request writer
// (append_http1_request, or the request's prebuilt wire bytes) and the one response parser
// (Http1ResponseParser), plus the capture of header fields and the de-chunked body when the
// caller asked for them, bounded by ResponseCapture::max_body_bytes.
//
// Bytes that arrive after a complete response (no request asked for them) mark the response
// `trailing_bytes`: the stream cannot be trusted and the driver closes the connection.
//
// Thread-safety: see protocols/session.h.
#pragma once

#include <string>
#include <vector>

#include "protocols/http1_response_parser.h"
#include "protocols/session.h"

namespace perfgate::protocols {

class Http1Session final : public Session, private Http1ResponseSink {
 public:
  Http1Session() = default;

  size_t free_streams() const override { return in_flight_ ? 0 : 1; }
  bool reusable() const override { return response_.keep_alive && !response_.trailing_bytes; }
  StreamId submit(const OutgoingRequest& request, const ResponseCapture& capture) override;
  std::string_view output() override { return wire_.substr(written_); }
  void consume(size_t n) override { written_ += n; }
  void rewind() override { written_ = 0; }
  bool cancel(StreamId) override {
    in_flight_ = false;
    return false;
  }

  FeedResult feed(const char* data, size_t size) override;
  FeedResult on_eof() override;
  bool response_started(StreamId) const override { return parser_.started(); }
  bool request_sent(StreamId) const override { return written_ == wire_.size(); }
  bool next_event(StreamEvent* event) override;

  const Response& response() const { return response_; }
  SessionError error() const override { return error_; }
  const char* error_detail() const override { return detail_; }

 private:
  void on_header(std::string_view name, std::string_view value) override;
  void on_interim_end() override;
  void on_body(const char* data, size_t size) override;
  FeedResult finish();
  FeedResult fail(SessionError error, const char* detail);

  Http1ResponseParser parser_;
  std::string own_wire_;   // the rendered request, when it was not prebuilt
  std::string_view wire_;  // the request's bytes (own_wire_ or the prebuilt ones)
  size_t written_ = 0;
  bool in_flight_ = false;  // submitted and not yet handed out by next_event()
  bool complete_ = false;   // the response is complete and not yet handed out
  ResponseCapture capture_;
  bool body_overflow_ = false;
  // Captured fields: names and values appended to one buffer, views made at the end.
  std::string field_bytes_;
  std::vector<std::pair<uint32_t, uint32_t>> field_offsets_;  // (name end, value end)
  std::vector<HeaderField> fields_;
  std::string body_;
  Response response_;
  SessionError error_ = SessionError::kNone;
  const char* detail_ = "";
};

}  // namespace perfgate::protocols
