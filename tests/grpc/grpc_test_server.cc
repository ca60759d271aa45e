#include "grpc_test_server.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace perfgate::test_support {
namespace {

// Reads stdout until "PORT <n>\n" or 20 s.
int read_port(int fd) {
  std::string text;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < end && text.find('\n') == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buffer[256];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  if (!text.starts_with("PORT ")) return 0;
  return std::atoi(text.c_str() + 5);
}

}  // namespace

GrpcTestServer::GrpcTestServer(int workers, std::string tls_cert, std::string tls_key)
    : tls_(!tls_cert.empty()) {
  const std::string script = std::string(PERFGATE_SOURCE_DIR) + "/tests/grpc/grpc_server.py";
  std::vector<std::string> command = {"/usr/bin/python3", script, "--workers",
                                      std::to_string(workers)};
  if (tls_) command.insert(command.end(), {"--tls-cert", tls_cert, "--tls-key", tls_key});
  start(command);
}

GrpcTestServer::GrpcTestServer(const std::vector<std::string>& command) { start(command); }

void GrpcTestServer::start(const std::vector<std::string>& command) {
  int in[2], out[2];
  if (command.empty() || ::pipe(in) != 0 || ::pipe(out) != 0) return;
  std::vector<const char*> argv;
  for (const std::string& arg : command) argv.push_back(arg.c_str());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::close(in[1]);
    ::close(out[0]);
    ::execv(argv[0], const_cast<char* const*>(argv.data()));
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  stdin_fd_ = in[1];
  port_ = pid_ > 0 ? read_port(out[0]) : 0;
  ::close(out[0]);
}

GrpcTestServer::~GrpcTestServer() {
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

}  // namespace perfgate::test_support
