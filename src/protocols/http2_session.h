// Http2Session: HTTP/2 (RFC 9113) client behind the Session contract, on libnghttp2. nghttp2
// never does I/O: feed() hands it the bytes read (nghttp2_session_mem_recv) and output() drains
// the frames it produced (nghttp2_session_mem_send) into a buffer the driver writes.
//
// Several requests travel at once as streams, up to the peer's SETTINGS_MAX_CONCURRENT_STREAMS
// (free_streams(); 100 until the peer's SETTINGS arrive, as nghttp2 assumes). Flow control is
// nghttp2's: request bodies go out as the peer's windows allow, and received DATA is
// acknowledged with WINDOW_UPDATE as it is consumed (our windows: 16 MiB per stream, 1 GiB per
// connection, so a fast server is never throttled by the client). Server push is refused.
//
// A response keeps its status always, its header fields (names lower-case, as HTTP/2 sends them)
// and body when captured, and its trailer fields (e.g. grpc-status) always. A stream the peer
// resets fails alone (kStreamReset); after a GOAWAY the connection takes no new request, and the
// streams the server will not answer fail with kGoaway. A kept body over its bound resets the
// stream (kBodyTooLarge). Anything that is not HTTP/2 fails the connection (kParse).
//
// Thread-safety: see protocols/session.h.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "protocols/session.h"

struct nghttp2_session;

namespace perfgate::protocols {

class Http2Session final : public Session {
 public:
  Http2Session();
  ~Http2Session() override;
  Http2Session(const Http2Session&) = delete;
  Http2Session& operator=(const Http2Session&) = delete;

  bool multiplexed() const override { return true; }
  size_t free_streams() const override;
  bool reusable() const override { return !goaway_ && !failed_; }
  StreamId submit(const OutgoingRequest& request, const ResponseCapture& capture) override;
  std::string_view output() override;
  void consume(size_t n) override;
  void rewind() override {}
  bool cancel(StreamId stream) override;

  FeedResult feed(const char* data, size_t size) override;
  FeedResult on_eof() override;
  bool response_started(StreamId stream) const override;
  bool request_sent(StreamId stream) const override;
  bool next_event(StreamEvent* event) override;

  SessionError error() const override { return error_; }
  const char* error_detail() const override { return detail_; }

  // Streams submitted and not yet closed.
  size_t open_streams() const { return open_; }

  struct Stream;  // one request/response exchange (http2_session.cc)
  struct Callbacks;

 private:
  Stream* find(StreamId id) const;
  Stream* acquire();
  void finish(Stream& stream, uint32_t error_code);
  FeedResult fail(SessionError error, const char* detail);
  void produce();

  nghttp2_session* session_ = nullptr;
  mutable StreamId last_id_ = kNoStream;  // find()'s last answer (null once the stream ended)
  mutable Stream* last_ = nullptr;
  std::vector<std::unique_ptr<Stream>> streams_;  // every stream object ever made (reused)
  std::vector<Stream*> free_;                     // ready for the next request
  std::vector<Stream*> done_;                     // finished, waiting for next_event()
  size_t done_next_ = 0;
  std::vector<Stream*> retired_;  // handed out by next_event(); freed by the next feed()
  std::string out_;               // frames produced and not yet written
  size_t out_offset_ = 0;
  std::string scratch_;  // lower-cased header names of the request being submitted
  size_t open_ = 0;
  // Bytes of no stream, credited to the next stream that ends: sent, every byte produced (the
  // connection preface, SETTINGS, WINDOW_UPDATE, PING acknowledgements, resets of streams given
  // up) less the frames of streams; received, the frames of stream 0 and of streams given up.
  int64_t overhead_sent_ = 0;
  uint64_t overhead_received_ = 0;
  bool goaway_ = false;
  bool failed_ = false;
  SessionError error_ = SessionError::kNone;
  const char* detail_ = "";
};

}  // namespace perfgate::protocols
