// Transport: the byte stream under a protocol session — plain TCP, TLS over TCP, or a
// fault-injecting fake for tests — behind one small contract in the spirit of wrk's net.h.
//
// Every call is non-blocking and answers with an IoStatus:
//   kDone       the step finished (connect/handshake done, or `bytes` were read/written);
//   kWantRead   call again when the fd is readable;
//   kWantWrite  call again when the fd is writable;
//   kEof        the peer closed the stream cleanly (read only);
//   kError      the stream failed; `error` says how (protocol-neutral, mapped to an error
//               class by the connection driver).
// The sequence is connect() -> (finish_connect() after writability) -> handshake() until kDone
// -> any number of read()/write() -> close(). close() may be called at any point and leaves
// the transport reusable for another connect().
//
// A transport owns its socket; the connection driver registers fd() with the event loop once
// per connect (edge-triggered, EPOLLIN|EPOLLOUT|EPOLLRDHUP), so a TLS transport that needs the
// socket writable during a read (renegotiation, KeyUpdate) is woken all the same.
//
// Thread-safety: a transport belongs to the one thread driving its connection. A
// TransportFactory is shared read-only by all worker threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "net/address.h"

namespace perfgate::net {

// ALPN offers in their wire format (length-prefixed names), for Transport::offer_protocols().
inline constexpr std::string_view kAlpnHttp1 = "\x08http/1.1";
inline constexpr std::string_view kAlpnH2Http1 = "\x02h2\x08http/1.1";

enum class IoStatus : uint8_t { kDone, kWantRead, kWantWrite, kEof, kError };

// How a transport failed, before any protocol looked at the bytes.
enum class TransportError : uint8_t {
  kNone,
  kConnectRefused,  // nothing listens there
  kConnectTimeout,  // the kernel gave up connecting (ETIMEDOUT)
  kConnectError,    // any other connect failure (EMFILE, EADDRNOTAVAIL, unreachable...)
  kReset,           // ECONNRESET / EPIPE
  kReadError,       // read failed otherwise
  kWriteError,      // write failed otherwise
  kTlsUntrusted,    // the certificate chain does not lead to a trusted CA
  kTlsExpired,      // a certificate is expired or not yet valid
  kTlsHostname,     // the certificate does not name the host
  kTlsVersion,      // no TLS version in common
  kTlsHandshake,    // any other handshake failure (alert, ciphers, client cert refused...)
  kTlsNotTls,       // the peer answered in plain text (plain HTTP on a TLS port)
  kTlsProtocol,     // a TLS error after the handshake (bad record, unexpected alert)
};

struct IoResult {
  IoStatus status = IoStatus::kDone;
  size_t bytes = 0;  // read(): bytes placed in the buffer; write(): bytes taken
  TransportError error = TransportError::kNone;
  int sys_errno = 0;  // the errno behind a kError, when there was one

  static IoResult done(size_t n = 0) { return {IoStatus::kDone, n}; }
  static IoResult want_read() { return {IoStatus::kWantRead}; }
  static IoResult want_write() { return {IoStatus::kWantWrite}; }
  static IoResult eof() { return {IoStatus::kEof}; }
  static IoResult fail(TransportError e, int sys = 0) { return {IoStatus::kError, 0, e, sys}; }
};

class Transport {
 public:
  virtual ~Transport() = default;

  // Opens a non-blocking socket to `address` and starts connecting. kDone: connected at once;
  // kWantWrite: in progress, call finish_connect() once fd() is writable; kError: failed (no fd).
  // `server_name` is the host as the URL names it (TLS: SNI and the certificate check).
  virtual IoResult connect(const Address& address, std::string_view server_name) = 0;
  // Whether the TCP connect started by connect() succeeded, once fd() became writable.
  virtual IoResult finish_connect() = 0;
  // Secures the stream; kDone at once for plain TCP. Call again on kWantRead/kWantWrite.
  virtual IoResult handshake() = 0;
  virtual IoResult read(char* buffer, size_t capacity) = 0;
  virtual IoResult write(const char* data, size_t size) = 0;
  // Closes the socket (which also removes it from epoll) and forgets the stream's state.
  virtual void close() = 0;

  virtual int fd() const = 0;
  // Whether this transport runs a handshake of its own (TLS), so its time is a phase.
  virtual bool secure() const { return false; }
  // The application protocols the next connect() offers (ALPN wire format; the view must
  // outlive the connection, e.g. kAlpnH2Http1). Ignored by transports without a handshake.
  virtual void offer_protocols(std::string_view /*alpn_wire*/) {}
  // The application protocol the handshake agreed on (ALPN: "h2", "http/1.1"), or "".
  virtual std::string_view negotiated_protocol() const { return {}; }
  // Whether the last handshake resumed an earlier TLS session.
  virtual bool resumed() const { return false; }
};

// Makes one transport per connection slot; the slot reuses it across reconnects.
class TransportFactory {
 public:
  virtual ~TransportFactory() = default;
  virtual std::unique_ptr<Transport> make() const = 0;
};

std::string_view transport_error_name(TransportError error);

}  // namespace perfgate::net
