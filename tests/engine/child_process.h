// Test support: runs the perfgate binary as a child process with its output captured, and
// starts `perfgate serve` on a free port. Every wait is bounded, and children are killed and
// reaped on destruction, so a broken build cannot hang the test suite.
//
// Thread-safety: one object per test.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace perfgate::test_support {

class ChildProcess {
 public:
  // Starts PERFGATE_BINARY with `args`; stdout and stderr go to temporary files.
  explicit ChildProcess(const std::vector<std::string>& args);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  void signal(int sig);
  pid_t pid() const { return pid_; }
  // Waits up to `limit`; returns the exit code, or -1 after killing a child that overran
  // (or 128 + signal for a child killed by a signal).
  int wait(std::chrono::milliseconds limit);
  std::string out() const;  // stdout so far
  std::string err() const;  // stderr so far
  // The first line of stdout, waiting up to `limit` for it ("" if none came).
  std::string first_line(std::chrono::milliseconds limit) const;

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string out_path_;
  std::string err_path_;
};

struct RunOutcome {
  int exit_code;
  std::string out;
  std::string err;
};

// Runs `perfgate <args>` to completion (bounded by `limit`).
RunOutcome run_perfgate(const std::vector<std::string>& args,
                        std::chrono::milliseconds limit = std::chrono::seconds(30));

// `perfgate serve --listen 127.0.0.1:0 --threads N`, stopped on destruction.
class ServeProcess {
 public:
  explicit ServeProcess(int threads = 1);
  const std::string& url() const { return url_; }  // "http://127.0.0.1:<port>", "" on failure
  pid_t pid() const { return child_.pid(); }

 private:
  ChildProcess child_;
  std::string url_;
};

// A port on 127.0.0.1 where nothing listens (bound, then released).
int unused_port();

}  // namespace perfgate::test_support
