#include "protocols/http1_session.h"

#include "protocols/http1_request.h"

namespace perfgate::protocols {

StreamId Http1Session::submit(const OutgoingRequest& request, const ResponseCapture& capture) {
  bool valid = true;
  if (!request.http1_wire.empty()) {
    wire_ = request.http1_wire;
  } else {
    own_wire_.clear();
    valid = append_http1_request(request, own_wire_);
    wire_ = own_wire_;
  }
  written_ = 0;
  capture_ = capture;
  const bool keep = capture.headers || capture.body;
  parser_.set_sink(keep ? this : nullptr);
  parser_.start(request.method == "HEAD");
  field_bytes_.clear();
  field_offsets_.clear();
  fields_.clear();
  body_.clear();
  body_overflow_ = false;
  response_ = Response{};
  response_.proto = "HTTP/1.1";
  error_ = SessionError::kNone;
  detail_ = "";
  in_flight_ = valid;
  complete_ = false;
  return valid ? 1 : kNoStream;
}

bool Http1Session::next_event(StreamEvent* event) {
  if (!complete_) return false;
  complete_ = false;
  in_flight_ = false;
  *event = StreamEvent{};
  event->stream = 1;
  event->response = &response_;
  return true;
}

void Http1Session::on_header(std::string_view name, std::string_view value) {
  field_bytes_.append(name);
  const auto name_end = static_cast<uint32_t>(field_bytes_.size());
  field_bytes_.append(value);
  field_offsets_.emplace_back(name_end, static_cast<uint32_t>(field_bytes_.size()));
}

void Http1Session::on_interim_end() {
  field_bytes_.clear();
  field_offsets_.clear();
}

void Http1Session::on_body(const char* data, size_t size) {
  if (!capture_.body || body_overflow_) return;
  if (body_.size() + size > capture_.max_body_bytes) {
    body_overflow_ = true;
    return;
  }
  body_.append(data, size);
}

FeedResult Http1Session::fail(SessionError error, const char* detail) {
  in_flight_ = false;
  error_ = error;
  detail_ = detail;
  return FeedResult::kError;
}

FeedResult Http1Session::finish() {
  response_.status = parser_.status_code();
  response_.keep_alive = parser_.keep_alive();
  response_.body_bytes = parser_.body_bytes();
  uint32_t begin = 0;
  fields_.clear();
  for (const auto& [name_end, value_end] : field_offsets_) {
    const std::string_view all = field_bytes_;
    fields_.emplace_back(all.substr(begin, name_end - begin),
                         all.substr(name_end, value_end - name_end));
    begin = value_end;
  }
  response_.headers = fields_;
  response_.body = body_;
  complete_ = true;
  return FeedResult::kComplete;
}

FeedResult Http1Session::feed(const char* data, size_t size) {
  const auto progress = parser_.feed(data, size);
  if (body_overflow_) return fail(SessionError::kBodyTooLarge, "response body over the limit");
  switch (progress.event) {
    case Http1ResponseParser::Event::kComplete:
      response_.trailing_bytes = progress.consumed < size;
      return finish();
    case Http1ResponseParser::Event::kError:
      return fail(SessionError::kParse, parser_.error());
    default:
      return FeedResult::kNeedMore;
  }
}

FeedResult Http1Session::on_eof() {
  switch (parser_.finish_on_close()) {
    case Http1ResponseParser::Event::kComplete:
      response_.status = parser_.status_code();
      finish();
      response_.keep_alive = false;
      return FeedResult::kComplete;
    case Http1ResponseParser::Event::kNeedMore:
      return FeedResult::kNeedMore;
    default:
      return fail(SessionError::kClosedMidResponse, "connection closed mid-response");
  }
}

}  // namespace perfgate::protocols
