// Test support: a stand-in for InfluxDB 1.x on 127.0.0.1 that answers every request with
// 204 No Content (so `--out influxdb=` accepts it) and remembers each request line, so a test can
// see what perfgate sent. Stops and joins its thread on destruction.
//
// Thread-safety: request_lines() may be called while the server runs.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace perfgate::test_support {

class FakeInflux {
 public:
  FakeInflux();
  ~FakeInflux();
  int port() const { return port_; }
  std::vector<std::string> request_lines() const;

 private:
  void serve(int client);

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
  std::vector<std::thread> clients_;
  std::thread acceptor_;
};

}  // namespace perfgate::test_support
