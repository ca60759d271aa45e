// The connection driver speaking HTTP/2 (h2c with prior knowledge) over the fault-injecting
// FakeTransport, against an in-memory nghttp2 server or raw frames written by hand: short reads
// and writes, EAGAIN, transport resets, a peer that closes mid-stream, RST_STREAM, GOAWAY mid-run,
// a SETTINGS flood, a flow-control window that never opens, and garbage frames. Every one ends
// classified, within the request timeout at the latest; none crashes or hangs.
#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/connection.h"
#include "net/fake_transport.h"

namespace perfgate::engine {
namespace {

using net::IoResult;
using net::TransportError;
using results::ErrorClass;

constexpr uint32_t kReady = EPOLLIN | EPOLLOUT;
constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// One HTTP/2 frame: 9-byte header, then the payload.
std::string frame(uint8_t type, uint8_t flags, uint32_t stream, std::string_view payload) {
  std::string f;
  const size_t n = payload.size();
  f += static_cast<char>((n >> 16) & 0xff);
  f += static_cast<char>((n >> 8) & 0xff);
  f += static_cast<char>(n & 0xff);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  for (int shift = 24; shift >= 0; shift -= 8) f += static_cast<char>((stream >> shift) & 0xff);
  f.append(payload);
  return f;
}
std::string settings_frame() { return frame(NGHTTP2_SETTINGS, 0, 0, ""); }

// What the in-memory server does with a request once it arrived whole.
enum class Answer { kOk, kHold, kReset, kHeadersOnly };

// An nghttp2 server session fed what the driver wrote; what it answers is queued on the peer.
class H2Server {
 public:
  explicit H2Server(std::vector<nghttp2_settings_entry> settings = {}) {
    nghttp2_session_callbacks* cb = nullptr;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame_recv);
    nghttp2_session_server_new(&session_, cb, this);
    nghttp2_session_callbacks_del(cb);
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
  }
  ~H2Server() { nghttp2_session_del(session_); }
  H2Server(const H2Server&) = delete;
  H2Server& operator=(const H2Server&) = delete;

  void receive(std::string_view bytes) {
    nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(bytes.data()),
                             bytes.size());
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
  void ping() { nghttp2_submit_ping(session_, NGHTTP2_FLAG_NONE, nullptr); }
  void goaway(int32_t last_stream) {
    nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, last_stream, NGHTTP2_NO_ERROR, nullptr, 0);
  }
  // Answers the requests held so far (those the server still may: below a GOAWAY's last id).
  void release() {
    answer = Answer::kOk;
    for (int32_t id : held_) {
      if (nghttp2_session_find_stream(session_, id) != nullptr) respond(session_, id);
    }
    held_.clear();
  }

  Answer answer = Answer::kOk;
  std::vector<int32_t> requests;  // stream ids, in arrival order

 private:
  static int on_frame_recv(nghttp2_session* session, const nghttp2_frame* frame, void* self) {
    auto* server = static_cast<H2Server*>(self);
    if ((frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) ||
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) == 0) {
      return 0;
    }
    server->requests.push_back(frame->hd.stream_id);
    server->respond(session, frame->hd.stream_id);
    return 0;
  }

  void respond(nghttp2_session* session, int32_t id) {
    static const nghttp2_nv kStatus[] = {
        {(uint8_t*)":status", (uint8_t*)"200", 7, 3, NGHTTP2_NV_FLAG_NONE}};
    switch (answer) {
      case Answer::kHold:
        held_.push_back(id);
        return;
      case Answer::kReset:
        nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, id, NGHTTP2_INTERNAL_ERROR);
        return;
      case Answer::kHeadersOnly:
        nghttp2_submit_headers(session, NGHTTP2_FLAG_NONE, id, nullptr, kStatus, 1, nullptr);
        return;
      case Answer::kOk:
        nghttp2_submit_response(session, id, kStatus, 1, nullptr);
        return;
    }
  }

  nghttp2_session* session_ = nullptr;
  std::vector<int32_t> held_;
};

struct Recorder final : ConnectionUser {
  struct Done {
    std::optional<ErrorClass> error;
    int status = 0;
    std::string proto;
    RequestTimes times;
  };
  std::vector<Done> done;
  void on_request_done(const RequestOutcome& outcome, Nanos) override {
    Done d;
    d.error = outcome.error;
    if (outcome.response != nullptr) {
      d.status = outcome.response->status;
      d.proto = std::string(outcome.response->proto);
    }
    d.times = *outcome.times;
    done.push_back(d);
  }
  size_t failed(ErrorClass error) const {
    size_t n = 0;
    for (const Done& d : done) n += d.error == error ? 1 : 0;
    return n;
  }
  size_t ok() const {
    size_t n = 0;
    for (const Done& d : done) n += !d.error && d.status == 200 ? 1 : 0;
    return n;
  }
};

class ConnectionHttp2Test : public ::testing::Test {
 protected:
  ConnectionHttp2Test()
      : loop_(clock_),
        factory_(peer_),
        context_{loop_, clock_, buffer_, sizeof buffer_, &factory_, &factory_},
        connection_(context_, user_) {
    address_ = *net::resolve("127.0.0.1", 80);
    origin_ =
        Origin{&address_, "http://127.0.0.1:80", "127.0.0.1", false, plan::HttpVersion::kHttp2};
    request_.authority = "127.0.0.1";
    request_.target = "/";
  }

  void send(int n = 1) {
    for (int i = 0; i < n; ++i) {
      connection_.send(origin_, request_, {}, kNanosPerSecond, clock_.now());
    }
  }
  void ready() { connection_.on_io(kReady); }

  // Hands the server what the driver wrote since the last call (a new server for each new
  // connection) and queues the server's answer for the driver's next read.
  void exchange() {
    if (peer_.connects != connects_) {
      connects_ = peer_.connects;
      const size_t preface = peer_.written.rfind(kPreface);
      if (preface != std::string::npos) seen_ = preface;
      server_ = std::make_unique<H2Server>(settings_);
      server_->answer = answer_;
    }
    server_->receive(std::string_view(peer_.written).substr(seen_));
    seen_ = peer_.written.size();
    if (std::string out = server_->produce(); !out.empty()) peer_.respond(std::move(out));
  }
  // Runs the conversation until `n` requests ended (or a bounded number of rounds passed).
  void run_until(size_t n) {
    for (int round = 0; round < 200 && user_.done.size() < n; ++round) {
      exchange();
      ready();
    }
  }

  FakeClock clock_{1'000'000};
  net::EventLoop loop_;
  net::FakePeer peer_;
  net::FakeTransportFactory factory_;
  char buffer_[4096];
  ConnectionContext context_;
  Recorder user_;
  Connection connection_;
  net::Address address_;
  Origin origin_;
  protocols::OutgoingRequest request_;
  std::vector<nghttp2_settings_entry> settings_;
  Answer answer_ = Answer::kOk;
  std::unique_ptr<H2Server> server_;
  int connects_ = 0;
  size_t seen_ = 0;
};

TEST_F(ConnectionHttp2Test, StreamsShareOneConnection) {
  send(5);
  run_until(5);
  ASSERT_EQ(user_.done.size(), 5u);
  EXPECT_EQ(user_.ok(), 5u);
  EXPECT_EQ(user_.done[0].proto, "HTTP/2.0");
  EXPECT_EQ(peer_.connects, 1);
  EXPECT_EQ(server_->requests.size(), 5u);
  int64_t sent = 0, received = 0;
  for (const auto& d : user_.done) {
    EXPECT_GT(d.times.first_byte, 0);
    sent += d.times.bytes_sent;
    received += d.times.bytes_received;
  }
  // Every frame of the streams is credited to them, and the connection's own (the preface,
  // SETTINGS) to the streams that ended after they went out.
  EXPECT_GT(sent, 5 * 9);
  EXPECT_LE(sent, static_cast<int64_t>(peer_.written.size()));
  EXPECT_GT(received, 5 * 9);
  EXPECT_TRUE(connection_.open());
}

TEST_F(ConnectionHttp2Test, EveryByteWrittenIsCreditedToARequest) {
  send(3);
  run_until(3);
  ASSERT_EQ(user_.ok(), 3u);
  // A PING after the last stream ended: its acknowledgement goes to the next request.
  const size_t after_streams = peer_.written.size();
  server_->ping();
  exchange();
  ready();
  EXPECT_EQ(peer_.written.size(), after_streams + 9 + 8);
  send(1);
  run_until(4);
  ASSERT_EQ(user_.ok(), 4u);
  int64_t sent = 0;
  for (const auto& d : user_.done) sent += d.times.bytes_sent;
  EXPECT_EQ(sent, static_cast<int64_t>(peer_.written.size()));  // preface and PING ack included
  EXPECT_EQ(peer_.connects, 1);
}

TEST_F(ConnectionHttp2Test, ShortReadsAndWritesAndEagainStillAnswerEveryStream) {
  peer_.max_read = 7;
  peer_.max_write = 5;
  peer_.write_stalls = 3;
  send(4);
  for (int round = 0; round < 2000 && user_.done.size() < 4; ++round) {
    exchange();
    if (round % 3 == 0) peer_.then(IoResult::want_read());  // EAGAIN between the bytes
    ready();
  }
  ASSERT_EQ(user_.done.size(), 4u);
  EXPECT_EQ(user_.ok(), 4u);
  EXPECT_EQ(peer_.connects, 1);
}

TEST_F(ConnectionHttp2Test, ATransportResetFailsEveryStreamOnIt) {
  answer_ = Answer::kHold;
  send(3);
  exchange();
  ready();  // preface, SETTINGS and three requests written
  exchange();
  peer_.then(IoResult::fail(TransportError::kReset, ECONNRESET));
  run_until(3);
  ASSERT_EQ(user_.done.size(), 3u);
  EXPECT_EQ(user_.failed(ErrorClass::kReset), 3u);
  EXPECT_FALSE(connection_.open());
}

TEST_F(ConnectionHttp2Test, APeerThatClosesMidStreamIsClosedMidResponse) {
  answer_ = Answer::kHeadersOnly;  // HEADERS without END_STREAM, then nothing
  send(2);
  exchange();
  ready();
  exchange();
  peer_.then(IoResult::eof());
  run_until(2);
  ASSERT_EQ(user_.done.size(), 2u);
  EXPECT_EQ(user_.failed(ErrorClass::kClosedMidResponse), 2u);
  EXPECT_GT(user_.done[0].times.first_byte, 0) << "the HEADERS had arrived";
}

TEST_F(ConnectionHttp2Test, ResetStreamsFailAloneAsStreamReset) {
  answer_ = Answer::kReset;
  send(3);
  run_until(3);
  ASSERT_EQ(user_.done.size(), 3u);
  EXPECT_EQ(user_.failed(ErrorClass::kStreamReset), 3u);
  EXPECT_TRUE(connection_.open()) << "RST_STREAM ends a stream, not the connection";
  server_->answer = Answer::kOk;
  send();
  run_until(4);
  ASSERT_EQ(user_.done.size(), 4u);
  EXPECT_FALSE(user_.done[3].error);
  EXPECT_EQ(peer_.connects, 1);
}

TEST_F(ConnectionHttp2Test, GoawayMidRunRetriesTheUnansweredStreamsOnANewConnection) {
  answer_ = Answer::kHold;
  send(3);  // streams 1, 3, 5
  exchange();
  ready();
  exchange();          // the server has all three and answers none yet
  server_->goaway(1);  // it will answer stream 1 only
  server_->release();
  answer_ = Answer::kOk;  // the next connection's server answers at once
  run_until(3);
  ASSERT_EQ(user_.done.size(), 3u);
  EXPECT_EQ(user_.ok(), 3u);
  EXPECT_EQ(peer_.connects, 2);
  EXPECT_FALSE(user_.done[0].times.retried) << "stream 1 was answered on the first connection";
  EXPECT_TRUE(user_.done[1].times.retried);
  EXPECT_TRUE(user_.done[2].times.retried);
}

TEST_F(ConnectionHttp2Test, ASecondGoawayFailsTheRetriedStreamAsGoaway) {
  answer_ = Answer::kHold;
  send();
  exchange();
  ready();
  exchange();
  server_->goaway(0);  // refuses stream 1
  for (int round = 0; round < 50 && user_.done.empty(); ++round) {
    exchange();
    ready();
    if (server_->requests.size() == 1 && peer_.connects == 2) server_->goaway(0);
  }
  ASSERT_EQ(user_.done.size(), 1u);
  EXPECT_EQ(user_.done[0].error, ErrorClass::kGoaway);
  EXPECT_TRUE(user_.done[0].times.retried);
}

std::string settings_flood() {
  std::string flood;
  for (int i = 0; i < 20000; ++i) flood += settings_frame();
  return flood;
}

// Acknowledged as fast as they come, SETTINGS frames cost the streams nothing.
TEST_F(ConnectionHttp2Test, ASettingsFloodThatIsAcknowledgedLeavesTheStreamsAlone) {
  answer_ = Answer::kHold;
  send(2);
  exchange();
  ready();
  exchange();
  const size_t before = peer_.written.size();
  peer_.respond(settings_flood());
  ready();
  EXPECT_GE(peer_.written.size() - before, 20000u * 9) << "every SETTINGS acknowledged";
  seen_ = peer_.written.size();  // the server never sent them: it must not see the ACKs
  server_->release();
  run_until(2);
  ASSERT_EQ(user_.done.size(), 2u);
  EXPECT_EQ(user_.ok(), 2u);
}

// A peer that floods SETTINGS without reading the acknowledgements piles them up: nghttp2 stops
// at its bound of queued acknowledgements and the connection fails, classified.
TEST_F(ConnectionHttp2Test, ASettingsFloodThatIsNotReadFailsTheConnection) {
  answer_ = Answer::kHold;
  send(2);
  exchange();
  ready();
  exchange();
  peer_.write_stalls = 1 << 30;
  peer_.respond(settings_flood());
  for (int round = 0; round < 50 && user_.done.size() < 2; ++round) ready();
  ASSERT_EQ(user_.done.size(), 2u);
  EXPECT_EQ(user_.failed(ErrorClass::kParseError), 2u);
  EXPECT_FALSE(connection_.open());
}

TEST_F(ConnectionHttp2Test, AWindowThatNeverOpensEndsByTheRequestTimeout) {
  settings_ = {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 0}};
  send();  // a GET opens the connection and brings the server's SETTINGS
  run_until(1);
  ASSERT_EQ(user_.ok(), 1u);
  request_.method = "POST";
  request_.body = "a body the server never lets us send";
  send(2);
  for (int round = 0; round < 20; ++round) {
    exchange();
    ready();
  }
  EXPECT_EQ(user_.done.size(), 1u) << "the bodies wait for a WINDOW_UPDATE";
  clock_.advance(kNanosPerSecond + 1);
  connection_.check_deadline(clock_.now());
  ASSERT_EQ(user_.done.size(), 3u);
  EXPECT_EQ(user_.failed(ErrorClass::kRequestTimeout), 2u);
  EXPECT_EQ(user_.done[1].times.send_end, 0) << "the body never went out";
  EXPECT_TRUE(connection_.open()) << "timed-out streams are reset alone";
}

TEST_F(ConnectionHttp2Test, UnknownFrameTypesAreIgnored) {
  answer_ = Answer::kHold;
  send();
  exchange();
  ready();
  exchange();
  peer_.respond(frame(0xfa, 0, 0, "whatever") + frame(0xfb, 0, 1, "stream-level junk"));
  server_->release();
  run_until(1);
  ASSERT_EQ(user_.done.size(), 1u);
  EXPECT_FALSE(user_.done[0].error);
}

// Frames no HTTP/2 server may send fail the connection as a parse error.
TEST_F(ConnectionHttp2Test, GarbageFramesAreAParseError) {
  const std::string garbage[] = {
      frame(NGHTTP2_DATA, 0, 0, "data on stream 0"),
      frame(NGHTTP2_SETTINGS, 0, 0, "12345"),  // not a multiple of 6
      frame(NGHTTP2_HEADERS, NGHTTP2_FLAG_END_HEADERS, 1, "\xff\xff\xff\xff"),  // bad HPACK
      frame(NGHTTP2_PING, 0, 0, "short"),
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
  };
  for (const std::string& bytes : garbage) {
    user_.done.clear();
    connection_.close();
    answer_ = Answer::kHold;
    send();
    exchange();
    ready();
    exchange();
    peer_.reads.clear();
    peer_.respond(settings_frame() + bytes);
    for (int round = 0; round < 20 && user_.done.empty(); ++round) ready();
    ASSERT_EQ(user_.done.size(), 1u) << bytes;
    EXPECT_EQ(user_.done[0].error, ErrorClass::kParseError) << bytes;
  }
}

TEST_F(ConnectionHttp2Test, AStalledStreamTimesOutAloneAndTheOthersGoOn) {
  answer_ = Answer::kHold;
  send();
  exchange();
  ready();
  exchange();
  clock_.advance(kNanosPerSecond / 2);
  server_->answer = Answer::kOk;  // answers what comes next, not what it holds
  send();
  run_until(1);
  ASSERT_EQ(user_.done.size(), 1u);
  EXPECT_FALSE(user_.done[0].error);
  clock_.advance(kNanosPerSecond / 2 + 1);
  connection_.check_deadline(clock_.now());
  ASSERT_EQ(user_.done.size(), 2u);
  EXPECT_EQ(user_.done[1].error, ErrorClass::kRequestTimeout);
  EXPECT_TRUE(connection_.open());
}

}  // namespace
}  // namespace perfgate::engine
