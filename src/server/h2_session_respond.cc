// The answering half of H2Session: routing a finished request stream and submitting its
// response, now or after its delay, with the body read by nghttp2 as flow control allows.
#include <algorithm>
#include <cctype>
#include <cstring>

#include "server/h2_session.h"
#include "server/h2_stream.h"
#include "server/request_parser.h"
#include "server/response.h"
#include "server/router.h"
#include "server/worker.h"

namespace perfgate::server {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Response::extra_headers ("Name: value\r\n"...) as HTTP/2 fields, without the HTTP/1.1-only
// ones HTTP/2 forbids (RFC 9113 8.2.2).
void add_extra_headers(std::string_view lines, H2Stream& stream) {
  while (!lines.empty()) {
    const size_t end = lines.find("\r\n");
    const std::string_view line = lines.substr(0, end);
    lines = end == std::string_view::npos ? std::string_view() : lines.substr(end + 2);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name = lower(line.substr(0, colon));
    if (name == "connection" || name == "transfer-encoding" || name == "keep-alive") continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    stream.response_headers.emplace_back(std::move(name), std::string(value));
  }
}

// Empties the worker's shared Request, keeping its header vector's capacity for reuse.
void clear_request(Request& request, bool http2) {
  std::vector<Header> headers = std::move(request.headers);
  headers.clear();
  request = Request();
  request.headers = std::move(headers);
  request.http2 = http2;
}

// Fills `request` with views into `stream`, the way the HTTP/1.1 parser would.
void to_request(const H2Stream& stream, Request& request) {
  clear_request(request, /*http2=*/true);
  std::string_view authority;
  for (const auto& [name, value] : stream.headers) {
    if (name == ":method") {
      request.method = value;
    } else if (name == ":path") {
      request.target = value;
    } else if (name == ":authority") {
      authority = value;
    } else if (name.empty() || name[0] != ':') {
      request.headers.push_back({name, value});
    }
  }
  if (!authority.empty() && request.header("host").empty()) {
    request.headers.push_back({"host", authority});
  }
  const size_t question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string_view::npos) request.query = request.target.substr(question + 1);
  request.body = stream.body;
}

// Copies the routed response into the stream, so it survives the worker's next request.
void take_response(const Response& response, bool head, H2Stream& s) {
  s.status = response.status;
  s.response_headers.clear();
  const bool has_body = status_has_body(response.status);
  const bool text = response.body_kind == Response::Body::kText;
  if (has_body) {
    s.response_headers.emplace_back("content-type", std::string(response.content_type));
    if (response.body_kind != Response::Body::kGeneratedChunked) {
      const uint64_t length = text ? response.text_body().size() : response.generated_bytes;
      s.response_headers.emplace_back("content-length", std::to_string(length));
    }
  }
  add_extra_headers(response.extra_headers, s);
  if (has_body && !head && text) s.text.assign(response.text_body());
  if (has_body && !head && !text) s.generated_left = response.generated_bytes;
}

}  // namespace

void H2Session::answer(H2Stream& s) {
  s.answered = true;
  Request& request = worker_.request();
  to_request(s, request);
  Response& response = worker_.response();
  response.reset();
  worker_.router().route(request, response);
  worker_.count_request();
  take_response(response, request.is_head(), s);
  clear_request(request, /*http2=*/false);  // its views point into the stream, freed next
  std::vector<std::pair<std::string, std::string>>().swap(s.headers);
  drop_body(s);
  if (response.delay_ms > 0) {
    const Nanos deadline = worker_.loop().clock().now() + response.delay_ms * kNanosPerMilli;
    timers_[worker_.loop().schedule(deadline, timer_handler_)] = s.id;
    return;
  }
  submit(s);
}

void H2Session::answer_too_large(H2Stream& s) {
  Response& response = worker_.response();
  response.reset();
  response.set_text(413, "text/plain", "request body too large\n");
  worker_.count_request();
  s.answered = true;
  drop_body(s);
  take_response(response, /*head=*/false, s);
  submit(s);
}

void H2Session::submit(H2Stream& s) {
  const std::string status = std::to_string(s.status);
  std::vector<nghttp2_nv> fields;
  fields.reserve(s.response_headers.size() + 1);
  const auto field = [](std::string_view name, std::string_view value) {
    return nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                      reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(),
                      value.size(), NGHTTP2_NV_FLAG_NONE};
  };
  fields.push_back(field(":status", status));
  for (const auto& [name, value] : s.response_headers) fields.push_back(field(name, value));
  nghttp2_data_provider body{};
  body.source.ptr = &s;
  body.read_callback = read_body;
  const bool with_body = !s.text.empty() || s.generated_left > 0;
  nghttp2_submit_response(session_, s.id, fields.data(), fields.size(),
                          with_body ? &body : nullptr);
  std::vector<std::pair<std::string, std::string>>().swap(s.response_headers);  // copied
}

// nghttp2 asks for up to `length` bytes of the stream's body whenever flow control allows.
ssize_t H2Session::read_body(nghttp2_session*, int32_t, uint8_t* buf, size_t length,
                             uint32_t* flags, nghttp2_data_source* source, void*) {
  auto* s = static_cast<H2Stream*>(source->ptr);
  size_t n = 0;
  if (s->text_pos < s->text.size()) {
    n = std::min(length, s->text.size() - s->text_pos);
    std::memcpy(buf, s->text.data() + s->text_pos, n);
    s->text_pos += n;
  } else {
    n = static_cast<size_t>(std::min<uint64_t>(length, s->generated_left));
    for (size_t i = 0; i < n; ++i)
      buf[i] = static_cast<uint8_t>('a' + (s->generated_offset + i) % 26);
    s->generated_offset += n;
    s->generated_left -= n;
  }
  if (s->text_pos >= s->text.size() && s->generated_left == 0) *flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(n);
}

}  // namespace perfgate::server
