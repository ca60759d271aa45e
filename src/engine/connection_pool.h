// ConnectionPool: a worker's shared connections (`--connections N`), used by all its VUs
// instead of one connection each. A request goes to the next connection (round robin) that takes
// it now — a free stream on a multiplexed (HTTP/2) connection, an idle HTTP/1.1 one, or one not
// yet open — or else to an idle connection open to another origin (closed and reopened for this
// one), and otherwise waits, first come first served, until a request on any connection
// ends. The wait counts as http_req_blocked (the VU measures it from its send()); a request that
// waits longer than its timeout fails with request_timeout.
//
// `-u 500 --connections 50` is h2load's `-c 50 -m 10`: 500 requests in flight over 50 HTTP/2
// connections, each carrying at most the server's SETTINGS_MAX_CONCURRENT_STREAMS.
//
// Thread-safety: owned by one worker thread.
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "engine/connection.h"

namespace perfgate::engine {

class ConnectionPool final : public ConnectionListener {
 public:
  // `context.listener` must be this pool (set by the caller before any send).
  ConnectionPool(ConnectionContext& context, size_t connections);
  ~ConnectionPool() override;

  // Sends for `user`, now or when a connection takes it. `request`'s views stay valid until
  // user's on_request_done.
  void send(ConnectionUser& user, const Origin& origin, const protocols::OutgoingRequest& request,
            const protocols::ResponseCapture& capture, Nanos timeout, Nanos now);
  // Forgets `user`'s requests, waiting or in flight, without a callback.
  void abandon(const ConnectionUser& user);
  // Fails requests past their deadline (waiting ones with request_timeout).
  void check_deadline(Nanos now);
  void close_all();
  size_t waiting() const { return waiting_.size(); }

  // ConnectionListener: a request ended somewhere; hand waiting ones to free connections.
  void on_request_finished(Nanos now) override;

 private:
  struct Waiting {
    ConnectionUser* user;
    Origin origin;
    protocols::OutgoingRequest request;
    protocols::ResponseCapture capture;
    Nanos timeout;
    Nanos since;
  };
  Connection* pick(const Origin& origin);
  void dispatch(Nanos now);

  ConnectionContext& context_;
  std::vector<std::unique_ptr<Connection>> connections_;
  size_t next_ = 0;  // round robin
  std::deque<Waiting> waiting_;
  bool dispatching_ = false;
};

}  // namespace perfgate::engine
