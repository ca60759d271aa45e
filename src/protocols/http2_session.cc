#include "protocols/http2_session.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <charconv>

#include "protocols/field_text.h"

namespace perfgate::protocols {
namespace {

constexpr int32_t kStreamWindow = 16 * 1024 * 1024;
constexpr int32_t kConnectionWindow = (1 << 30) - 1;
constexpr size_t kOutputChunk = 64 * 1024;  // produce frames up to this much at a time
constexpr size_t kMaxOpenStreams = 1024;    // our own bound on concurrent streams
constexpr size_t kFrameHeader = 9;

// Fields HTTP/2 forbids (RFC 9113 8.2.2) or carries as pseudo-headers.
bool dropped_field(std::string_view name) {
  return same_name(name, "host") || same_name(name, "connection") ||
         same_name(name, "keep-alive") || same_name(name, "proxy-connection") ||
         same_name(name, "transfer-encoding") || same_name(name, "upgrade");
}

// A field nghttp2 does not copy: `name` (lower case) and `value` stay valid until the request
// ends (OutgoingRequest's contract; literals and Stream members for the ones made here), so its
// HEADERS frame, written later by produce(), reads them in place.
nghttp2_nv make_nv(std::string_view name, std::string_view value,
                   uint8_t flags = NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE) {
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
          flags};
}

bool has_upper_case(std::string_view text) {
  for (const char c : text) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

// The request's header block into nva[0, returned count): the pseudo-header fields, the
// request's own fields less the connection-specific ones HTTP/2 forbids, then user-agent and
// content-length when the request has none. A name with upper case is lower-cased into
// `scratch` (sized first so the views into it stay put) and copied by nghttp2 at submit; every
// other name and value is read in place. `content_length` must live as long as the stream.
size_t fill_fields(const OutgoingRequest& request, std::string& scratch,
                   std::string& content_length, std::vector<nghttp2_nv>& nva) {
  size_t names = 0;
  for (const auto& field : request.headers) names += field.first.size();
  scratch.clear();
  scratch.reserve(names);
  nva.resize(std::max(nva.size(), request.headers.size() + 6));  // index writes: no checks
  size_t n = 0;
  nva[n++] = make_nv(":method", request.method);
  nva[n++] = make_nv(":scheme", request.scheme);
  nva[n++] = make_nv(":authority", request.authority);
  nva[n++] = make_nv(":path", request.target.empty() ? "/" : request.target);
  bool user_agent = false, has_length = false;
  for (const auto& [name, value] : request.headers) {
    if (dropped_field(name)) continue;
    user_agent |= same_name(name, "user-agent");
    has_length |= same_name(name, "content-length");
    if (!has_upper_case(name)) {
      nva[n++] = make_nv(name, value);
      continue;
    }
    const size_t begin = scratch.size();
    for (char c : name) scratch.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    nva[n++] =
        make_nv(std::string_view(scratch).substr(begin), value, NGHTTP2_NV_FLAG_NO_COPY_VALUE);
  }
  if (!user_agent && !request.user_agent.empty()) {
    nva[n++] = make_nv("user-agent", request.user_agent);
  }
  if (!has_length && !request.body.empty()) {
    content_length = std::to_string(request.body.size());
    nva[n++] = make_nv("content-length", content_length);
  }
  return n;
}

}  // namespace

// Header fields (and trailers) are appended to one buffer; views are made when the stream ends.
struct Http2Session::Stream {
  StreamId id = kNoStream;
  ResponseCapture capture;
  std::string_view body;  // the request body being sent
  size_t body_offset = 0;
  bool started = false, sent = false, complete = false, cancelled = false, overflow = false;
  SessionError error = SessionError::kNone;
  Response response;
  std::string field_bytes;
  std::vector<std::pair<uint32_t, uint32_t>> offsets;  // (name end, value end)
  size_t trailer_begin = SIZE_MAX;                     // index into offsets
  std::vector<HeaderField> fields, trailers;
  std::string kept_body;
  uint64_t bytes_sent = 0, bytes_received = 0;
  std::string content_length;  // rendered for the request

  void reset() {
    id = kNoStream;
    body = {};
    body_offset = 0;
    started = sent = complete = cancelled = overflow = false;
    error = SessionError::kNone;
    response = Response{};
    response.proto = "HTTP/2.0";
    field_bytes.clear();
    offsets.clear();
    trailer_begin = SIZE_MAX;
    fields.clear();
    trailers.clear();
    kept_body.clear();
    bytes_sent = bytes_received = 0;
  }
  void add_field(std::string_view name, std::string_view value) {
    field_bytes.append(name);
    const auto name_end = static_cast<uint32_t>(field_bytes.size());
    field_bytes.append(value);
    offsets.emplace_back(name_end, static_cast<uint32_t>(field_bytes.size()));
  }
  void make_views() {
    const std::string_view all = field_bytes;
    uint32_t begin = 0;
    for (size_t i = 0; i < offsets.size(); ++i) {
      const auto [name_end, value_end] = offsets[i];
      HeaderField f{all.substr(begin, name_end - begin),
                    all.substr(name_end, value_end - name_end)};
      (i >= trailer_begin ? trailers : fields).push_back(f);
      begin = value_end;
    }
    response.headers = fields;
    response.trailers = trailers;
    response.body = kept_body;
  }
};

// nghttp2's callbacks, each forwarding to the session passed as user data.
struct Http2Session::Callbacks {
  static Http2Session& self(void* p) { return *static_cast<Http2Session*>(p); }

  static int on_begin_frame(nghttp2_session*, const nghttp2_frame_hd* hd, void* p) {
    Http2Session& s = self(p);
    Stream* stream = hd->stream_id != 0 ? s.find(hd->stream_id) : nullptr;
    const uint64_t bytes = hd->length + kFrameHeader;
    if (stream == nullptr) {
      s.overhead_received_ += bytes;
      return 0;
    }
    stream->bytes_received += bytes;
    if (hd->type == NGHTTP2_HEADERS || hd->type == NGHTTP2_DATA) stream->started = true;
    return 0;
  }

  static int on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* p) {
    Http2Session& s = self(p);
    Stream* stream = frame->hd.stream_id != 0 ? s.find(frame->hd.stream_id) : nullptr;
    if (stream == nullptr) return 0;  // the connection's own: counted by produce()
    const uint64_t bytes = frame->hd.length + kFrameHeader;
    stream->bytes_sent += bytes;
    s.overhead_sent_ -= static_cast<int64_t>(bytes);
    if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) stream->sent = true;
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                       size_t name_len, const uint8_t* value, size_t value_len, uint8_t, void* p) {
    Stream* stream = self(p).find(frame->hd.stream_id);
    if (stream == nullptr || frame->hd.type != NGHTTP2_HEADERS) return 0;
    const std::string_view n(reinterpret_cast<const char*>(name), name_len);
    const std::string_view v(reinterpret_cast<const char*>(value), value_len);
    if (frame->headers.cat == NGHTTP2_HCAT_HEADERS) {  // trailers: always kept
      if (stream->trailer_begin == SIZE_MAX) stream->trailer_begin = stream->offsets.size();
      stream->add_field(n, v);
      return 0;
    }
    if (n == ":status") {
      int status = 0;
      std::from_chars(v.data(), v.data() + v.size(), status);
      stream->response.status = status;
      stream->field_bytes.clear();  // a final response after 1xx replaces the interim fields
      stream->offsets.clear();
      return 0;
    }
    if (stream->capture.headers) stream->add_field(n, v);
    return 0;
  }

  static int on_data(nghttp2_session* session, uint8_t, int32_t id, const uint8_t* data, size_t len,
                     void* p) {
    Stream* stream = self(p).find(id);
    if (stream == nullptr) return 0;
    stream->response.body_bytes += len;
    if (!stream->capture.body || stream->overflow) return 0;
    if (stream->kept_body.size() + len > stream->capture.max_body_bytes) {
      stream->overflow = true;
      nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
      return 0;
    }
    stream->kept_body.append(reinterpret_cast<const char*>(data), len);
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* p) {
    Http2Session& s = self(p);
    if (frame->hd.type == NGHTTP2_GOAWAY) s.goaway_ = true;
    if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
      if (Stream* stream = s.find(frame->hd.stream_id)) stream->complete = true;
    }
    return 0;
  }

  static int on_stream_close(nghttp2_session*, int32_t id, uint32_t error_code, void* p) {
    Http2Session& s = self(p);
    if (Stream* stream = s.find(id)) s.finish(*stream, error_code);
    return 0;
  }

  // A connection error nghttp2 found in what the peer sent (it queues a GOAWAY).
  static int on_error(nghttp2_session*, int, const char*, size_t, void* p) {
    self(p).failed_ = true;
    return 0;
  }

  static ssize_t read_body(nghttp2_session*, int32_t, uint8_t* buf, size_t length, uint32_t* flags,
                           nghttp2_data_source* source, void*) {
    auto* stream = static_cast<Stream*>(source->ptr);
    const size_t n = std::min(length, stream->body.size() - stream->body_offset);
    std::copy_n(stream->body.data() + stream->body_offset, n, buf);
    stream->body_offset += n;
    if (stream->body_offset == stream->body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }
};

Http2Session::Http2Session() {
  nghttp2_session_callbacks* cb = nullptr;
  nghttp2_session_callbacks_new(&cb);
  nghttp2_session_callbacks_set_on_begin_frame_callback(cb, Callbacks::on_begin_frame);
  nghttp2_session_callbacks_set_on_frame_send_callback(cb, Callbacks::on_frame_send);
  nghttp2_session_callbacks_set_on_header_callback(cb, Callbacks::on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, Callbacks::on_data);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cb, Callbacks::on_frame_recv);
  nghttp2_session_callbacks_set_on_stream_close_callback(cb, Callbacks::on_stream_close);
  nghttp2_session_callbacks_set_error_callback2(cb, Callbacks::on_error);
  nghttp2_session_client_new(&session_, cb, this);
  nghttp2_session_callbacks_del(cb);
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, kStreamWindow},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, kConnectionWindow);
}

Http2Session::~Http2Session() { nghttp2_session_del(session_); }

// nghttp2's callbacks for one frame (begin, each header field, data, end, close) ask for the same
// stream one after the other: the last stream found is kept so that only the first asks nghttp2's
// map. (Only streams found: nghttp2 opens a stream when its HEADERS go out, not at submit.)
Http2Session::Stream* Http2Session::find(StreamId id) const {
  if (id == last_id_ && last_ != nullptr) return last_;
  Stream* stream = static_cast<Stream*>(nghttp2_session_get_stream_user_data(session_, id));
  if (stream != nullptr) {
    last_id_ = id;
    last_ = stream;
  }
  return stream;
}

Http2Session::Stream* Http2Session::acquire() {
  if (free_.empty()) {
    streams_.push_back(std::make_unique<Stream>());
    free_.push_back(streams_.back().get());
  }
  Stream* stream = free_.back();
  free_.pop_back();
  stream->reset();
  return stream;
}

size_t Http2Session::free_streams() const {
  if (goaway_ || failed_) return 0;
  const uint32_t peer =
      nghttp2_session_get_remote_settings(session_, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
  const size_t limit = std::min<size_t>(peer, kMaxOpenStreams);
  return open_ >= limit ? 0 : limit - open_;
}

StreamId Http2Session::submit(const OutgoingRequest& request, const ResponseCapture& capture) {
  if (has_line_break(request.target) || has_line_break(request.authority)) return kNoStream;
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || has_line_break(name) || has_line_break(value)) return kNoStream;
  }
  Stream* stream = acquire();
  stream->capture = capture;
  stream->body = request.body;
  thread_local std::vector<nghttp2_nv> nva;  // reused: no allocation once it has grown
  const size_t fields = fill_fields(request, scratch_, stream->content_length, nva);
  nghttp2_data_provider provider{};
  provider.source.ptr = stream;
  provider.read_callback = Callbacks::read_body;
  const int32_t id = nghttp2_submit_request(session_, nullptr, nva.data(), fields,
                                            request.body.empty() ? nullptr : &provider, stream);
  if (id < 0) {
    free_.push_back(stream);
    return kNoStream;
  }
  stream->id = id;
  ++open_;
  return id;
}

std::string_view Http2Session::output() {
  produce();
  return std::string_view(out_).substr(out_offset_);
}

// Moves the frames nghttp2 has queued into out_, up to kOutputChunk waiting.
void Http2Session::produce() {
  if (out_offset_ == out_.size()) {
    out_.clear();
    out_offset_ = 0;
  }
  while (!failed_ && out_.size() - out_offset_ < kOutputChunk) {
    const uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n < 0) {
      fail(SessionError::kParse, nghttp2_strerror(static_cast<int>(n)));
      break;
    }
    if (n == 0) break;
    out_.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
    overhead_sent_ += n;  // less the frames of streams (on_frame_send took them off already)
  }
}

void Http2Session::consume(size_t n) { out_offset_ = std::min(out_offset_ + n, out_.size()); }

bool Http2Session::cancel(StreamId id) {
  Stream* stream = find(id);
  if (stream == nullptr) return true;
  stream->cancelled = true;
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
  return true;
}

void Http2Session::finish(Stream& stream, uint32_t error_code) {
  nghttp2_session_set_stream_user_data(session_, stream.id, nullptr);
  if (last_id_ == stream.id) last_ = nullptr;
  --open_;
  if (stream.cancelled) {  // the caller already gave up on it
    free_.push_back(&stream);
    return;
  }
  if (stream.overflow) {
    stream.error = SessionError::kBodyTooLarge;
  } else if (!stream.complete || (error_code != NGHTTP2_NO_ERROR && stream.response.status == 0)) {
    stream.error = goaway_ && error_code == NGHTTP2_REFUSED_STREAM ? SessionError::kGoaway
                                                                   : SessionError::kStreamReset;
  }
  if (stream.error == SessionError::kNone) stream.make_views();
  done_.push_back(&stream);
}

bool Http2Session::next_event(StreamEvent* event) {
  if (done_next_ == done_.size()) {
    done_.clear();
    done_next_ = 0;
    return false;
  }
  Stream* stream = done_[done_next_++];
  retired_.push_back(stream);
  *event = StreamEvent{};
  event->stream = stream->id;
  event->error = stream->error;
  event->response = stream->error == SessionError::kNone ? &stream->response : nullptr;
  event->bytes_sent =
      stream->bytes_sent + static_cast<uint64_t>(std::max<int64_t>(overhead_sent_, 0));
  event->bytes_received = stream->bytes_received + overhead_received_;
  overhead_sent_ = overhead_received_ = 0;
  return true;
}

FeedResult Http2Session::fail(SessionError error, const char* detail) {
  failed_ = true;
  error_ = error;
  detail_ = detail;
  return FeedResult::kError;
}

FeedResult Http2Session::feed(const char* data, size_t size) {
  for (Stream* s : retired_) free_.push_back(s);
  retired_.clear();
  if (failed_) return FeedResult::kError;
  const ssize_t n =
      nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(data), size);
  if (n < 0) return fail(SessionError::kParse, nghttp2_strerror(static_cast<int>(n)));
  // The frames answering these bytes: when nghttp2 found a connection error it queued a GOAWAY,
  // and only once that is taken does it stop wanting to read.
  produce();
  if (failed_ || (!goaway_ && nghttp2_session_want_read(session_) == 0)) {
    // nghttp2 ended the session on its own: the peer broke the protocol (or is not HTTP/2).
    return fail(SessionError::kParse, "the peer broke the HTTP/2 protocol");
  }
  return done_next_ < done_.size() ? FeedResult::kComplete : FeedResult::kNeedMore;
}

FeedResult Http2Session::on_eof() {
  if (open_ == 0) return FeedResult::kNeedMore;
  return fail(goaway_ ? SessionError::kGoaway : SessionError::kClosedMidResponse,
              goaway_ ? "the server went away (GOAWAY)" : "connection closed mid-response");
}

bool Http2Session::response_started(StreamId id) const {
  const Stream* stream = find(id);
  return stream == nullptr || stream->started;  // a closed stream has started or failed
}

bool Http2Session::request_sent(StreamId id) const {
  const Stream* stream = find(id);
  return stream == nullptr || stream->sent;
}

}  // namespace perfgate::protocols
