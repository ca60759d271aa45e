// Worker: one thread of `perfgate serve`: an EventLoop, its own SO_REUSEPORT listener, the
// connections it accepted, and the scratch state they share (read buffer, parser, request,
// response), so that per-connection memory stays small.
//
// Thread-safety: run() owns the worker's thread; only stop() may be called from other threads.
// Counters are read by other threads only after run() has returned.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "core/clock.h"
#include "net/event_loop.h"
#include "server/request_parser.h"
#include "server/response.h"
#include "server/router.h"
#include "server/tls_server_context.h"

namespace perfgate::server {

class Connection;

struct WorkerStats {
  uint64_t connections = 0;  // accepted
  uint64_t requests = 0;     // answered, including error responses
};

class Worker {
 public:
  static constexpr size_t kReadBufferBytes = 64 * 1024;

  // Takes ownership of `listen_fd`. With `tls` (which must outlive the worker), every accepted
  // connection speaks TLS.
  Worker(const Router& router, int listen_fd, const TlsServerContext* tls = nullptr);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Serves until stop() is called.
  void run();
  void stop();

  const WorkerStats& stats() const { return stats_; }

  // For connections.
  net::EventLoop& loop() { return loop_; }
  const Router& router() const { return router_; }
  RequestParser& parser() { return parser_; }
  Request& request() { return request_; }
  Response& response() { return response_; }
  std::array<char, kReadBufferBytes>& read_buffer() { return read_buffer_; }
  void count_request() { ++stats_.requests; }
  // Deletes a closed connection (REQUIRES: conn->closed() and no timer pending).
  void destroy(Connection* conn);

 private:
  struct Acceptor final : net::IoHandler {
    Worker* worker = nullptr;
    void on_io(uint32_t events) override;
  };

  void accept_all();
  void adopt(int fd);

  SteadyClock clock_;
  net::EventLoop loop_;
  const Router& router_;
  const TlsServerContext* tls_;
  int listen_fd_;
  int spare_fd_;  // released to shed connections when out of file descriptors
  Acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  Connection* connections_ = nullptr;  // intrusive list head
  RequestParser parser_;
  Request request_;
  Response response_;
  std::array<char, kReadBufferBytes> read_buffer_;
  WorkerStats stats_;
};

}  // namespace perfgate::server
