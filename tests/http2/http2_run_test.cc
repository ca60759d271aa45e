// `perfgate run` over HTTP/2 against real servers the test starts on 127.0.0.1: `perfgate serve`
// (h2c with prior knowledge) and nginx with http2 (h2 by ALPN over TLS). Counts, statuses, the
// proto a run used, shared connections (streams multiplexed), POST bodies, per-stream timeouts,
// open-model latency while requests wait for a free stream, and a server that refuses HTTP/2 —
// each bounded to a few seconds.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/engine/child_process.h"
#include "tests/support/tls_fixtures.h"

namespace perfgate::test_support {
namespace {

using nlohmann::json;

json run_summary(const std::string& name, std::vector<std::string> args, int expected_exit = 0) {
  const std::string path =
      ::testing::TempDir() + "perfgate_h2_" + name + "_" + std::to_string(::getpid()) + ".json";
  std::filesystem::remove(path);
  args.insert(args.end(), {"--threads", "1", "--summary-json", path});
  args.insert(args.begin(), "run");
  const RunOutcome r = run_perfgate(args);
  EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
  std::ifstream in(path);
  json summary = in ? json::parse(in, nullptr, false) : json();
  std::filesystem::remove(path);
  return summary;
}

int64_t requests(const json& s) { return s["metrics"]["http_reqs"]["count"].get<int64_t>(); }
int64_t errors(const json& s, const char* name) {
  return s["perfgate"]["errors"].value(name, int64_t{0});
}
int64_t responses(const json& s, const char* status) {
  return s["perfgate"]["responses"].value(status, int64_t{0});
}

TEST(Http2Run, H2cWithPriorKnowledgeAnswersEveryRequest) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty());
  const json s = run_summary("h2c", {serve.url() + "/", "--http2", "-u", "8", "-n", "3000"});
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(requests(s), 3000);
  EXPECT_EQ(responses(s, "200"), 3000);
  EXPECT_EQ(s["metrics"]["http_req_failed"]["passes"].get<int64_t>(), 0)
      << s["perfgate"]["errors"].dump();
}

TEST(Http2Run, SharedConnectionsMultiplexTheVus) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty());
  // 40 VUs over 2 connections: 20 streams in flight on each (serve allows 100).
  const json s = run_summary("shared", {serve.url() + "/delay/20", "--http2", "-u", "40",
                                        "--connections", "2", "-n", "400"});
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(responses(s, "200"), 400);
  // 400 requests of 20 ms with 40 in flight take about 200 ms; one at a time per connection
  // they would take 4 s.
  EXPECT_LT(s["metrics"]["iteration_duration"]["med"].get<double>(), 1000.0);
}

TEST(Http2Run, PostBodiesArriveWhole) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty());
  const std::string body(20000, 'x');  // over one DATA frame's default 16 KiB
  const json s = run_summary("post", {serve.url() + "/echo", "--http2", "-X", "POST", "--body",
                                      body, "-u", "4", "-n", "100"});
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(responses(s, "200"), 100);
  EXPECT_GT(s["metrics"]["data_sent"]["count"].get<int64_t>(), 100 * 20000);
  EXPECT_GT(s["metrics"]["data_received"]["count"].get<int64_t>(), 100 * 20000);
}

TEST(Http2Run, AStalledStreamTimesOutAlone) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty());
  const json s = run_summary("timeout",
                             {serve.url() + "/delay/3000", "--http2", "-u", "3", "--connections",
                              "1", "-n", "3", "--timeout", "300ms"},
                             5);
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(errors(s, "request_timeout"), 3);
}

TEST(Http2Run, StatusesCarryOver) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty());
  const json s =
      run_summary("status", {serve.url() + "/status/503", "--http2", "-u", "2", "-n", "20"}, 5);
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(responses(s, "503"), 20);
  EXPECT_EQ(errors(s, "http_5xx"), 20);
}

// Coordinated omission over HTTP/2: 600 requests a second for a second, each answered after
// 500 ms, over one connection whose server allows 100 concurrent streams. Requests queue for a
// free stream, and their latency counts from the scheduled start: most wait one or more
// rounds of 500 ms. Counted from the send it would be ~500 ms for every request.
TEST(Http2Run, OpenModelLatencyCountsFromTheScheduledStartWhileStreamsWait) {
  ServeProcess serve;
  ASSERT_FALSE(serve.url().empty());
  const json s =
      run_summary("co", {serve.url() + "/delay/500", "--http2", "--rate", "600", "--duration", "1s",
                         "--connections", "1", "--max-vus", "1000", "--timeout", "10s"});
  ASSERT_TRUE(s.is_object());
  EXPECT_GE(responses(s, "200"), 400);
  EXPECT_EQ(s["metrics"]["http_req_failed"]["passes"].get<int64_t>(), 0)
      << s["perfgate"]["errors"].dump();
  const json& m = s["metrics"];
  EXPECT_GE(m["http_req_duration"]["p(90)"].get<double>(), 1200.0) << m.dump();
  EXPECT_LT(m["http_req_duration_uncorrected"]["p(90)"].get<double>(), 1000.0) << m.dump();
  EXPECT_GE(m["http_req_blocked"]["p(90)"].get<double>(), 500.0) << "waited for a free stream";
}

class Http2Tls : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(certs_.ok()) << certs_.error(); }
  TlsCertificates certs_;
};

TEST_F(Http2Tls, AlpnPicksH2ByDefaultAndSharedConnectionsWork) {
  NginxTlsServer nginx(certs_, {.cert = certs_.valid(), .http2 = true});
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  const json s = run_summary("tls_auto", {nginx.url(), "--cacert", certs_.ca_path(), "-u", "20",
                                          "--connections", "2", "-n", "2000"});
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(responses(s, "200"), 2000) << s["perfgate"]["errors"].dump();
  // Two handshakes for 2000 requests: every other request went over an open connection.
  EXPECT_EQ(s["metrics"]["http_req_tls_handshaking"]["max"].get<double>() > 0, true);
}

TEST_F(Http2Tls, Http2RequiredAgainstAnHttp1OnlyServerIsClassified) {
  NginxTlsServer nginx(certs_, {.cert = certs_.valid()});
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  const json s =
      run_summary("tls_refused",
                  {nginx.url(), "--cacert", certs_.ca_path(), "--http2", "-u", "2", "-n", "10"}, 5);
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(errors(s, "http2_not_negotiated"), requests(s));
  EXPECT_GT(requests(s), 0);
}

TEST_F(Http2Tls, Http1KeepsHttp1AgainstAnH2Server) {
  NginxTlsServer nginx(certs_, {.cert = certs_.valid(), .http2 = true});
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  const json s = run_summary(
      "tls_http1", {nginx.url(), "--cacert", certs_.ca_path(), "--http1", "-u", "2", "-n", "50"});
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(responses(s, "200"), 50);
}

}  // namespace
}  // namespace perfgate::test_support
