#include "server/h2_session.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "server/h2_stream.h"
#include "server/request_parser.h"
#include "server/response.h"
#include "server/router.h"
#include "server/worker.h"

namespace perfgate::server {

namespace {

constexpr uint32_t kMaxConcurrentStreams = 100;
constexpr size_t kMaxHeaderBytes = 64 * 1024;
constexpr size_t kMaxBodyBytes = 16 * 1024 * 1024;
}  // namespace

H2Session::H2Session(Worker& worker, net::TimerHandler* timer_handler)
    : worker_(worker), timer_handler_(timer_handler) {
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, on_frame_recv);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_stream_close);
  nghttp2_session_server_new(&session_, callbacks, this);
  nghttp2_session_callbacks_del(callbacks);
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, kMaxConcurrentStreams},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, kMaxHeaderBytes}};
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
}

// nghttp2_session_del calls no callbacks; streams_ then frees the streams still open.
H2Session::~H2Session() { nghttp2_session_del(session_); }

bool H2Session::receive(std::string_view data) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  const ssize_t used = nghttp2_session_mem_recv(session_, bytes, data.size());
  return used >= 0;
}

bool H2Session::produce(std::string& out, size_t limit) {
  while (out.size() < limit) {
    const uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n < 0) return false;
    if (n == 0) break;
    out.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
  }
  return true;
}

bool H2Session::wants_write() const { return nghttp2_session_want_write(session_) != 0; }

bool H2Session::finished() const {
  return nghttp2_session_want_read(session_) == 0 && nghttp2_session_want_write(session_) == 0;
}

void H2Session::on_timer(uint64_t token) {
  const auto it = timers_.find(token);
  if (it == timers_.end()) return;
  const int32_t id = it->second;
  timers_.erase(it);
  if (H2Stream* s = stream(id)) submit(*s);  // unless the client reset it meanwhile
}

void H2Session::drop_body(H2Stream& s) {
  body_bytes_ -= s.body.size();
  std::string().swap(s.body);
}

H2Stream* H2Session::stream(int32_t id) const {
  const auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : it->second.get();
}

int H2Session::on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* self) {
  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
  auto stream = std::make_unique<H2Stream>();
  stream->id = frame->hd.stream_id;
  static_cast<H2Session*>(self)->streams_[stream->id] = std::move(stream);
  return 0;
}

int H2Session::on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                         size_t name_len, const uint8_t* value, size_t value_len, uint8_t,
                         void* self) {
  H2Stream* s = static_cast<H2Session*>(self)->stream(frame->hd.stream_id);
  if (s == nullptr || s->answered) return 0;  // trailers: ignored
  s->header_bytes += name_len + value_len + 32;
  if (s->header_bytes > kMaxHeaderBytes) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  s->headers.emplace_back(std::string(reinterpret_cast<const char*>(name), name_len),
                          std::string(reinterpret_cast<const char*>(value), value_len));
  return 0;
}

int H2Session::on_data(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data,
                       size_t len, void* self) {
  auto* session = static_cast<H2Session*>(self);
  H2Stream* s = session->stream(stream_id);
  if (s == nullptr || s->answered) return 0;
  // The limit holds for the bodies of all streams of the connection together, so 100
  // concurrent streams cannot buffer 100 times as much.
  if (session->body_bytes_ + len > kMaxBodyBytes) {
    session->answer_too_large(*s);
    return 0;
  }
  s->body.append(reinterpret_cast<const char*>(data), len);
  session->body_bytes_ += len;
  return 0;
}

int H2Session::on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* self) {
  auto* session = static_cast<H2Session*>(self);
  const bool request_frame = frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA;
  if (!request_frame || (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) == 0) return 0;
  H2Stream* s = session->stream(frame->hd.stream_id);
  if (s != nullptr && !s->answered) session->answer(*s);
  return 0;
}

int H2Session::on_stream_close(nghttp2_session*, int32_t stream_id, uint32_t, void* self) {
  auto* session = static_cast<H2Session*>(self);
  if (H2Stream* s = session->stream(stream_id)) session->drop_body(*s);
  session->streams_.erase(stream_id);
  return 0;
}

}  // namespace perfgate::server
