// H2Session without sockets: an nghttp2 client session and the server session exchange bytes
// in memory, so flow control, delays, resets and broken input are driven exactly.
#include "server/h2_session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>

#include "server/response.h"
#include "server/router.h"
#include "server/token.h"
#include "server/worker.h"

namespace perfgate::server {
namespace {

struct ClientStream {
  std::string status;
  std::string body;
  bool closed = false;
  uint32_t error_code = 0;
};

// The client end: an nghttp2 client session and what it received per stream.
class Client {
 public:
  explicit Client(uint32_t window = 65535, bool auto_window_update = true) {
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_close);
    nghttp2_option* option = nullptr;
    nghttp2_option_new(&option);
    nghttp2_option_set_no_auto_window_update(option, auto_window_update ? 0 : 1);
    nghttp2_session_client_new2(&session_, callbacks, this, option);
    nghttp2_option_del(option);
    nghttp2_session_callbacks_del(callbacks);
    const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, window}};
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, 1);
  }
  ~Client() { nghttp2_session_del(session_); }

  int32_t get(const std::string& path) {
    const std::string method = "GET", scheme = "http", authority = "test";
    const nghttp2_nv fields[] = {field(":method", method), field(":path", path),
                                 field(":scheme", scheme), field(":authority", authority)};
    return nghttp2_submit_request(session_, nullptr, fields, 4, nullptr, nullptr);
  }
  // A POST whose body is `body` (which must outlive the exchange).
  int32_t post(const std::string& path, const std::string& body) {
    const std::string method = "POST", scheme = "http", authority = "test";
    const nghttp2_nv fields[] = {field(":method", method), field(":path", path),
                                 field(":scheme", scheme), field(":authority", authority)};
    nghttp2_data_provider provider{};
    provider.source.ptr = const_cast<std::string*>(&body);
    provider.read_callback = read_upload;
    const int32_t id = nghttp2_submit_request(session_, nullptr, fields, 4, &provider, nullptr);
    uploaded_[id] = 0;
    return id;
  }
  std::string take_output() {
    std::string out;
    const uint8_t* data = nullptr;
    ssize_t n = 0;
    while ((n = nghttp2_session_mem_send(session_, &data)) > 0) out.append((const char*)data, n);
    return out;
  }
  bool receive(const std::string& bytes) {
    return nghttp2_session_mem_recv(session_, (const uint8_t*)bytes.data(), bytes.size()) ==
           static_cast<ssize_t>(bytes.size());
  }

  nghttp2_session* session_ = nullptr;
  std::map<int32_t, ClientStream> streams;

 private:
  static nghttp2_nv field(std::string_view name, std::string_view value) {
    return {(uint8_t*)name.data(), (uint8_t*)value.data(), name.size(), value.size(),
            NGHTTP2_NV_FLAG_NONE};
  }
  static ssize_t read_upload(nghttp2_session*, int32_t id, uint8_t* buf, size_t length,
                             uint32_t* flags, nghttp2_data_source* source, void* self) {
    const auto* body = static_cast<const std::string*>(source->ptr);
    size_t& done = static_cast<Client*>(self)->uploaded_[id];
    const size_t n = std::min(length, body->size() - done);
    std::memcpy(buf, body->data() + done, n);
    done += n;
    if (done == body->size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }
  std::map<int32_t, size_t> uploaded_;
  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                       size_t name_len, const uint8_t* value, size_t value_len, uint8_t,
                       void* self) {
    if (std::string((const char*)name, name_len) == ":status") {
      static_cast<Client*>(self)->streams[frame->hd.stream_id].status.assign((const char*)value,
                                                                             value_len);
    }
    return 0;
  }
  static int on_data(nghttp2_session*, uint8_t, int32_t id, const uint8_t* data, size_t len,
                     void* self) {
    static_cast<Client*>(self)->streams[id].body.append((const char*)data, len);
    return 0;
  }
  static int on_close(nghttp2_session*, int32_t id, uint32_t error_code, void* self) {
    auto& stream = static_cast<Client*>(self)->streams[id];
    stream.closed = true;
    stream.error_code = error_code;
    return 0;
  }
};

class H2SessionTest : public ::testing::Test, public net::TimerHandler {
 protected:
  void on_timer(uint64_t token) override { server_.on_timer(token); }

  // Moves bytes both ways until neither side has anything to say.
  void exchange(Client& client) {
    for (int round = 0; round < 1000; ++round) {
      const std::string up = client.take_output();
      if (!up.empty()) ASSERT_TRUE(server_.receive(up));
      std::string down;
      ASSERT_TRUE(server_.produce(down, 1 << 20));
      if (!down.empty()) ASSERT_TRUE(client.receive(down));
      if (up.empty() && down.empty()) return;
    }
    FAIL() << "the sessions never went quiet";
  }

  TokenSigner signer_;
  Router router_{signer_};
  Worker worker_{router_, -1};
  H2Session server_{worker_, this};
};

TEST_F(H2SessionTest, AnswersThroughTheRouter) {
  Client client;
  const int32_t hello = client.get("/");
  const int32_t teapot = client.get("/status/418");
  exchange(client);
  EXPECT_EQ(client.streams[hello].status, "200");
  EXPECT_EQ(client.streams[hello].body, kHelloBody);
  EXPECT_TRUE(client.streams[hello].closed);
  EXPECT_EQ(client.streams[teapot].status, "418");
  EXPECT_EQ(worker_.stats().requests, 2u);
}

TEST_F(H2SessionTest, ManyStreamsOfGeneratedBodiesInterleaveAndComplete) {
  Client client(1 << 20);
  std::vector<int32_t> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(client.get("/bytes/100000"));
  exchange(client);
  std::string expected;
  append_generated(0, 100000, expected);  // what HTTP/1.1 sends for /bytes/100000
  for (int32_t id : ids) {
    EXPECT_EQ(client.streams[id].body, expected) << id;
    EXPECT_TRUE(client.streams[id].closed);
  }
}

TEST_F(H2SessionTest, AWindowThatNeverOpensStopsTheBodyAndNothingHangs) {
  Client client(/*window=*/1000, /*auto_window_update=*/false);
  const int32_t id = client.get("/bytes/100000");
  exchange(client);
  EXPECT_EQ(client.streams[id].status, "200");
  EXPECT_EQ(client.streams[id].body.size(), 1000u);  // what the stream window allowed
  EXPECT_FALSE(client.streams[id].closed);
  EXPECT_FALSE(server_.wants_write());  // waiting for a WINDOW_UPDATE, not spinning
  nghttp2_submit_window_update(client.session_, NGHTTP2_FLAG_NONE, id, 200000);
  nghttp2_submit_window_update(client.session_, NGHTTP2_FLAG_NONE, 0, 200000);
  exchange(client);
  EXPECT_EQ(client.streams[id].body.size(), 100000u);
  EXPECT_TRUE(client.streams[id].closed);
}

TEST_F(H2SessionTest, DelayedStreamsWaitForTheirTimerWhileOthersAreAnswered) {
  Client client;
  const int32_t slow = client.get("/delay/20");
  const int32_t quick = client.get("/");
  exchange(client);
  EXPECT_TRUE(client.streams[quick].closed);
  EXPECT_FALSE(client.streams[slow].closed);
  EXPECT_TRUE(server_.timers_pending());
  for (int i = 0; i < 100 && server_.timers_pending(); ++i) worker_.loop().poll(5'000'000);
  exchange(client);
  EXPECT_EQ(client.streams[slow].body, "delayed 20 ms\n");
}

TEST_F(H2SessionTest, AStreamResetWhileItsDelayRunsIsForgotten) {
  Client client;
  const int32_t slow = client.get("/delay/10");
  exchange(client);
  nghttp2_submit_rst_stream(client.session_, NGHTTP2_FLAG_NONE, slow, NGHTTP2_CANCEL);
  exchange(client);
  for (int i = 0; i < 100 && server_.timers_pending(); ++i) worker_.loop().poll(5'000'000);
  exchange(client);
  EXPECT_TRUE(client.streams[slow].status.empty());
  EXPECT_EQ(client.streams[slow].error_code, static_cast<uint32_t>(NGHTTP2_CANCEL));
  const int32_t after = client.get("/");
  exchange(client);
  EXPECT_EQ(client.streams[after].status, "200");
}

TEST_F(H2SessionTest, RequestBodiesAreBoundedPerConnectionNotJustPerStream) {
  Client client(1 << 20);
  const std::string body(9 * 1024 * 1024, 'x');  // two of them exceed the 16 MiB limit
  const int32_t first = client.post("/status/201", body);
  const int32_t second = client.post("/status/201", body);
  exchange(client);
  const std::string a = client.streams[first].status, b = client.streams[second].status;
  EXPECT_TRUE((a == "201" && b == "413") || (a == "413" && b == "201")) << a << " " << b;
  const int32_t third = client.post("/status/202", body);  // the budget is free again
  exchange(client);
  EXPECT_EQ(client.streams[third].status, "202");
}

TEST_F(H2SessionTest, GarbageInsteadOfAPrefaceIsRefused) {
  // (nghttp2 sends no GOAWAY to a peer that is not speaking HTTP/2; the connection just closes.)
  EXPECT_FALSE(server_.receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
}

TEST_F(H2SessionTest, ABadFrameIsAConnectionErrorAnsweredWithAGoaway) {
  std::string bytes(kHttp2Preface);
  bytes += std::string("\x00\x00\x05\x04\x00\x00\x00\x00\x00hello", 14);  // SETTINGS of 5 bytes
  server_.receive(bytes);  // nghttp2 takes the bytes and queues a GOAWAY (FRAME_SIZE_ERROR)
  std::string out;
  ASSERT_TRUE(server_.produce(out, 1 << 20));
  bool goaway = false;
  for (size_t at = 0; at + 9 <= out.size();) {
    goaway = goaway || out[at + 3] == 0x07;
    at += 9 + (static_cast<uint8_t>(out[at + 1]) << 8 | static_cast<uint8_t>(out[at + 2]));
  }
  EXPECT_TRUE(goaway);
  EXPECT_TRUE(server_.finished());
}

}  // namespace
}  // namespace perfgate::server
