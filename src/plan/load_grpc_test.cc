// gRPC steps in plans: the call shaped as an HTTP/2 POST, and every mistake (in the plan or in
// the .proto) reported with file:line:col before any traffic.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "plan/loader.h"
#include "plan/runtime.h"
#include "protocols/grpc/method.h"

namespace perfgate::plan {
namespace {

class GrpcPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("plan_grpc_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::filesystem::copy_file(std::string(PERFGATE_SOURCE_DIR) + "/tests/grpc/echo.proto",
                               dir_ / "echo.proto",
                               std::filesystem::copy_options::overwrite_existing);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  LoadResult load(const std::string& steps) {
    LoadOptions options;
    options.display_name = "t.yaml";
    options.base_dir = dir_.string();
    options.env = [](const std::string&) { return std::nullopt; };
    return load_plan_text(
        "options: {vus: 1, duration: 1s, baseUrl: grpc://127.0.0.1:9}\n"
        "flows:\n  main:\n" +
            steps,
        options);
  }
  std::vector<std::string> errors(const LoadResult& r) {
    std::vector<std::string> out;
    for (const Diagnostic& d : r.diagnostics.sorted()) out.push_back(d.format());
    return out;
  }
  std::filesystem::path dir_;
};

TEST_F(GrpcPlanTest, AStepBecomesAFramedPostToTheMethodPath) {
  LoadResult r = load(R"(    - grpc:
        proto: echo.proto
        service: perfgate.test.Echo
        method: Say
        message: {text: hi, count: 2}
        metadata: {X-Tenant: a}
      timeout: 2s
      checks: {grpcStatus: [OK, NOT_FOUND], jsonEquals: {$.text: hi}}
)");
  ASSERT_TRUE(r.ok()) << errors(r)[0];
  const RequestStep& req = r.plan.flows[0].steps[0].request;
  ASSERT_NE(req.grpc, nullptr);
  EXPECT_EQ(req.grpc->path, "/perfgate.test.Echo/Say");
  EXPECT_EQ(req.name, "/perfgate.test.Echo/Say");
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url.render({}), "http://127.0.0.1:9/perfgate.test.Echo/Say");
  EXPECT_FALSE(req.grpc_encode_body);
  EXPECT_EQ(req.body.render({}), std::string("\0\0\0\0\x06\x0a\x02hi\x10\x02", 11));
  ASSERT_EQ(req.headers.size(), 4u);
  EXPECT_EQ(req.headers[3].name, "grpc-timeout");
  EXPECT_EQ(req.headers[3].value.render({}), "2000000u");
  EXPECT_EQ(req.headers[0].name, "content-type");
  EXPECT_EQ(req.headers[1].name, "te");
  EXPECT_EQ(req.headers[2].name, "x-tenant");
  EXPECT_EQ(req.timeout, 2 * kSecond);
  ASSERT_EQ(req.checks.size(), 2u);
  EXPECT_EQ(req.checks[0].kind, CheckKind::kGrpcStatusIn);
  EXPECT_EQ(req.checks[0].name, "grpc-status in [OK,NOT_FOUND]");
  ResponseView view;
  view.grpc_status = 5;
  EXPECT_TRUE(ResponseInspector(view).passes(req.checks[0]));
  view.grpc_status = 14;
  EXPECT_FALSE(ResponseInspector(view).passes(req.checks[0]));
}

TEST_F(GrpcPlanTest, FullMethodNamesAndTlsUrlsAndTemplatedMessages) {
  LoadResult r = load(R"(    - url: grpcs://example.test:443
      extract: {said: {json: $.text}}
      grpc: {proto: echo.proto, method: perfgate.test.Echo/StreamEcho, message: {text: "x"}}
    - grpc:
        proto: [echo.proto]
        method: perfgate.test.Echo.Say
        message: {text: "{{said}}"}
)");
  ASSERT_TRUE(r.ok()) << errors(r)[0];
  const RequestStep& stream = r.plan.flows[0].steps[0].request;
  EXPECT_EQ(stream.url.render({}), "https://example.test:443/perfgate.test.Echo/StreamEcho");
  EXPECT_EQ(stream.grpc->kind, protocols::grpc::MethodKind::kServerStreaming);
  const RequestStep& say = r.plan.flows[0].steps[1].request;
  EXPECT_TRUE(say.grpc_encode_body);
  // Both steps share one loaded .proto set.
  EXPECT_EQ(stream.grpc->protos, say.grpc->protos);
}

TEST_F(GrpcPlanTest, MistakesHavePositionsInThePlan) {
  LoadResult r = load(R"(    - grpc: {proto: echo.proto, service: perfgate.test.Ech, method: Say}
    - grpc: {proto: echo.proto, service: perfgate.test.Echo, method: Sey}
    - grpc: {proto: echo.proto, service: perfgate.test.Echo, method: Upload}
    - grpc: {proto: echo.proto, method: perfgate.test.Echo/Say, message: {txt: 1}}
    - grpc: {proto: echo.proto, method: perfgate.test.Echo/Say, metadata: {te: x}}
      checks: {grpcStatus: NOT_FUND}
    - url: http://127.0.0.1:9
      grpc: {proto: echo.proto, method: perfgate.test.Echo/Say}
)");
  const auto e = errors(r);
  ASSERT_EQ(e.size(), 7u) << ::testing::PrintToString(e);
  EXPECT_TRUE(e[0].starts_with("t.yaml:4:42: error: unknown gRPC service \"perfgate.test.Ech\""))
      << e[0];
  EXPECT_TRUE(
      e[1].starts_with("t.yaml:5:70: error: service perfgate.test.Echo has no method "
                       "\"Sey\" (hint: its methods: Say,"))
      << e[1];
  EXPECT_NE(e[2].find("t.yaml:6:70: error: perfgate.test.Echo/Upload is client streaming"),
            std::string::npos)
      << e[2];
  EXPECT_TRUE(
      e[3].starts_with("t.yaml:7:74: error: the message does not match "
                       "perfgate.test.EchoRequest"))
      << e[3];
  EXPECT_NE(e[4].find("t.yaml:8:76: error: metadata \"te\" is set by the call itself"),
            std::string::npos)
      << e[4];
  EXPECT_NE(e[5].find("t.yaml:9:28: error: unknown gRPC status \"NOT_FUND\" (hint: did you mean "
                      "\"NOT_FOUND\"?)"),
            std::string::npos)
      << e[5];
  EXPECT_NE(e[6].find("t.yaml:10:12: error: a gRPC step's url must be grpc:// or grpcs://"),
            std::string::npos)
      << e[6];
}

TEST_F(GrpcPlanTest, ABadProtoIsReportedAtItsOwnLineAndColumn) {
  std::ofstream(dir_ / "bad.proto") << "syntax = \"proto3\";\nmessage A {\n  int32 x = ;\n}\n";
  LoadResult r = load(R"(    - grpc: {proto: bad.proto, method: A/B}
    - grpc: {proto: bad.proto, method: A/C}
    - grpc: {proto: missing.proto, method: A/B}
)");
  const auto e = errors(r);
  ASSERT_EQ(e.size(), 2u) << ::testing::PrintToString(e);  // bad.proto is reported once
  const std::string bad = (dir_ / "bad.proto").string();
  EXPECT_TRUE(e[0].starts_with(bad + ":3:13: error: ") || e[1].starts_with(bad + ":3:13: error: "))
      << ::testing::PrintToString(e);
  const std::string missing = (dir_ / "missing.proto").string();
  EXPECT_TRUE(e[0].starts_with(missing) || e[1].starts_with(missing))
      << ::testing::PrintToString(e);
}

}  // namespace
}  // namespace perfgate::plan
