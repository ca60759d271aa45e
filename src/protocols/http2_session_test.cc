// Http2Session on bytes only: a server session of nghttp2 in memory answers it (no socket), so
// every frame the client sees is one a real HTTP/2 server would send.
#include "protocols/http2_session.h"

#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace perfgate::protocols {
namespace {

// What the in-memory server does with each request once it has arrived whole.
enum class Answer { kOk, kTrailers, kReset, kBigBody };

class FakeServer {
 public:
  explicit FakeServer(uint32_t max_streams = 100) {
    nghttp2_session_callbacks* cb = nullptr;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data);
    nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
    nghttp2_session_server_new(&session_, cb, this);
    nghttp2_session_callbacks_del(cb);
    const nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, max_streams}};
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, 1);
  }
  ~FakeServer() { nghttp2_session_del(session_); }

  bool receive(std::string_view bytes) {
    return nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(bytes.data()),
                                    bytes.size()) >= 0;
  }
  std::string produce() {
    std::string out;
    for (;;) {
      const uint8_t* data = nullptr;
      const ssize_t n = nghttp2_session_mem_send(session_, &data);
      if (n <= 0) return out;
      out.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
    }
  }
  void goaway(int32_t last_stream) {
    nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, last_stream, NGHTTP2_NO_ERROR, nullptr, 0);
  }

  Answer answer = Answer::kOk;
  bool hold = false;  // answer nothing (requests stay open)
  std::map<int32_t, std::string> bodies;
  std::map<int32_t, std::map<std::string, std::string>> headers;

 private:
  struct Body {
    std::string data;
    size_t offset = 0;
  };

  static ssize_t read_body(nghttp2_session*, int32_t, uint8_t* buf, size_t length, uint32_t* flags,
                           nghttp2_data_source* source, void* self) {
    auto* server = static_cast<FakeServer*>(self);
    Body& body = *static_cast<Body*>(source->ptr);
    const size_t n = std::min(length, body.data.size() - body.offset);
    std::copy_n(body.data.data() + body.offset, n, buf);
    body.offset += n;
    if (body.offset == body.data.size()) {
      *flags |= NGHTTP2_DATA_FLAG_EOF;
      if (server->answer == Answer::kTrailers) *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
    }
    return static_cast<ssize_t>(n);
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                       size_t name_len, const uint8_t* value, size_t value_len, uint8_t,
                       void* self) {
    static_cast<FakeServer*>(self)
        ->headers[frame->hd.stream_id][std::string(reinterpret_cast<const char*>(name), name_len)] =
        std::string(reinterpret_cast<const char*>(value), value_len);
    return 0;
  }

  static int on_data(nghttp2_session*, uint8_t, int32_t id, const uint8_t* data, size_t len,
                     void* self) {
    static_cast<FakeServer*>(self)->bodies[id].append(reinterpret_cast<const char*>(data), len);
    return 0;
  }

  static int on_frame_recv(nghttp2_session* session, const nghttp2_frame* frame, void* self) {
    auto* server = static_cast<FakeServer*>(self);
    if ((frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) ||
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) == 0 || server->hold) {
      return 0;
    }
    server->respond(session, frame->hd.stream_id);
    return 0;
  }

  void respond(nghttp2_session* session, int32_t id) {
    if (answer == Answer::kReset) {
      nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, id, NGHTTP2_INTERNAL_ERROR);
      return;
    }
    const nghttp2_nv nva[] = {
        {(uint8_t*)":status", (uint8_t*)"200", 7, 3, NGHTTP2_NV_FLAG_NONE},
        {(uint8_t*)"x-server", (uint8_t*)"fake", 8, 4, NGHTTP2_NV_FLAG_NONE},
    };
    Body& body = bodies_out_[id];
    body.data = answer == Answer::kBigBody ? std::string(100000, 'b') : "hello";
    nghttp2_data_provider provider{};
    provider.source.ptr = &body;
    provider.read_callback = read_body;
    nghttp2_submit_response(session, id, nva, 2, &provider);
    if (answer == Answer::kTrailers) {
      const nghttp2_nv trailers[] = {
          {(uint8_t*)"grpc-status", (uint8_t*)"0", 11, 1, NGHTTP2_NV_FLAG_NONE},
          {(uint8_t*)"grpc-message", (uint8_t*)"fine", 12, 4, NGHTTP2_NV_FLAG_NONE},
      };
      nghttp2_submit_trailer(session, id, trailers, 2);
    }
  }

  nghttp2_session* session_ = nullptr;
  std::map<int32_t, Body> bodies_out_;
};

class Http2SessionTest : public ::testing::Test {
 protected:
  // Moves bytes both ways until neither side has anything to say; returns the last feed result
  // that was not kNeedMore (or kNeedMore).
  FeedResult pump() {
    FeedResult last = FeedResult::kNeedMore;
    for (int round = 0; round < 100; ++round) {
      std::string_view out = client_.output();
      const std::string to_server(out);
      client_.consume(out.size());
      collect();  // streams the client itself reset end when the reset is sent
      if (!to_server.empty()) EXPECT_TRUE(server_->receive(to_server));
      const std::string to_client = server_->produce();
      if (to_server.empty() && to_client.empty()) break;
      if (!to_client.empty()) {
        const FeedResult r = client_.feed(to_client.data(), to_client.size());
        if (r != FeedResult::kNeedMore) last = r;
        if (r == FeedResult::kError) break;
        collect();
      }
    }
    return last;
  }
  void collect() {
    StreamEvent e;
    while (client_.next_event(&e)) {
      Done d;
      d.stream = e.stream;
      d.error = e.error;
      d.bytes_received = e.bytes_received;
      if (e.response != nullptr) {
        d.status = e.response->status;
        d.proto = std::string(e.response->proto);
        d.body = std::string(e.response->body);
        d.body_bytes = e.response->body_bytes;
        for (const auto& [n, v] : e.response->headers) d.headers[std::string(n)] = v;
        for (const auto& [n, v] : e.response->trailers) d.trailers[std::string(n)] = v;
      }
      done_.push_back(d);
    }
  }
  StreamId get(std::string_view target = "/", ResponseCapture capture = {true, true}) {
    OutgoingRequest r;
    r.authority = "example.test";
    r.target = target;
    return client_.submit(r, capture);
  }

  struct Done {
    StreamId stream;
    SessionError error;
    int status = 0;
    std::string proto, body;
    uint64_t body_bytes = 0, bytes_received = 0;
    std::map<std::string, std::string> headers, trailers;
  };
  Http2Session client_;
  std::unique_ptr<FakeServer> server_ = std::make_unique<FakeServer>();
  std::vector<Done> done_;
};

TEST_F(Http2SessionTest, AResponseKeepsStatusHeadersBodyAndProto) {
  const StreamId id = get("/x?y=1");
  ASSERT_NE(id, kNoStream);
  EXPECT_EQ(pump(), FeedResult::kComplete);
  ASSERT_EQ(done_.size(), 1u);
  EXPECT_EQ(done_[0].stream, id);
  EXPECT_EQ(done_[0].error, SessionError::kNone);
  EXPECT_EQ(done_[0].status, 200);
  EXPECT_EQ(done_[0].proto, "HTTP/2.0");
  EXPECT_EQ(done_[0].body, "hello");
  EXPECT_EQ(done_[0].headers["x-server"], "fake");
  EXPECT_GT(done_[0].bytes_received, 5u);
  EXPECT_EQ(server_->headers[id][":path"], "/x?y=1");
  EXPECT_EQ(server_->headers[id][":authority"], "example.test");
  EXPECT_TRUE(client_.reusable());
}

TEST_F(Http2SessionTest, TrailersArriveWithTheResponse) {
  server_->answer = Answer::kTrailers;
  get("/", {});  // trailers are kept even when nothing else is
  pump();
  ASSERT_EQ(done_.size(), 1u);
  EXPECT_EQ(done_[0].trailers["grpc-status"], "0");
  EXPECT_EQ(done_[0].trailers["grpc-message"], "fine");
  EXPECT_TRUE(done_[0].headers.empty());
}

TEST_F(Http2SessionTest, APostBodyLargerThanTheWindowArrivesWhole) {
  const std::string body(200000, 'p');  // over the server's 64 KiB initial windows
  const HeaderField fields[] = {{"Content-Type", "application/octet-stream"}, {"Host", "x"}};
  OutgoingRequest r;
  r.method = "POST";
  r.authority = "example.test";
  r.target = "/upload";
  r.headers = fields;
  r.body = body;
  const StreamId id = client_.submit(r, {});
  pump();
  ASSERT_EQ(done_.size(), 1u);
  EXPECT_EQ(server_->bodies[id].size(), body.size());
  EXPECT_EQ(server_->headers[id]["content-type"], "application/octet-stream");  // lower-cased
  EXPECT_EQ(server_->headers[id].count("host"), 0u);  // HTTP/2 has :authority instead
  EXPECT_EQ(server_->headers[id]["content-length"], "200000");
}

TEST_F(Http2SessionTest, StreamsAreBoundedByTheServersMaxConcurrentStreams) {
  server_ = std::make_unique<FakeServer>(2);
  server_->hold = true;
  EXPECT_EQ(client_.free_streams(), 100u);  // nghttp2's assumption before SETTINGS
  get();
  pump();  // the server's SETTINGS arrive
  EXPECT_EQ(client_.free_streams(), 1u);
  get();
  EXPECT_EQ(client_.free_streams(), 0u);
}

TEST_F(Http2SessionTest, AResetStreamFailsAloneAsStreamReset) {
  server_->answer = Answer::kReset;
  get();
  pump();
  ASSERT_EQ(done_.size(), 1u);
  EXPECT_EQ(done_[0].error, SessionError::kStreamReset);
  EXPECT_TRUE(client_.reusable());
  server_->answer = Answer::kOk;
  get();
  pump();
  ASSERT_EQ(done_.size(), 2u);
  EXPECT_EQ(done_[1].status, 200);
}

TEST_F(Http2SessionTest, GoawayFailsTheStreamsTheServerWillNotAnswer) {
  server_->hold = true;
  const StreamId first = get();
  const StreamId second = get();
  pump();
  server_->goaway(first);
  pump();
  EXPECT_FALSE(client_.reusable());
  EXPECT_EQ(client_.free_streams(), 0u);
  ASSERT_EQ(done_.size(), 1u);
  EXPECT_EQ(done_[0].stream, second);
  EXPECT_EQ(done_[0].error, SessionError::kGoaway);
  // The first stream is still answered; the connection closing after it fails nothing more.
  EXPECT_EQ(client_.on_eof(), FeedResult::kError);  // `first` is still open
  EXPECT_EQ(client_.error(), SessionError::kGoaway);
}

TEST_F(Http2SessionTest, BytesThatAreNotHttp2FailTheConnection) {
  get();
  client_.output();
  const std::string garbage = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  EXPECT_EQ(client_.feed(garbage.data(), garbage.size()), FeedResult::kError);
  EXPECT_EQ(client_.error(), SessionError::kParse);
}

TEST_F(Http2SessionTest, AKeptBodyOverTheBoundResetsTheStream) {
  server_->answer = Answer::kBigBody;
  ResponseCapture capture{true, true, 1000};
  get("/", capture);
  pump();
  ASSERT_EQ(done_.size(), 1u);
  EXPECT_EQ(done_[0].error, SessionError::kBodyTooLarge);
}

TEST_F(Http2SessionTest, HeaderInjectionIsRefused) {
  const HeaderField fields[] = {{"X-Bad", "a\r\nb: c"}};
  OutgoingRequest r;
  r.authority = "example.test";
  r.target = "/";
  r.headers = fields;
  EXPECT_EQ(client_.submit(r, {}), kNoStream);
}

TEST_F(Http2SessionTest, ACancelledStreamIsNeverReported) {
  server_->hold = true;
  const StreamId id = get();
  pump();
  EXPECT_TRUE(client_.cancel(id));
  pump();
  EXPECT_TRUE(done_.empty());
  EXPECT_EQ(client_.open_streams(), 0u);
}

}  // namespace
}  // namespace perfgate::protocols
