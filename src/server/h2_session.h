// H2Session: HTTP/2 for one connection of `perfgate serve`, on libnghttp2. The connection
// feeds it the bytes it reads and sends the frames it produces; nghttp2 does no I/O. Requests
// go through the same Router as HTTP/1.1, so every endpoint answers the same on both.
//
// Streams: each request stream is answered when its END_STREAM arrives; /delay streams wait for
// a timer (scheduled on the worker's loop with the connection as handler) while the others go
// on, so responses may finish in any order. Generated bodies (/bytes, /chunked) are produced as
// flow control lets them out, never held whole.
//
// Limits: SETTINGS_MAX_CONCURRENT_STREAMS 100; a request's header block over 64 KiB resets its
// stream; request bodies are buffered up to 16 MiB for all streams together, and the stream
// that would go over is answered 413 and the rest of its body discarded. A connection error
// (a bad frame, a protocol violation) makes nghttp2 queue a GOAWAY, after which finished() turns
// true once it is produced; a fatal one (not HTTP/2 at all, a flood nghttp2 detects) makes
// receive() return false, and the connection sends what is queued and closes.
//
// Thread-safety: owned by one connection, used on its worker's thread only.
#pragma once

#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "net/event_loop.h"
#include "server/h2_stream.h"

namespace perfgate::server {

class Worker;

// The client connection preface of HTTP/2 (RFC 9113 3.4); h2c with prior knowledge starts so.
inline constexpr std::string_view kHttp2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

class H2Session {
 public:
  // `timer_handler` receives the delay timers (it forwards them to on_timer()).
  H2Session(Worker& worker, net::TimerHandler* timer_handler);
  ~H2Session();
  H2Session(const H2Session&) = delete;
  H2Session& operator=(const H2Session&) = delete;

  // Feeds received bytes (starting with the client preface). False on a fatal error.
  bool receive(std::string_view data);
  // Appends frames ready to go to `out` until it holds `limit` bytes or nothing is left.
  // False on an internal nghttp2 failure.
  bool produce(std::string& out, size_t limit);
  // Whether frames are ready to be produced.
  bool wants_write() const;
  // True once the session has nothing more to read or write (after GOAWAY), so the
  // connection can close.
  bool finished() const;

  void on_timer(uint64_t token);
  bool timers_pending() const { return !timers_.empty(); }

 private:
  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                       size_t name_len, const uint8_t* value, size_t value_len, uint8_t,
                       void* self);
  static int on_data(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data, size_t len,
                     void* self);
  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_stream_close(nghttp2_session*, int32_t stream_id, uint32_t, void* self);
  static ssize_t read_body(nghttp2_session*, int32_t stream_id, uint8_t* buf, size_t length,
                           uint32_t* flags, nghttp2_data_source* source, void*);

  H2Stream* stream(int32_t id) const;
  void answer(H2Stream& stream);
  void answer_too_large(H2Stream& stream);
  void submit(H2Stream& stream);
  void drop_body(H2Stream& stream);  // frees a request body, keeping body_bytes_ true

  Worker& worker_;
  net::TimerHandler* timer_handler_;
  nghttp2_session* session_ = nullptr;
  std::unordered_map<int32_t, std::unique_ptr<H2Stream>> streams_;  // open request streams
  std::unordered_map<uint64_t, int32_t> timers_;  // timer token -> stream waiting for it
  size_t body_bytes_ = 0;                         // request body bytes buffered over all streams
};

}  // namespace perfgate::server
