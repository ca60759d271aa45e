// Connection: the connection driver — the only engine code that touches a socket. It owns one
// Transport (TCP or TLS) and the protocol Session spoken over it, runs the connection's state
//   closed -> connecting -> (handshaking) -> ready -> closed
// and takes every timestamp of the requests it carries. A user submits a request with send()
// and hears back exactly once through ConnectionUser::on_request_done, with the response or an
// error class.
//
// Requests in flight: a session may carry several at once (multiplexed streams, HTTP/2) or one
// (HTTP/1.1); the driver knows no more of the protocol than that. Requests sent while the
// connection is being opened, or while the session has no free stream, wait in order and go
// out as soon as it takes them (accepts() says whether it would take one now).
//
// The session: over TLS it follows ALPN (h2 -> HTTP/2, anything else -> HTTP/1.1; the offer
// follows Origin::version); over plain TCP it is HTTP/1.1, or HTTP/2 with prior knowledge (h2c)
// when the origin asks for HTTP/2. An origin that requires HTTP/2 over a TLS server that does not
// select h2 fails with http2_not_negotiated.
//
// Keep-alive: the connection stays open after a response that allows it and is reused by the
// next send() to the same origin (scheme, host, port, HTTP version); a send() to another origin
// closes it. When a reused HTTP/1.1 connection turns out to have been closed by the server before
// any byte of the response (the idle-timeout race), the request is re-sent once on a new
// connection, as browsers and k6 do. Bytes that arrive after a complete HTTP/1.1 response, or
// while it is idle, close it; an idle HTTP/2 connection keeps answering PINGs and SETTINGS.
//
// Timeouts: `timeout` bounds the connect (TCP and TLS handshake together, from connect start)
// and then each request (from its send start to its last byte), however the bytes arrive. A
// request that times out on a multiplexed session is cancelled alone (RST_STREAM); on HTTP/1.1
// the connection is closed. Deadlines are checked by the worker's sweep (check_deadline), not by
// a timer per request, so a timeout fires up to one sweep interval late.
//
// When each clock reads (all the worker's Clock; `now` is when the event loop handed this
// connection its readiness event, so one clock read serves a whole event):
//   queued         send() was called (the request may wait for the connection or a stream)
//   connect_start  the socket was created and connect() issued
//   connect_end    the socket reported writable and connected (TCP done)
//   tls_start/tls_end  the handshake began (= connect_end) / SSL_do_handshake returned done
//   send_start     the request was handed to the session (after connect/handshake, when a
//                  stream was free)
//   send_end       the last request byte was accepted by the transport
//   first_byte     the event whose read delivered the response's first bytes
//   done           the event whose read completed the response (or the failure)
//
// Thread-safety: owned by one worker thread. Not movable: epoll holds its address.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "net/address.h"
#include "net/event_loop.h"
#include "net/transport.h"
#include "plan/plan.h"
#include "protocols/session.h"
#include "results/metric_set.h"

namespace perfgate::engine {

// Where a request goes. A connection is reused only for the same `key`.
struct Origin {
  const net::Address* address = nullptr;
  std::string_view key;          // e.g. "https://example.com:443"
  std::string_view server_name;  // the URL's host (TLS: SNI and certificate check)
  bool tls = false;
  plan::HttpVersion version = plan::HttpVersion::kAuto;
};

// The phases of one request, in the worker's Clock nanoseconds (see the header comment).
struct RequestTimes {
  Nanos queued = 0;                          // send() was called
  Nanos connect_start = 0, connect_end = 0;  // set when this request opened the connection
  Nanos tls_start = 0, tls_end = 0;          // set when this request ran a TLS handshake
  Nanos send_start = 0, send_end = 0;
  Nanos first_byte = 0, done = 0;
  bool new_connection = false;  // this request opened (or re-opened) the connection
  bool handshake = false;       // ... and ran a TLS handshake on it
  bool tls = false;             // the request went over TLS
  bool retried = false;         // re-sent once after a stale keep-alive connection
  int64_t bytes_sent = 0;       // request bytes written (application bytes)
  int64_t bytes_received = 0;   // response bytes read (application bytes)
};

struct RequestOutcome {
  std::optional<results::ErrorClass> error;       // set when the request failed
  const protocols::Response* response = nullptr;  // set when it did not
  const RequestTimes* times = nullptr;
};

class ConnectionUser {
 public:
  virtual ~ConnectionUser() = default;
  // Called once per send(), possibly from inside send(). The connection is idle by then and may
  // be given the next request at once. The outcome's pointers are valid during the call.
  virtual void on_request_done(const RequestOutcome& outcome, Nanos now) = 0;
};

// Hears that a request on some connection ended (after its user did), e.g. so that requests
// waiting for a connection can go out.
class ConnectionListener {
 public:
  virtual ~ConnectionListener() = default;
  virtual void on_request_finished(Nanos now) = 0;
};

// What every connection of one worker shares.
struct ConnectionContext {
  net::EventLoop& loop;
  const Clock& clock;
  char* read_buffer;  // scratch for reads; response bytes are parsed in place
  size_t read_buffer_bytes;
  const net::TransportFactory* tcp;
  const net::TransportFactory* tls;  // null when the run has no TLS configuration
  ConnectionListener* listener = nullptr;
};

class Connection final : public net::IoHandler {
 public:
  Connection(ConnectionContext& context, ConnectionUser& user);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends `request` to `origin`; `user` (default: the constructor's) hears the outcome. The
  // request's views stay valid until on_request_done (it may wait, and a retry re-sends it).
  void send(const Origin& origin, const protocols::OutgoingRequest& request,
            const protocols::ResponseCapture& capture, Nanos timeout, Nanos now,
            ConnectionUser* user = nullptr);
  // Fails the requests whose deadline has passed (connect_timeout while connecting or
  // handshaking, request_timeout after). Called by the worker's sweep.
  void check_deadline(Nanos now);
  // Closes the socket. Requests in flight are abandoned without a callback.
  void close();
  // Abandons `user`'s requests without a callback (cancelling their streams); the others go on.
  void abandon(const ConnectionUser& user);

  // Whether any request is in flight or waiting.
  bool busy() const { return !in_flight_.empty(); }
  size_t in_flight() const { return in_flight_.size(); }
  bool open() const { return transport_ != nullptr && transport_->fd() >= 0; }
  // Whether a send() to `origin` would go out now or as soon as the connection being opened is
  // ready, without waiting for another request to end (and without reconnecting elsewhere).
  bool accepts(const Origin& origin) const;
  // Whether the connection is open or being opened to `origin`.
  bool serves(const Origin& origin) const;
  // Whether it is handing finished requests to their users right now (requests sent to it from
  // those callbacks are written together afterwards).
  bool delivering() const { return delivering_; }
  void on_io(uint32_t events) override;

 private:
  enum class State : uint8_t { kClosed, kConnecting, kHandshaking, kReady };
  struct InFlight {
    ConnectionUser* user = nullptr;
    protocols::OutgoingRequest request;
    protocols::ResponseCapture capture;
    protocols::StreamId stream = protocols::kNoStream;  // kNoStream: not handed to the session
    Nanos timeout = 0;
    Nanos deadline = 0;
    RequestTimes times;
  };

  void start_connect(Nanos now);
  void on_connected(Nanos now);
  void handshake(Nanos now);
  void on_ready(Nanos now);
  void submit_waiting(Nanos now);
  void write_pending(Nanos now);
  void read_input(uint32_t events, Nanos now);
  void mark_first_bytes(Nanos now);
  void deliver(Nanos now);
  void reopen_when_drained(Nanos now);
  void on_eof(Nanos now);
  void drain_idle();
  void close_transport();
  void finish(size_t index, std::optional<results::ErrorClass> error,
              const protocols::Response* response, Nanos now);
  void fail_all(results::ErrorClass error, Nanos now);
  void fail_all(net::TransportError error, Nanos now);
  size_t find(protocols::StreamId stream) const;

  ConnectionContext& context_;
  ConnectionUser& user_;
  std::unique_ptr<net::Transport> transport_;
  bool transport_tls_ = false;
  std::unique_ptr<protocols::Session> http1_;  // kept across connections (no state between)
  std::unique_ptr<protocols::Session> http2_;  // made anew for each connection
  protocols::Session* session_ = nullptr;      // the one spoken on the open connection
  std::string origin_key_;                     // where the open connection goes
  plan::HttpVersion version_ = plan::HttpVersion::kAuto;
  Origin origin_;  // of the connection being opened (views valid while requests wait)
  State state_ = State::kClosed;
  bool writing_ = false;     // the session may have bytes to write
  bool delivering_ = false;  // inside deliver(): a nested write does not deliver again
  Nanos connect_deadline_ = 0;
  RequestTimes opening_;             // connect and handshake times of the connection being opened
  int64_t sent_ = 0, received_ = 0;  // bytes not yet credited to a request (single-stream)
  std::vector<InFlight> in_flight_;
};

// The result error class of a transport failure.
results::ErrorClass error_class(net::TransportError error);

}  // namespace perfgate::engine
