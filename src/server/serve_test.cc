// Integration tests: the real `perfgate serve` binary, spoken to over raw sockets.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "server/serve_test_support.h"

namespace perfgate::server::testing {
namespace {

using Clock = std::chrono::steady_clock;

class ServeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServeProcess("--threads 2"); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(server_->started()) << "no URL from perfgate serve"; }

  static std::optional<HttpResponse> get(std::string_view target, std::string_view headers = {}) {
    return exchange(server_->port(), get_request(target, headers));
  }
  static uint16_t port() { return server_->port(); }

  static ServeProcess* server_;
};
ServeProcess* ServeTest::server_ = nullptr;

int64_t elapsed_ms(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

TEST_F(ServeTest, PrintsItsBaseUrlFirst) {
  EXPECT_EQ(server_->url(), "http://127.0.0.1:" + std::to_string(port()));
}

TEST_F(ServeTest, RootSaysHello) {
  auto r = get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello from perfgate\n");
  EXPECT_EQ(r->header("content-length"), "20");
}

TEST_F(ServeTest, BytesSendsExactlyNBytesOfThePattern) {
  for (size_t n : {0ul, 1ul, 26ul, 100'000ul, 3'000'000ul}) {
    auto r = get("/bytes/" + std::to_string(n));
    ASSERT_TRUE(r) << n;
    EXPECT_EQ(r->status, 200);
    ASSERT_EQ(r->body.size(), n);
    for (size_t i = 0; i < n; i += 997) ASSERT_EQ(r->body[i], 'a' + static_cast<char>(i % 26));
  }
  EXPECT_EQ(get("/bytes/67108865")->status, 400);
  EXPECT_EQ(get("/bytes/abc")->status, 400);
}

TEST_F(ServeTest, ChunkedSendsSeveralChunksThatAddUpToN) {
  auto r = get("/chunked/1000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("transfer-encoding"), "chunked");
  EXPECT_EQ(r->header("content-length"), "");
  EXPECT_EQ(r->body.size(), 1000u);
  EXPECT_EQ(r->chunks, 4u);
  EXPECT_EQ(r->body.substr(0, 5), "abcde");
  auto big = get("/chunked/200000");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->body.size(), 200000u);
  EXPECT_EQ(big->chunks, 13u);  // 16 KiB chunks
  auto empty = get("/chunked/0");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->body, "");
  EXPECT_EQ(empty->chunks, 0u);
}

TEST_F(ServeTest, StatusAnswersWithThatStatus) {
  for (int code : {200, 201, 204, 301, 404, 418, 500, 503, 599}) {
    auto r = get("/status/" + std::to_string(code));
    ASSERT_TRUE(r) << code;
    EXPECT_EQ(r->status, code);
  }
  EXPECT_EQ(get("/status/204")->header("content-length"), "");
  EXPECT_EQ(get("/status/100")->status, 400);
  EXPECT_EQ(get("/status/600")->status, 400);
  EXPECT_EQ(get("/status/x")->status, 400);
}

TEST_F(ServeTest, EchoReturnsTheRequestAsJson) {
  const std::string request =
      "PUT /echo?a=1 HTTP/1.1\r\nHost: x\r\nX-Test: yes\r\nContent-Length: 5\r\n\r\nhello";
  auto r = exchange(port(), request);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("content-type"), "application/json");
  const auto doc = nlohmann::json::parse(r->body);
  EXPECT_EQ(doc["method"], "PUT");
  EXPECT_EQ(doc["path"], "/echo");
  EXPECT_EQ(doc["query"], "a=1");
  EXPECT_EQ(doc["headers"]["X-Test"], "yes");
  EXPECT_EQ(doc["body"], "hello");
}

TEST_F(ServeTest, EchoDecodesAChunkedRequestBody) {
  const std::string request =
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nTrailer: t\r\n\r\n";
  auto r = exchange(port(), request);
  ASSERT_TRUE(r);
  EXPECT_EQ(nlohmann::json::parse(r->body)["body"], "abcdefg");
}

TEST_F(ServeTest, JsonIsASampleDocumentOfAFewKilobytes) {
  auto r = get("/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_GT(r->body.size(), 2000u);
  EXPECT_EQ(nlohmann::json::parse(r->body)["items"].size(), 25u);
}

TEST_F(ServeTest, LoginThenMe) {
  const std::string body = R"({"username":"alice","password":"secret"})";
  auto login = exchange(port(), "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                    std::to_string(body.size()) + "\r\n\r\n" + body);
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 200);
  const std::string token = nlohmann::json::parse(login->body)["token"];
  auto me = get("/me", "Authorization: Bearer " + token + "\r\n");
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200);
  EXPECT_EQ(nlohmann::json::parse(me->body)["username"], "alice");
  EXPECT_EQ(get("/me")->status, 401);
  EXPECT_EQ(get("/me", "Authorization: Bearer " + token + "0\r\n")->status, 401);
}

TEST_F(ServeTest, LoginRejectsWrongPasswordAndMalformedBodies) {
  auto post = [](std::string_view body) {
    return exchange(port(), "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                std::to_string(body.size()) + "\r\n\r\n" + std::string(body));
  };
  EXPECT_EQ(post(R"({"username":"alice","password":"nope"})")->status, 401);
  EXPECT_EQ(post(R"({"username":"","password":"secret"})")->status, 400);
  EXPECT_EQ(post("not json")->status, 400);
  EXPECT_EQ(get("/login")->status, 405);
}

TEST_F(ServeTest, UnknownPathIs404) { EXPECT_EQ(get("/nope")->status, 404); }

TEST_F(ServeTest, HeadHasHeadersButNoBody) {
  const int fd = connect_local(port());
  ASSERT_GE(fd, 0);
  ResponseReader reader(fd);
  ASSERT_TRUE(send_all(fd, get_request("/bytes/500", {}, "HEAD") + get_request("/")));
  auto head = reader.next(/*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->header("content-length"), "500");
  auto after = reader.next();  // proves no body bytes were sent after the HEAD response
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body, "hello from perfgate\n");
  close(fd);
}

TEST_F(ServeTest, KeepAliveReusesOneConnection) {
  const int fd = connect_local(port());
  ASSERT_GE(fd, 0);
  ResponseReader reader(fd);
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(send_all(fd, get_request(i % 2 ? "/json" : "/bytes/10")));
    auto r = reader.next();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
  }
  close(fd);
}

TEST_F(ServeTest, PipelinedRequestsAreAnsweredInOrder) {
  const int fd = connect_local(port());
  ASSERT_GE(fd, 0);
  std::string batch;
  // A delayed and a large response in the middle must not overtake or be overtaken.
  for (auto target : {"/bytes/3", "/delay/50", "/status/201", "/bytes/300000", "/chunked/7"}) {
    batch += get_request(target);
  }
  ASSERT_TRUE(send_all(fd, batch));
  ResponseReader reader(fd);
  auto a = reader.next(), b = reader.next(), c = reader.next(), d = reader.next(),
       e = reader.next();
  ASSERT_TRUE(a && b && c && d && e);
  EXPECT_EQ(a->body, "abc");
  EXPECT_EQ(b->body, "delayed 50 ms\n");
  EXPECT_EQ(c->status, 201);
  EXPECT_EQ(d->body.size(), 300000u);
  EXPECT_EQ(e->body, "abcdefg");
  close(fd);
}

TEST_F(ServeTest, RequestSplitAcrossWritesWorks) {
  const int fd = connect_local(port());
  ASSERT_GE(fd, 0);
  const std::string request = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd";
  for (char c : request) {
    ASSERT_TRUE(send_all(fd, std::string_view(&c, 1)));
    usleep(500);
  }
  auto r = ResponseReader(fd).next();
  ASSERT_TRUE(r);
  EXPECT_EQ(nlohmann::json::parse(r->body)["body"], "abcd");
  close(fd);
}

TEST_F(ServeTest, AClientThatReadsLateStillGetsEveryResponseInOrder) {
  const int fd = connect_local(port());
  ASSERT_GE(fd, 0);
  std::string batch;
  for (int i = 0; i < 40; ++i) batch += get_request("/bytes/" + std::to_string(200'000 + i));
  ASSERT_TRUE(send_all(fd, batch));
  usleep(200'000);  // the server fills the socket and must wait for EPOLLOUT
  ResponseReader reader(fd);
  for (int i = 0; i < 40; ++i) {
    auto r = reader.next();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body.size(), 200'000u + i);
  }
  close(fd);
}

TEST_F(ServeTest, LargeUploadArrivingInPiecesIsReceivedWhole) {
  const int fd = connect_local(port());
  ASSERT_GE(fd, 0);
  const std::string body(3'000'000, 'u');
  ASSERT_TRUE(send_all(fd, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3000000\r\n\r\n"));
  for (size_t pos = 0; pos < body.size(); pos += 250'000) {
    ASSERT_TRUE(send_all(fd, std::string_view(body).substr(pos, 250'000)));
  }
  auto r = ResponseReader(fd).next();
  ASSERT_TRUE(r);
  EXPECT_EQ(nlohmann::json::parse(r->body)["body"].get<std::string>().size(), body.size());
  close(fd);
}

TEST_F(ServeTest, AClientLeavingDuringADelayDoesNotHurtTheServer) {
  for (int i = 0; i < 20; ++i) {
    const int fd = connect_local(port());
    ASSERT_TRUE(send_all(fd, get_request("/delay/50") + get_request("/")));
    close(fd);
  }
  usleep(150'000);  // the timers fire for connections that are gone
  auto r = get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace perfgate::server::testing
