// Test support: a tiny misbehaving HTTP server on 127.0.0.1:0, one thread, for the failure
// classes the engine must count. Each mode misbehaves the same way on every request.
//
// Thread-safety: construct and destroy on the test thread; the server runs on its own thread.
#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace perfgate::test_support {

enum class Misbehaviour {
  kReset,          // reads the request, then closes with SO_LINGER 0 (an RST)
  kStall,          // reads the request and never answers
  kCloseMidBody,   // promises 100 body bytes, sends 5, closes
  kGarbage,        // answers with bytes that are not HTTP
  kTrailingBytes,  // a complete response followed by bytes nobody asked for, then silence
  kNulHeader,      // a response whose header name holds a NUL byte
  kEndlessBody,    // a chunked response that sends 16 MiB of chunks and never ends
};

class BadServer {
 public:
  explicit BadServer(Misbehaviour mode);
  ~BadServer();
  BadServer(const BadServer&) = delete;
  BadServer& operator=(const BadServer&) = delete;

  std::string url() const;  // "http://127.0.0.1:<port>/"
  int requests_seen() const { return requests_.load(); }
  int connections_seen() const { return connections_.load(); }

 private:
  void serve();
  void on_request(int fd);

  Misbehaviour mode_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace perfgate::test_support
