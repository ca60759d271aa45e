// Integration tests of HTTP/2 in `perfgate serve`: h2c with prior knowledge on the plain port
// and h2 by ALPN over --tls, spoken to by independent clients (curl, nghttp, h2load from
// nghttp2-client), plus raw bytes for the broken cases.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "server/h2_session.h"
#include "server/serve_test_support.h"

namespace perfgate::server::testing {
namespace {

struct Outcome {
  int exit_code = -1;
  std::string output;  // stdout (stderr too when asked)
};

// Runs a shell command; every command here has its own time limit.
Outcome run(const std::string& command) {
  Outcome outcome;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return outcome;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) outcome.output.append(buffer, n);
  const int status = pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

// curl's body followed by "|<status> <http version>".
std::string curl(const std::string& options, const std::string& url) {
  return run("curl -sS --max-time 5 -w '|%{http_code} %{http_version}' " + options + " '" + url +
             "' 2>&1")
      .output;
}

class ServeH2Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cert_ = "/tmp/perfgate-serve-h2-test-" + std::to_string(getpid()) + ".pem";
    plain_ = new ServeProcess("--threads 2");
    tls_ = new ServeProcess("--threads 2 --tls --write-cert " + cert_);
  }
  static void TearDownTestSuite() {
    delete plain_;
    delete tls_;
    unlink(cert_.c_str());
  }
  void SetUp() override { ASSERT_TRUE(plain_->started() && tls_->started()); }

  static std::string h2c(const std::string& path, const std::string& options = "") {
    return curl("--http2-prior-knowledge " + options, plain_->url() + path);
  }

  static ServeProcess* plain_;
  static ServeProcess* tls_;
  static std::string cert_;
};
ServeProcess* ServeH2Test::plain_ = nullptr;
ServeProcess* ServeH2Test::tls_ = nullptr;
std::string ServeH2Test::cert_;

TEST_F(ServeH2Test, AnswersH2cWithPriorKnowledgeOnThePlainPort) {
  EXPECT_EQ(h2c("/"), "hello from perfgate\n|200 2");
  EXPECT_EQ(h2c("/status/418"), "418 I'm a teapot\n|418 2");
  EXPECT_EQ(h2c("/nope"), "not found\n|404 2");
  EXPECT_EQ(curl("", plain_->url() + "/"), "hello from perfgate\n|200 1.1");  // HTTP/1.1 too
}

TEST_F(ServeH2Test, GeneratedBodiesArriveWhole) {
  EXPECT_EQ(run("curl -sS --max-time 10 --http2-prior-knowledge '" + plain_->url() +
                "/bytes/3000000' | md5sum")
                .output,
            run("curl -sS --max-time 10 '" + plain_->url() + "/bytes/3000000' | md5sum").output);
  const std::string chunked = h2c("/chunked/100000");
  ASSERT_EQ(chunked.size(), 100000u + 6);
  EXPECT_EQ(chunked.substr(0, 27), "abcdefghijklmnopqrstuvwxyza");
  const std::string head = h2c("/bytes/10", "-I");  // HEAD: the GET's headers, no body
  EXPECT_NE(head.find("content-length: 10\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.substr(head.size() - 10), "\r\n\r\n|200 2") << head;
}

TEST_F(ServeH2Test, EchoSeesAnHttp2RequestWithItsBody) {
  const std::string answer = h2c("/echo?x=1", "-H 'X-Test: yes' -d hello");
  const size_t bar = answer.rfind('|');
  ASSERT_NE(bar, std::string::npos) << answer;
  EXPECT_EQ(answer.substr(bar), "|200 2");
  const auto echo = nlohmann::json::parse(answer.substr(0, bar), nullptr, false);
  ASSERT_TRUE(echo.is_object()) << answer;
  EXPECT_EQ(echo["version"], "HTTP/2");
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["path"], "/echo");
  EXPECT_EQ(echo["query"], "x=1");
  EXPECT_EQ(echo["body"], "hello");
  EXPECT_EQ(echo["headers"]["x-test"], "yes");
  EXPECT_TRUE(echo["headers"].contains("host"));
}

TEST_F(ServeH2Test, LoginSetsACookieThatMeAccepts) {
  const std::string login = h2c("/login",
                                "-i -H 'Content-Type: application/json' "
                                "-d '{\"username\":\"ann\",\"password\":\"secret\"}'");
  EXPECT_NE(login.find("set-cookie: session="), std::string::npos) << login;
  const size_t start = login.find("session=") + 8;
  const std::string token = login.substr(start, login.find(';', start) - start);
  EXPECT_EQ(h2c("/me", "-H 'Authorization: Bearer " + token + "'"),
            "{\"username\":\"ann\"}\n|200 2");
}

TEST_F(ServeH2Test, DelayedStreamsDoNotHoldBackTheOthers) {
  // nghttp prints bodies as they complete: the quick stream, sent second, comes out first.
  const Outcome out =
      run("nghttp -t 5 '" + plain_->url() + "/delay/300' '" + plain_->url() + "/' 2>&1");
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_EQ(out.output, "hello from perfgate\ndelayed 300 ms\n");
}

TEST_F(ServeH2Test, NegotiatesH2ByAlpnOverTls) {
  const std::string trust = "--cacert " + cert_ + " ";
  EXPECT_EQ(curl(trust + "--http2", tls_->url() + "/"), "hello from perfgate\n|200 2");
  EXPECT_EQ(curl(trust + "--http1.1", tls_->url() + "/"), "hello from perfgate\n|200 1.1");
  const Outcome h2load = run("h2load -n 200 -c 4 -m 10 '" + tls_->url() + "/' 2>&1");
  EXPECT_NE(h2load.output.find("Application protocol: h2"), std::string::npos) << h2load.output;
  EXPECT_NE(h2load.output.find("200 succeeded"), std::string::npos) << h2load.output;
}

TEST_F(ServeH2Test, ManyMultiplexedStreamsOnFewConnectionsAllSucceed) {
  const Outcome out = run("h2load -n 2000 -c 5 -m 20 '" + plain_->url() + "/json' 2>&1");
  EXPECT_NE(out.output.find("2000 succeeded, 0 failed, 0 errored"), std::string::npos)
      << out.output;
}

TEST_F(ServeH2Test, ABadFrameAfterThePrefaceEndsTheConnectionWithAGoaway) {
  const int fd = connect_local(plain_->port());
  ASSERT_GE(fd, 0);
  // The preface, then a frame header claiming a 16 MiB SETTINGS frame: a connection error.
  std::string bytes(kHttp2Preface);
  bytes += std::string("\xff\xff\xff\x04\x00\x00\x00\x00\x00", 9);
  ASSERT_TRUE(send_all(fd, bytes));
  std::string received;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = recv(fd, buffer, sizeof buffer, 0)) > 0) received.append(buffer, n);
  close(fd);
  EXPECT_EQ(n, 0);  // closed, not timed out
  bool goaway = false;
  for (size_t at = 0; at + 9 <= received.size();) {  // walk the frames the server sent
    const size_t length = (static_cast<uint8_t>(received[at]) << 16) |
                          (static_cast<uint8_t>(received[at + 1]) << 8) |
                          static_cast<uint8_t>(received[at + 2]);
    goaway = goaway || received[at + 3] == 0x07;
    at += 9 + length;
  }
  EXPECT_TRUE(goaway);
  EXPECT_EQ(h2c("/"), "hello from perfgate\n|200 2");  // and the server carries on
}

TEST_F(ServeH2Test, APrefaceArrivingByteByByteStillStartsHttp2) {
  const int fd = connect_local(plain_->port());
  ASSERT_GE(fd, 0);
  for (char c : kHttp2Preface) ASSERT_TRUE(send_all(fd, std::string(1, c)));
  // A SETTINGS frame (empty) completes the client preface; the server answers with its own.
  ASSERT_TRUE(send_all(fd, std::string("\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9)));
  char header[9];
  ASSERT_EQ(recv(fd, header, sizeof header, MSG_WAITALL), 9);
  EXPECT_EQ(header[3], 0x04);  // SETTINGS
  close(fd);
}

}  // namespace
}  // namespace perfgate::server::testing
