// Test support: the gRPC server of the gRPC tests (tests/grpc/grpc_server.py, Debian's
// python3-grpcio; or any server program that prints "PORT <n>", such as
// grpc_reflection_server) as a child process on 127.0.0.1 and a free port, stopped and reaped
// on destruction (its stdin is closed and it is sent SIGTERM). Every wait is bounded.
//
// Thread-safety: one object per test.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace perfgate::test_support {

class GrpcTestServer {
 public:
  // With `tls_cert` and `tls_key` (PEM files) the server speaks TLS and url() is grpcs://.
  explicit GrpcTestServer(int workers = 8, std::string tls_cert = "", std::string tls_key = "");
  // Runs `command` (a program's path, then its arguments); url() is grpc://.
  explicit GrpcTestServer(const std::vector<std::string>& command);
  ~GrpcTestServer();
  GrpcTestServer(const GrpcTestServer&) = delete;
  GrpcTestServer& operator=(const GrpcTestServer&) = delete;

  int port() const { return port_; }  // 0 when the server did not start
  std::string url() const {
    return (tls_ ? "grpcs://127.0.0.1:" : "grpc://127.0.0.1:") + std::to_string(port_);
  }
  static std::string proto() { return std::string(PERFGATE_SOURCE_DIR) + "/tests/grpc/echo.proto"; }

 private:
  void start(const std::vector<std::string>& command);

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int port_ = 0;
  bool tls_ = false;
};

}  // namespace perfgate::test_support
