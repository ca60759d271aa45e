// The connection driver against the fault-injecting FakeTransport: short reads and writes,
// EAGAIN, resets, EOF on a reused connection, delayed connects, timeouts, garbage, bytes after a
// response, body bounds, and TLS failures — no server, no real socket I/O.
#include "engine/connection.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "net/fake_transport.h"

namespace perfgate::engine {
namespace {

using net::IoResult;
using net::TransportError;
using results::ErrorClass;

constexpr char kOk[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
constexpr uint32_t kReady = EPOLLIN | EPOLLOUT;

struct Recorder final : ConnectionUser {
  struct Done {
    std::optional<ErrorClass> error;
    int status = 0;
    std::string body;
    RequestTimes times;
  };
  std::vector<Done> done;
  void on_request_done(const RequestOutcome& outcome, Nanos) override {
    Done d;
    d.error = outcome.error;
    if (outcome.response != nullptr) {
      d.status = outcome.response->status;
      d.body = std::string(outcome.response->body);
    }
    d.times = *outcome.times;
    done.push_back(d);
  }
};

class ConnectionTest : public ::testing::Test {
 protected:
  ConnectionTest()
      : loop_(clock_),
        factory_(peer_),
        context_{loop_, clock_, buffer_, sizeof buffer_, &factory_, &factory_},
        connection_(context_, user_) {
    address_ = *net::resolve("127.0.0.1", 80);
    origin_ = Origin{&address_, "http://127.0.0.1:80", "127.0.0.1", false};
    request_.method = "GET";
    request_.authority = "127.0.0.1";
    request_.target = "/";
  }

  void send(protocols::ResponseCapture capture = {}) {
    connection_.send(origin_, request_, capture, kNanosPerSecond, clock_.now());
  }
  void ready() { connection_.on_io(kReady); }

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
};

TEST_F(ConnectionTest, ShortReadsAndWritesStillMakeOneResponse) {
  peer_.max_write = 3;
  peer_.max_read = 1;
  peer_.respond(kOk);
  send();
  while (user_.done.empty()) ready();
  ASSERT_EQ(user_.done.size(), 1u);
  EXPECT_FALSE(user_.done[0].error);
  EXPECT_EQ(user_.done[0].status, 200);
  EXPECT_EQ(peer_.written, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(user_.done[0].times.bytes_sent, static_cast<int64_t>(peer_.written.size()));
  EXPECT_EQ(user_.done[0].times.bytes_received, static_cast<int64_t>(sizeof kOk - 1));
  EXPECT_TRUE(connection_.open()) << "keep-alive";
}

TEST_F(ConnectionTest, WouldBlockWritesResumeOnTheNextEvent) {
  peer_.write_stalls = 2;
  peer_.respond(kOk);
  send();
  EXPECT_TRUE(peer_.written.empty());
  ready();  // still stalled once
  ready();  // writes, then reads the response
  ASSERT_EQ(user_.done.size(), 1u);
  EXPECT_EQ(user_.done[0].status, 200);
}

TEST_F(ConnectionTest, KeepAliveReusesTheConnection) {
  peer_.respond(kOk);
  send();
  ready();
  peer_.respond(kOk);
  send();
  ready();
  ASSERT_EQ(user_.done.size(), 2u);
  EXPECT_EQ(peer_.connects, 1);
  EXPECT_TRUE(user_.done[0].times.new_connection);
  EXPECT_FALSE(user_.done[1].times.new_connection);
}

TEST_F(ConnectionTest, ResetWhileReadingIsAReset) {
  peer_.then(IoResult::fail(TransportError::kReset, ECONNRESET));
  send();
  ready();
  ASSERT_EQ(user_.done.size(), 1u);
  EXPECT_EQ(user_.done[0].error, ErrorClass::kReset);
  EXPECT_FALSE(connection_.open());
}

TEST_F(ConnectionTest, StaleKeepAliveConnectionIsRetriedOnceOnANewOne) {
  peer_.respond(kOk);
  send();
  ready();
  peer_.then(IoResult::eof());  // the server closed the idle connection as we reused it
  peer_.respond(kOk);
  send();
  ready();  // EOF -> reconnect and re-send
  ready();  // the response on the new connection
  ASSERT_EQ(user_.done.size(), 2u);
  EXPECT_FALSE(user_.done[1].error);
  EXPECT_TRUE(user_.done[1].times.retried);
  EXPECT_EQ(peer_.connects, 2);
}

TEST_F(ConnectionTest, EofOnAFreshConnectionIsClosedMidResponse) {
  peer_.then(IoResult::eof());
  send();
  ready();
  ASSERT_EQ(user_.done.size(), 1u);
  EXPECT_EQ(user_.done[0].error, ErrorClass::kClosedMidResponse);
  EXPECT_EQ(peer_.connects, 1) << "no retry on a connection this request opened";
}

TEST_F(ConnectionTest, CloseMidBodyIsClosedMidResponse) {
  peer_.respond("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nonly part");
  peer_.then(IoResult::eof());
  send();
  connection_.on_io(kReady | EPOLLRDHUP);  // epoll reports the close with the last bytes
  ASSERT_EQ(user_.done.size(), 1u);
  EXPECT_EQ(user_.done[0].error, ErrorClass::kClosedMidResponse);
}

TEST_F(ConnectionTest, DelayedConnectTimesOutAsConnectTimeout) {
  peer_.connect.push_back(IoResult::want_write());
  send();
  EXPECT_TRUE(connection_.busy());
  clock_.advance(kNanosPerSecond / 2);
  connection_.check_deadline(clock_.now());
  EXPECT_TRUE(user_.done.empty());
  clock_.advance(kNanosPerSecond);
  connection_.check_deadline(clock_.now());
  ASSERT_EQ(user_.done.size(), 1u);
  EXPECT_EQ(user_.done[0].error, ErrorClass::kConnectTimeout);
}

TEST_F(ConnectionTest, ConnectTimeIsMeasuredFromConnectToWritable) {
  peer_.connect.push_back(IoResult::want_write());
  peer_.respond(kOk);
  send();
  clock_.advance(7 * kNanosPerMilli);
  ready();  // connected, request written
  ready();  // response read
  ASSERT_EQ(user_.done.size(), 1u);
  const RequestTimes& t = user_.done[0].times;
  EXPECT_EQ(t.connect_end - t.connect_start, 7 * kNanosPerMilli);
}

TEST_F(ConnectionTest, StalledResponseTimesOutHoweverTheBytesArrive) {
  peer_.respond("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n");
  send();
  ready();
  for (int i = 0; i < 5; ++i) {  // a chunk now and then never completes the response
    clock_.advance(300 * kNanosPerMilli);
    peer_.respond("1\r\nb\r\n");
    ready();
    connection_.check_deadline(clock_.now());
  }
  ASSERT_EQ(user_.done.size(), 1u);
  EXPECT_EQ(user_.done[0].error, ErrorClass::kRequestTimeout);
}

TEST_F(ConnectionTest, GarbageIsAParseError) {
  peer_.respond("SSH-2.0-OpenSSH_9.2\r\n");
  send();
  ready();
  ASSERT_EQ(user_.done.size(), 1u);
  EXPECT_EQ(user_.done[0].error, ErrorClass::kParseError);
}

TEST_F(ConnectionTest, BytesAfterAResponseCloseTheConnection) {
  peer_.respond(std::string(kOk) + "HTTP/1.1 200 OK\r\n");
  send();
  ready();
  ASSERT_EQ(user_.done.size(), 1u);
  EXPECT_FALSE(user_.done[0].error);
  EXPECT_FALSE(connection_.open());
}

TEST_F(ConnectionTest, KeptBodyPastTheLimitFailsAsBodyTooLarge) {
  peer_.respond("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x'));
  protocols::ResponseCapture capture;
  capture.body = true;
  capture.max_body_bytes = 64;
  send(capture);
  ready();
  ASSERT_EQ(user_.done.size(), 1u);
  EXPECT_EQ(user_.done[0].error, ErrorClass::kBodyTooLarge);
}

TEST_F(ConnectionTest, KeptBodyIsDechunked) {
  peer_.respond(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  protocols::ResponseCapture capture;
  capture.body = true;
  send(capture);
  ready();
  ASSERT_EQ(user_.done.size(), 1u);
  EXPECT_EQ(user_.done[0].body, "abcde");
}

TEST_F(ConnectionTest, TlsHandshakeFailureKeepsItsClass) {
  peer_.secure = true;
  peer_.handshake.push_back(IoResult::want_read());
  peer_.handshake.push_back(IoResult::fail(TransportError::kTlsExpired));
  send();
  ready();
  ASSERT_EQ(user_.done.size(), 1u);
  EXPECT_EQ(user_.done[0].error, ErrorClass::kTlsExpired);
}

TEST_F(ConnectionTest, TlsHandshakeIsItsOwnPhase) {
  peer_.secure = true;
  peer_.handshake.push_back(IoResult::want_read());
  peer_.respond(kOk);
  send();
  clock_.advance(3 * kNanosPerMilli);
  ready();  // handshake done, request written
  ready();  // response read
  ASSERT_EQ(user_.done.size(), 1u);
  const RequestTimes& t = user_.done[0].times;
  EXPECT_TRUE(t.handshake);
  EXPECT_GE(t.tls_end - t.tls_start, 3 * kNanosPerMilli);
}

TEST_F(ConnectionTest, HeaderInjectionIsRefusedBeforeAnyByteIsSent) {
  const protocols::HeaderField bad[] = {{"X-A", "1\r\nX-Injected: yes"}};
  request_.headers = bad;
  send();
  ASSERT_EQ(user_.done.size(), 1u);
  EXPECT_EQ(user_.done[0].error, ErrorClass::kInvalidRequest);
  EXPECT_TRUE(peer_.written.empty());
}

}  // namespace
}  // namespace perfgate::engine
