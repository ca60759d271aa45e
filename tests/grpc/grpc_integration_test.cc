// gRPC through the real binary: plans and one-liners checked before any traffic.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "child_process.h"
#include "grpc_test_server.h"

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

}  // namespace
}  // namespace perfgate::test_support
