// gRPC through the real binary: plans and one-liners checked before any traffic, then run
// against tests/grpc/grpc_server.py: statuses, deadlines, metadata, streaming counts.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "child_process.h"
#include "grpc_test_server.h"
#include "tests/support/tls_fixtures.h"

namespace perfgate::test_support {
namespace {

class GrpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("perfgate_grpc_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    std::filesystem::copy_file(GrpcTestServer::proto(), dir_ / "echo.proto");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::string plan(const std::string& url, const std::string& steps) {
    return write("plan.yaml", "options: {vus: 1, iterations: 1, baseUrl: " + url +
                                  "}\nflows:\n  main:\n" + steps);
  }
  std::filesystem::path dir_;
};

TEST_F(GrpcTest, PlanCheckAcceptsAGrpcPlan) {
  const std::string path = plan("grpc://127.0.0.1:1", R"(    - grpc:
        proto: echo.proto
        service: perfgate.test.Echo
        method: Say
        message: {text: hello}
      checks: {grpcStatus: OK, jsonEquals: {$.text: hello}}
)");
  RunOutcome out = run_perfgate({"plan", "--check", path});
  EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
}

TEST_F(GrpcTest, ABadProtoIsAPlanErrorAtItsLineBeforeAnyTraffic) {
  write("bad.proto", "syntax = \"proto3\";\nservice S {\n  rpc A(Missing) returns (Missing);\n}\n");
  const std::string path = plan("grpc://127.0.0.1:1", R"(    - grpc: {proto: bad.proto, method: S/A}
)");
  RunOutcome out = run_perfgate({"run", path});
  EXPECT_EQ(out.exit_code, 104) << out.out << out.err;
  EXPECT_NE(out.err.find("bad.proto:3:"), std::string::npos) << out.err;
}

TEST_F(GrpcTest, AMessageOfTheWrongTypeIsAPlanError) {
  const std::string path = plan("grpc://127.0.0.1:1", R"(    - grpc:
        proto: echo.proto
        method: perfgate.test.Echo/Say
        message: {text: hello, cuont: 3}
)");
  RunOutcome out = run_perfgate({"plan", "--check", path});
  EXPECT_EQ(out.exit_code, 104) << out.out << out.err;
  EXPECT_NE(out.err.find("plan.yaml:7:18: error: the message does not match "
                         "perfgate.test.EchoRequest"),
            std::string::npos)
      << out.err;
}

TEST_F(GrpcTest, OneLinerMistakesAreRefusedBeforeAnyTraffic) {
  const std::string proto = (dir_ / "echo.proto").string();
  RunOutcome unknown = run_perfgate(
      {"run", "grpc://127.0.0.1:1/perfgate.test.Echo/Nope", "--proto", proto, "-n", "1"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("has no method \"Nope\""), std::string::npos) << unknown.err;
  RunOutcome message = run_perfgate({"run", "grpc://127.0.0.1:1/perfgate.test.Echo/Say", "--proto",
                                     proto, "--message", "{\"text\": 1.5}", "-n", "1"});
  EXPECT_NE(message.exit_code, 0);
  EXPECT_NE(message.err.find("--message: the message does not match"), std::string::npos)
      << message.err;
  RunOutcome no_proto = run_perfgate({"run", "grpc://127.0.0.1:1/perfgate.test.Echo/Say"});
  EXPECT_NE(no_proto.err.find("--proto"), std::string::npos) << no_proto.err;
}

TEST_F(GrpcTest, TheTestServerStarts) {
  GrpcTestServer server;
  EXPECT_GT(server.port(), 0);
}

// ---- end to end against tests/grpc/grpc_server.py --------------------------------------------

class GrpcRunTest : public GrpcTest {
 protected:
  // Runs `steps` (the main flow's, indented); `thresholds` is the text inside options.thresholds
  // braces.
  nlohmann::json run(const std::string& steps, int iterations, RunOutcome* outcome = nullptr,
                     const std::string& thresholds = "") {
    const std::string path =
        write("plan.yaml", "options: {vus: 1, iterations: " + std::to_string(iterations) +
                               ", baseUrl: " + server_.url() + ", thresholds: {" + thresholds +
                               "}}\nflows:\n  main:\n" + steps);
    const std::string summary = (dir_ / "summary.json").string();
    RunOutcome out =
        run_perfgate({"run", path, "--summary-json", summary}, std::chrono::seconds(60));
    if (outcome) *outcome = out;
    std::ifstream in(summary);
    nlohmann::json doc = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
    EXPECT_TRUE(doc.is_object()) << out.out << out.err;
    return doc;
  }
  static int64_t count(const nlohmann::json& doc, const std::string& metric, const char* field) {
    const auto& m = doc["metrics"];
    return m.contains(metric) && m[metric].contains(field) ? m[metric][field].get<int64_t>() : -1;
  }
  static int64_t errors(const nlohmann::json& doc, const std::string& name) {
    return doc["perfgate"]["errors"].value(name, int64_t{-1});
  }
  GrpcTestServer server_;
};

TEST_F(GrpcRunTest, UnaryCallsPassTheirChecksAndExtract) {
  ASSERT_GT(server_.port(), 0);
  const nlohmann::json doc = run(R"(    - grpc:
        proto: echo.proto
        method: perfgate.test.Echo/Say
        message: {text: "hello {{__ITER}}"}
      checks: {grpcStatus: OK, jsonExists: $.text}
      extract: {said: {json: $.text}}
    - grpc:
        proto: echo.proto
        method: perfgate.test.Echo/Say
        message: {text: "{{said}}!"}
      checks: {jsonEquals: {$.text: "hello 0!"}}
)",
                                 1);
  EXPECT_EQ(count(doc, "checks", "passes"), 3) << doc.dump();
  EXPECT_EQ(count(doc, "checks", "fails"), 0);
  EXPECT_GT(doc["metrics"]["grpc_req_duration"].value("max", 0.0), 0.0) << doc["metrics"].dump();
  EXPECT_EQ(count(doc, "http_reqs", "count"), 2);
}

TEST_F(GrpcRunTest, NonOkStatusesAreCheckedAndClassifiedByCode) {
  ASSERT_GT(server_.port(), 0);
  const nlohmann::json doc = run(R"(    - grpc:
        proto: echo.proto
        method: perfgate.test.Echo/Fail
        message: {status: 5}
      checks: {grpcStatus: NOT_FOUND}
    - grpc:
        proto: echo.proto
        method: perfgate.test.Echo/Fail
        message: {status: 14}
      checks: {grpcStatus: OK}
    - grpc: {proto: echo.proto, method: perfgate.test.Echo/Say}
)",
                                 3);
  EXPECT_EQ(count(doc, "checks", "passes"), 3) << doc.dump();
  EXPECT_EQ(count(doc, "checks", "fails"), 3);
  EXPECT_EQ(errors(doc, "grpc_not_found"), 3) << doc["perfgate"].dump();
  EXPECT_EQ(errors(doc, "grpc_unavailable"), 3);
  EXPECT_EQ(count(doc, "http_req_failed", "passes"), 6) << doc["metrics"].dump();
}

TEST_F(GrpcRunTest, DeadlinesEndSlowCalls) {
  ASSERT_GT(server_.port(), 0);
  RunOutcome out;
  const auto start = std::chrono::steady_clock::now();
  const nlohmann::json doc = run(R"(    - grpc:
        proto: echo.proto
        method: perfgate.test.Echo/Slow
        message: {delay_ms: 3000}
      timeout: 300ms
      checks: {grpcStatus: OK}
)",
                                 2, &out, R"("grpc_req_duration{status:4}": ["max<60000"])");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 5.0) << "two 3 s calls with a 300 ms deadline took " << seconds << " s";
  EXPECT_EQ(count(doc, "checks", "fails"), 2) << doc.dump();
  // Whether the server's deadline (grpc-timeout) or the client's timer ends the call first, it
  // is DEADLINE_EXCEEDED, as gRPC clients report it.
  EXPECT_EQ(errors(doc, "grpc_deadline_exceeded"), 2) << doc["perfgate"].dump();
  EXPECT_EQ(errors(doc, "request_timeout"), 0);
  EXPECT_EQ(count(doc, "http_req_failed", "passes"), 2) << doc["metrics"].dump();
  // As in k6, a call that ended without a response still has its grpc_req_duration (tagged with
  // its status), about as long as its deadline.
  const nlohmann::json& deadline = doc["metrics"]["grpc_req_duration{status:4}"];
  EXPECT_GE(deadline.value("min", 0.0), 250.0) << doc["metrics"].dump();
  EXPECT_LT(deadline.value("max", 1e9), 3000.0) << doc["metrics"].dump();
}

// A server that never answers (a socket that listens and never accepts: the kernel completes
// the handshake): perfgate's own timer ends each call as DEADLINE_EXCEEDED, with its duration.
TEST_F(GrpcTest, CallsThatNeverGetAnAnswerHaveADuration) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string url = "grpc://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  const std::string path = write("plan.yaml", "options: {vus: 1, iterations: 2, baseUrl: \"" + url +
                                                  R"(",
  thresholds: {"grpc_req_duration{status:4}": ["max<60000"]}}
flows:
  main:
    - grpc: {proto: echo.proto, method: perfgate.test.Echo/Say, message: {text: a}}
      timeout: 300ms
)");
  const std::string summary = (dir_ / "summary.json").string();
  RunOutcome out = run_perfgate({"run", path, "--summary-json", summary}, std::chrono::seconds(60));
  ::close(fd);
  EXPECT_EQ(out.exit_code, 5) << out.out << out.err;
  std::ifstream in(summary);
  const nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << out.out << out.err;
  EXPECT_EQ(doc["perfgate"]["errors"].value("grpc_deadline_exceeded", 0), 2) << doc.dump();
  const nlohmann::json& deadline = doc["metrics"]["grpc_req_duration{status:4}"];
  EXPECT_GE(deadline.value("min", 0.0), 250.0) << doc["metrics"].dump();
  EXPECT_LT(deadline.value("max", 1e9), 10000.0) << doc["metrics"].dump();
}

// Calls whose connection failed (nothing listens on the port) are UNAVAILABLE, and k6 records
// their grpc_req_duration too (status 14).
TEST_F(GrpcTest, CallsWithoutAConnectionHaveADuration) {
  const std::string path = write("plan.yaml",
                                 R"(options: {vus: 1, iterations: 3, baseUrl: "grpc://127.0.0.1:1",
  thresholds: {"grpc_req_duration{status:14}": ["max<60000"], "http_reqs{status:14}": ["count==3"]}}
flows:
  main:
    - grpc: {proto: echo.proto, method: perfgate.test.Echo/Say, message: {text: a}}
)");
  const std::string summary = (dir_ / "summary.json").string();
  RunOutcome out = run_perfgate({"run", path, "--summary-json", summary}, std::chrono::seconds(60));
  EXPECT_EQ(out.exit_code, 5) << out.out << out.err;  // no request succeeded; thresholds passed
  std::ifstream in(summary);
  const nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << out.out << out.err;
  EXPECT_TRUE(doc["metrics"]["grpc_req_duration{status:14}"].contains("max"))
      << doc["metrics"].dump();
  EXPECT_TRUE(doc["metrics"]["grpc_req_duration"].contains("max")) << doc["metrics"].dump();
}

// Metadata goes out as headers; the server's initial and trailing metadata come back checkable.
TEST_F(GrpcRunTest, MetadataReachesTheServerAndComesBack) {
  ASSERT_GT(server_.port(), 0);
  const nlohmann::json doc = run(R"(    - grpc:
        proto: echo.proto
        method: perfgate.test.Echo/Metadata
        metadata: {X-Tenant: "acme-{{__VU}}", x-trace: abc}
      checks:
        jsonEquals: {/metadata/x-tenant: acme-1, /metadata/x-trace: abc}
        headers: {x-echo-x-tenant: "^acme-1$", x-served-by: "^perfgate-test$"}
      extract: {tenant: {header: x-echo-x-tenant}}
    - grpc:
        proto: echo.proto
        method: perfgate.test.Echo/Metadata
        metadata: {x-tenant: "{{tenant}}-again"}
      checks: {headers: {x-echo-x-tenant: "^acme-1-again$", x-echo-x-trace: "abc"}}
)",
                                 2);
  // Per iteration: the first step's 4 conditions pass, and the second's x-trace one fails (none
  // was sent).
  EXPECT_EQ(count(doc, "checks", "passes"), 10) << doc.dump();
  EXPECT_EQ(count(doc, "checks", "fails"), 2);
}

TEST_F(GrpcRunTest, ThresholdsReadGrpcMetricsAndTheStatusTag) {
  ASSERT_GT(server_.port(), 0);
  const std::string steps =
      R"(    - grpc: {proto: echo.proto, method: perfgate.test.Echo/Say, message: {text: a}}
    - grpc: {proto: echo.proto, method: perfgate.test.Echo/Fail, message: {status: 5}}
)";
  RunOutcome pass;
  const nlohmann::json doc = run(steps, 4, &pass,
                                 R"(grpc_req_duration: ["p(95)<10000"],
      "grpc_req_duration{status:0}": ["max<10000"], "http_reqs{status:5}": ["count==4"],
      "http_req_failed{expected_response:true}": ["rate==0"])");
  EXPECT_EQ(pass.exit_code, 0) << pass.out << pass.err;
  EXPECT_TRUE(doc["metrics"].contains("grpc_req_duration{status:0}")) << doc["metrics"].dump();
  RunOutcome fail;
  run(steps, 2, &fail, R"(grpc_req_duration: ["max<0.001"])");
  EXPECT_EQ(fail.exit_code, 99) << fail.out << fail.err;
  // Two OK calls carry status 0 (not the HTTP 200), so this fails; a sub-metric without samples
  // would pass as "no data".
  RunOutcome ok_status;
  run(steps, 2, &ok_status, R"("http_reqs{status:0}": ["count<1"])");
  EXPECT_EQ(ok_status.exit_code, 99) << ok_status.out << ok_status.err;
}

TEST_F(GrpcRunTest, ServerStreamingCountsItsMessages) {
  ASSERT_GT(server_.port(), 0);
  const nlohmann::json doc = run(R"(    - grpc:
        proto: echo.proto
        method: perfgate.test.Echo/StreamEcho
        message: {text: s, count: 7}
      checks: {grpcStatus: OK, jsonEquals: {/6/index: 6}}
    - grpc:
        proto: echo.proto
        method: perfgate.test.Echo/StreamEcho
        message: {count: 0}
      checks: {jsonEquals: {$: []}}
)",
                                 2);
  EXPECT_EQ(count(doc, "checks", "passes"), 6) << doc.dump();
  EXPECT_EQ(count(doc, "grpc_streams", "count"), 4) << doc["metrics"].dump();
  EXPECT_EQ(count(doc, "grpc_streams_msgs_received", "count"), 14);
  EXPECT_EQ(count(doc, "grpc_streams_msgs_sent", "count"), 4);
}

TEST_F(GrpcRunTest, OneLinerCallsTheMethod) {
  ASSERT_GT(server_.port(), 0);
  const std::string summary = (dir_ / "one.json").string();
  RunOutcome out = run_perfgate(
      {"run", server_.url() + "/perfgate.test.Echo/Say", "--proto", (dir_ / "echo.proto").string(),
       "--message", R"({"text":"x"})", "-n", "50", "-u", "5", "--summary-json", summary},
      std::chrono::seconds(60));
  EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
  std::ifstream in(summary);
  const nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  EXPECT_EQ(count(doc, "http_reqs", "count"), 50) << out.out;
  EXPECT_EQ(count(doc, "http_req_failed", "passes"), 0);
  EXPECT_GT(doc["metrics"]["grpc_req_duration"].value("max", 0.0), 0.0);
}

TEST_F(GrpcRunTest, OneLinerCountsServerStreams) {
  ASSERT_GT(server_.port(), 0);
  const std::string summary = (dir_ / "stream.json").string();
  RunOutcome out = run_perfgate({"run", server_.url() + "/perfgate.test.Echo/StreamEcho", "--proto",
                                 (dir_ / "echo.proto").string(), "--message", R"({"count":3})",
                                 "-n", "4", "-u", "2", "--summary-json", summary},
                                std::chrono::seconds(60));
  EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
  std::ifstream in(summary);
  const nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  EXPECT_EQ(count(doc, "grpc_streams", "count"), 4) << out.out;
  EXPECT_EQ(count(doc, "grpc_streams_msgs_sent", "count"), 4);
  EXPECT_EQ(count(doc, "grpc_streams_msgs_received", "count"), 12);
}

// grpcs://: TLS with ALPN h2 to a gRPC server whose certificate the run trusts through --cacert;
// without it the certificate is refused and no call succeeds.
TEST_F(GrpcTest, GrpcsCallsOverTls) {
  TlsCertificates certs;
  ASSERT_TRUE(certs.ok()) << certs.error();
  GrpcTestServer server(4, certs.valid().cert, certs.valid().key);
  ASSERT_GT(server.port(), 0);
  const std::string summary = (dir_ / "tls.json").string();
  const std::vector<std::string> call = {"run",
                                         server.url() + "/perfgate.test.Echo/Say",
                                         "--proto",
                                         (dir_ / "echo.proto").string(),
                                         "--message",
                                         R"({"text":"x"})",
                                         "-n",
                                         "20",
                                         "-u",
                                         "2",
                                         "--summary-json",
                                         summary};
  std::vector<std::string> trusted = call;
  trusted.insert(trusted.end(), {"--cacert", certs.ca_path()});
  RunOutcome out = run_perfgate(trusted, std::chrono::seconds(60));
  EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
  std::ifstream in(summary);
  const nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << out.out << out.err;
  EXPECT_EQ(doc["metrics"]["http_reqs"].value("count", int64_t{-1}), 20) << out.out;
  EXPECT_EQ(doc["metrics"]["http_req_failed"].value("passes", int64_t{-1}), 0) << out.out;
  EXPECT_GT(doc["metrics"]["grpc_req_duration"].value("max", 0.0), 0.0);
  RunOutcome untrusted = run_perfgate(call, std::chrono::seconds(60));
  EXPECT_NE(untrusted.out.find("NO REQUEST SUCCEEDED"), std::string::npos)
      << untrusted.out << untrusted.err;
}

// --reflect over grpcs://: TLS with ALPN h2, trusting what the run trusts. The python server has
// no reflection service, so getting that answer proves the TLS call went through; without the
// CA the certificate is refused. Nothing reaches the method either way.
TEST_F(GrpcTest, ReflectionOverTlsTrustsWhatTheRunTrusts) {
  TlsCertificates certs;
  ASSERT_TRUE(certs.ok()) << certs.error();
  GrpcTestServer server(4, certs.valid().cert, certs.valid().key);
  ASSERT_GT(server.port(), 0);
  const std::string url = server.url() + "/perfgate.test.Echo/Say";
  RunOutcome trusted = run_perfgate(
      {"run", url, "--reflect", "-n", "1", "--cacert", certs.ca_path()}, std::chrono::seconds(60));
  EXPECT_NE(trusted.exit_code, 0);
  EXPECT_NE(trusted.err.find("does not offer server reflection"), std::string::npos) << trusted.err;
  RunOutcome untrusted =
      run_perfgate({"run", url, "--reflect", "-n", "1"}, std::chrono::seconds(60));
  EXPECT_NE(untrusted.exit_code, 0);
  EXPECT_NE(untrusted.err.find("--reflect: https://127.0.0.1:"), std::string::npos)
      << untrusted.err;
  EXPECT_EQ(untrusted.err.find("does not offer server reflection"), std::string::npos)
      << untrusted.err;
}

}  // namespace
}  // namespace perfgate::test_support
