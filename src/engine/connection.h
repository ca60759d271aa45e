// Connection: the connection driver — the only engine code that touches a socket. It owns one
// Transport (TCP or TLS) and one protocol Session, runs the state machine
//   idle -> connecting -> (handshaking) -> sending -> awaiting the response -> idle
// and takes every timestamp of a request. A VU submits a request with send() and hears back
// exactly once through ConnectionUser::on_request_done, with the response or an error class.
//
// Keep-alive: the connection stays open after a response that allows it and is reused by the
// next send() to the same origin (scheme, host, port); a send() to another origin closes it.
// When a reused connection turns out to have been closed by the server before any byte of the
// response (the idle-timeout race), the request is re-sent once on a new connection, as
// browsers and k6 do. Bytes that arrive after a complete response, or while idle, close it.
//
// Timeouts: `timeout` bounds the connect (TCP and TLS handshake together, from connect start)
// and then the request (from the first byte sent to the last byte received), however the bytes
// arrive. Deadlines are checked by the worker's sweep (check_deadline), not by a timer per
// request, so a timeout fires up to one sweep interval late.
//
// When each clock reads (all the worker's Clock; `now` is when the event loop handed this
// connection its readiness event, so one clock read serves a whole event):
//   connect_start  the socket was created and connect() issued
//   connect_end    the socket reported writable and connected (TCP done)
//   tls_start/tls_end  the handshake began (= connect_end) / SSL_do_handshake returned done
//   send_start     the first request byte is about to be written (after connect/handshake)
//   send_end       the last request byte was accepted by the transport
//   first_byte     the event whose read returned the response's first bytes
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
#include "protocols/session.h"
#include "results/metric_set.h"

namespace perfgate::engine {

// Where a request goes. A connection is reused only for the same `key`.
struct Origin {
  const net::Address* address = nullptr;
  std::string_view key;          // e.g. "https://example.com:443"
  std::string_view server_name;  // the URL's host (TLS: SNI and certificate check)
  bool tls = false;
};

// The phases of one request, in the worker's Clock nanoseconds (see the header comment).
struct RequestTimes {
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

// What every connection of one worker shares.
struct ConnectionContext {
  net::EventLoop& loop;
  const Clock& clock;
  char* read_buffer;  // scratch for reads; response bytes are parsed in place
  size_t read_buffer_bytes;
  const net::TransportFactory* tcp;
  const net::TransportFactory* tls;  // null when the run has no TLS configuration
};

class Connection final : public net::IoHandler {
 public:
  Connection(ConnectionContext& context, ConnectionUser& user);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends `request` to `origin`. REQUIRES: !busy(); `request`'s views stay valid until
  // on_request_done (a retry re-sends the bytes the session keeps).
  void send(const Origin& origin, const protocols::OutgoingRequest& request,
            const protocols::ResponseCapture& capture, Nanos timeout, Nanos now);
  // Fails the request in flight when its deadline has passed (connect_timeout while connecting
  // or handshaking, request_timeout after). Called by the worker's sweep.
  void check_deadline(Nanos now);
  // Closes the socket. A request in flight is abandoned without a callback.
  void close();

  bool busy() const { return state_ != State::kIdle; }
  bool open() const { return transport_ != nullptr && transport_->fd() >= 0; }
  void on_io(uint32_t events) override;

 private:
  enum class State : uint8_t { kIdle, kConnecting, kHandshaking, kSending, kAwaiting };

  void start_connect(Nanos now);
  void on_connected(Nanos now);
  void handshake(Nanos now);
  void begin_send(Nanos now);
  void write_pending(Nanos now);
  void read_response(uint32_t events, Nanos now);
  void on_eof(Nanos now);
  void drain_idle();
  void complete(Nanos now, bool must_close);
  void fail(results::ErrorClass error, Nanos now);
  void fail(net::TransportError error, Nanos now);

  ConnectionContext& context_;
  ConnectionUser& user_;
  std::unique_ptr<net::Transport> transport_;
  bool transport_tls_ = false;
  std::unique_ptr<protocols::Session> session_;
  std::string origin_key_;  // where the open connection goes
  Origin origin_;           // of the request in flight (views valid until it ends)
  State state_ = State::kIdle;
  bool first_byte_seen_ = false;
  Nanos timeout_ = 0;
  Nanos deadline_ = 0;
  RequestTimes times_;
};

// The result error class of a transport failure.
results::ErrorClass error_class(net::TransportError error);

}  // namespace perfgate::engine
