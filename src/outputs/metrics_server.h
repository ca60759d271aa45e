// MetricsServer: a minimal HTTP/1.1 server on its own thread that answers GET /metrics with a
// body it asks a callback for — enough for a Prometheus scrape, nothing more. One connection at
// a time, "Connection: close", a 2 s deadline per connection so a stuck client cannot hold it
// longer; other paths get 404, other methods 405.
//
// Thread-safety: start/stop from one thread; `body` is called on the server thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/result.h"
#include "outputs/socket_util.h"

namespace perfgate::outputs {

class MetricsServer {
 public:
  using BodyFn = std::function<std::string()>;

  // Binds and listens (errors: address in use, not local...), then serves until stop().
  static Result<std::unique_ptr<MetricsServer>> start(const net::Address& address, BodyFn body);
  ~MetricsServer();

  const net::Address& address() const { return address_; }  // the bound one (port 0 resolved)
  int64_t scrapes() const { return scrapes_.load(); }
  void stop();  // returns within ~50 ms plus at most one connection's deadline

 private:
  MetricsServer(UniqueFd listener, net::Address address, BodyFn body);
  void serve_loop();
  void serve_one(int fd);

  UniqueFd listener_;
  net::Address address_;
  BodyFn body_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> scrapes_{0};
  std::thread thread_;
};

}  // namespace perfgate::outputs
