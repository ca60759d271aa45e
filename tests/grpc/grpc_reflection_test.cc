// gRPC server reflection through the real binary (`reflect: true`, `--reflect`) against
// tests/grpc/grpc_reflection_server.cc (libgrpc++ with its reflection plugin, which answers
// v1alpha only: perfgate asks v1 first and falls back). Every refusal is a plan error before any
// traffic: the server's --calls file stays empty.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "child_process.h"
#include "grpc_test_server.h"

namespace perfgate::test_support {
namespace {

#ifdef PERFGATE_GRPC_REFLECTION_SERVER

class GrpcReflectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("perfgate_grpc_reflect_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    calls_ = (dir_ / "calls.txt").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The server, with reflection unless told otherwise.
  std::unique_ptr<GrpcTestServer> server(bool reflection = true) {
    return std::make_unique<GrpcTestServer>(std::vector<std::string>{
        reflection ? PERFGATE_GRPC_REFLECTION_SERVER : PERFGATE_GRPC_PLAIN_SERVER, "--calls",
        calls_});
  }
  // The Echo calls the server received.
  int calls() const {
    std::ifstream in(calls_);
    int n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }
  std::string plan(const std::string& url, const std::string& grpc, int iterations = 1) {
    const std::string path = (dir_ / "plan.yaml").string();
    std::ofstream(path) << "options: {vus: 1, iterations: " << iterations << ", baseUrl: \"" << url
                        << "\"}\nflows:\n  main:\n    - grpc:\n"
                        << grpc;
    return path;
  }
  nlohmann::json summary() const {
    std::ifstream in(dir_ / "summary.json");
    return in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
  }

  std::filesystem::path dir_;
  std::string calls_;
};

TEST_F(GrpcReflectionTest, APlanTakesItsTypesFromTheServer) {
  auto s = server();
  ASSERT_GT(s->port(), 0);
  const std::string path = plan(s->url(), R"(        reflect: true
        service: perfgate.test.Echo
        method: Say
        message: {text: "hi {{__ITER}}"}
      checks: {grpcStatus: OK, jsonEquals: {$.text: "hi 0"}}
)",
                                1);
  RunOutcome out = run_perfgate({"run", path, "--summary-json", (dir_ / "summary.json").string()},
                                std::chrono::seconds(60));
  EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
  const nlohmann::json doc = summary();
  ASSERT_TRUE(doc.is_object()) << out.out << out.err;
  EXPECT_EQ(doc["metrics"]["checks"].value("passes", -1), 2) << doc.dump();
  EXPECT_EQ(doc["metrics"]["checks"].value("fails", -1), 0) << doc.dump();
  EXPECT_EQ(calls(), 1);
}

TEST_F(GrpcReflectionTest, AOneLinerTakesItsTypesFromTheServer) {
  auto s = server();
  ASSERT_GT(s->port(), 0);
  const std::string summary_path = (dir_ / "summary.json").string();
  RunOutcome out =
      run_perfgate({"run", s->url() + "/perfgate.test.Echo/Say", "--reflect", "--message",
                    R"({"text":"x"})", "-n", "20", "-u", "2", "--summary-json", summary_path},
                   std::chrono::seconds(60));
  EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
  const nlohmann::json doc = summary();
  ASSERT_TRUE(doc.is_object()) << out.out << out.err;
  EXPECT_EQ(doc["metrics"]["http_reqs"].value("count", -1), 20) << out.out;
  EXPECT_EQ(doc["metrics"]["http_req_failed"].value("passes", -1), 0) << out.out;
  EXPECT_EQ(calls(), 20);
}

TEST_F(GrpcReflectionTest, AServerWithoutReflectionIsAPlanError) {
  auto s = server(/*reflection=*/false);
  ASSERT_GT(s->port(), 0);
  const std::string path = plan(s->url(), R"(        reflect: true
        method: perfgate.test.Echo/Say
)");
  RunOutcome out = run_perfgate({"run", path}, std::chrono::seconds(60));
  EXPECT_EQ(out.exit_code, 104) << out.out << out.err;
  EXPECT_NE(out.err.find("plan.yaml:5:18: error: server reflection: the server does not offer "
                         "server reflection"),
            std::string::npos)
      << out.err;
  EXPECT_NE(out.err.find("hint:"), std::string::npos) << out.err;
  RunOutcome one =
      run_perfgate({"run", s->url() + "/perfgate.test.Echo/Say", "--reflect", "-n", "1"},
                   std::chrono::seconds(60));
  EXPECT_NE(one.exit_code, 0);
  EXPECT_NE(one.err.find("does not offer server reflection"), std::string::npos) << one.err;
  EXPECT_EQ(calls(), 0);
}

TEST_F(GrpcReflectionTest, AnUnknownMethodOrServiceIsAPlanError) {
  auto s = server();
  ASSERT_GT(s->port(), 0);
  RunOutcome method = run_perfgate({"run", plan(s->url(), R"(        reflect: true
        service: perfgate.test.Echo
        method: Nope
)")},
                                   std::chrono::seconds(60));
  EXPECT_EQ(method.exit_code, 104) << method.out << method.err;
  EXPECT_NE(method.err.find("plan.yaml:7:17: error: service perfgate.test.Echo has no method "
                            "\"Nope\""),
            std::string::npos)
      << method.err;
  RunOutcome service = run_perfgate({"run", plan(s->url(), R"(        reflect: true
        service: perfgate.test.Nope
        method: Say
)")},
                                    std::chrono::seconds(60));
  EXPECT_EQ(service.exit_code, 104) << service.out << service.err;
  EXPECT_NE(service.err.find("plan.yaml:6:18: error: server reflection: the server's reflection "
                             "does not know service \"perfgate.test.Nope\""),
            std::string::npos)
      << service.err;
  EXPECT_NE(service.err.find("services the server offers: perfgate.test.Echo"), std::string::npos)
      << service.err;
  EXPECT_EQ(calls(), 0);
}

TEST_F(GrpcReflectionTest, AMessageNotOfItsTypeIsAPlanError) {
  auto s = server();
  ASSERT_GT(s->port(), 0);
  RunOutcome out = run_perfgate({"run", plan(s->url(), R"(        reflect: true
        method: perfgate.test.Echo/Say
        message: {txet: hi}
)")},
                                std::chrono::seconds(60));
  EXPECT_EQ(out.exit_code, 104) << out.out << out.err;
  EXPECT_NE(out.err.find("plan.yaml:7:18: error: the message does not match "
                         "perfgate.test.EchoRequest"),
            std::string::npos)
      << out.err;
  RunOutcome one = run_perfgate({"run", s->url() + "/perfgate.test.Echo/Say", "--reflect",
                                 "--message", R"({"text": 1.5})", "-n", "1"},
                                std::chrono::seconds(60));
  EXPECT_NE(one.exit_code, 0);
  EXPECT_NE(one.err.find("--message: the message does not match"), std::string::npos) << one.err;
  EXPECT_EQ(calls(), 0);
}

TEST_F(GrpcReflectionTest, AnUnreachableServerIsAPlanError) {
  RunOutcome out = run_perfgate({"run", plan("grpc://127.0.0.1:1", R"(        reflect: true
        method: perfgate.test.Echo/Say
)")},
                                std::chrono::seconds(60));
  EXPECT_EQ(out.exit_code, 104) << out.out << out.err;
  EXPECT_NE(out.err.find("plan.yaml:5:18: error: server reflection: http://127.0.0.1:1: connect:"),
            std::string::npos)
      << out.err;
  EXPECT_NE(out.err.find("before any traffic"), std::string::npos) << out.err;
}

TEST_F(GrpcReflectionTest, ProtoAndReflectExcludeEachOther) {
  RunOutcome out =
      run_perfgate({"plan", "--check", plan("grpc://127.0.0.1:1", R"(        reflect: true
        proto: echo.proto
        method: perfgate.test.Echo/Say
)")});
  EXPECT_EQ(out.exit_code, 104) << out.out << out.err;
  EXPECT_NE(out.err.find("plan.yaml:6:16: error: grpc.proto and grpc.reflect"), std::string::npos)
      << out.err;
}

#endif  // PERFGATE_GRPC_REFLECTION_SERVER

}  // namespace
}  // namespace perfgate::test_support
