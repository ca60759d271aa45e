// Connection: one accepted socket of `perfgate serve`: reads requests, answers them in order,
// and keeps whatever could not be written yet.
//
// Contract with the worker: the socket is registered once, edge-triggered, for EPOLLIN |
// EPOLLOUT | EPOLLRDHUP; the connection reads until EAGAIN and writes directly, relying on the
// EPOLLOUT edge only after a write returned EAGAIN. Requests are parsed straight from the
// worker's shared read buffer; only the tail of a request split across reads is copied into the
// connection, so an idle connection holds no buffers at all.
//
// Ordering: while a response is delayed (/delay) or a large body is still being produced, the
// connection parses no further requests and stops reading, so pipelined responses keep their
// order and a client that does not read cannot make the server buffer without bound.
//
// Lifetime: close() only marks the connection; the worker deletes it when its entry points
// return, and not before a pending delay timer has fired (the timer queue holds a pointer).
//
// HTTP/2: a connection that starts with the HTTP/2 client preface (h2c with prior knowledge),
// or whose TLS handshake chose "h2" by ALPN, is handed to an H2Session, which parses frames and
// produces responses; the connection still does all the I/O, and stops reading while
// kMaxPendingOutput bytes wait to be written.
//
// TLS: with an SSL session (perfgate serve --tls) every byte goes through OpenSSL; the handshake
// is driven by the first reads, and OpenSSL's "want read"/"want write" are treated as EAGAIN, which
// is safe because the socket is registered for both edges and every edge runs pump() again.
//
// Thread-safety: owned by one worker; every method runs on that worker's loop thread.
#pragma once

#include <openssl/ssl.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "net/event_loop.h"
#include "server/h2_session.h"
#include "server/request_parser.h"
#include "server/response.h"

namespace perfgate::server {

class Worker;

class Connection final : public net::IoHandler, public net::TimerHandler {
 public:
  // Takes ownership of `fd` and of `ssl` (nullptr for plain TCP).
  Connection(Worker& worker, int fd, SSL* ssl = nullptr);
  ~Connection() override;

  void on_io(uint32_t events) override;
  void on_timer(uint64_t token) override;

  bool closed() const { return fd_ < 0; }
  bool timer_pending() const { return delayed_ || (h2_ != nullptr && h2_->timers_pending()); }

  // Intrusive list of the worker's connections.
  Connection* prev = nullptr;
  Connection* next = nullptr;

 private:
  void pump();
  void pump_h2();
  bool choose_protocol();
  void feed_h2(std::string_view data);
  bool flush();
  bool read_available();
  void consume(std::string_view data);
  size_t serve_requests(std::string_view input);
  bool busy() const;
  void respond(const Request& request);
  void respond_error(const ParseOutcome& outcome);
  void start_stream(const Response& response, bool http10);
  void produce_stream();
  void linger();
  // The socket or TLS session, as recv/send: > 0 bytes, 0 end of input, -1 with errno set
  // (EAGAIN when OpenSSL or the socket must wait for the next edge).
  ssize_t read_some(char* data, size_t size);
  ssize_t write_some(const char* data, size_t size);
  void shutdown_output();
  void close();

  Worker& worker_;
  int fd_;
  SSL* ssl_;
  std::string in_;         // unparsed bytes kept between reads
  size_t scan_from_ = 0;   // parser hint for in_ (no end of head before it)
  bool in_ready_ = false;  // in_ may hold a complete request that was not served yet
  std::string out_;        // response bytes not yet written, from out_pos_ on
  size_t out_pos_ = 0;
  uint64_t stream_offset_ = 0;  // generated body being produced
  uint64_t stream_left_ = 0;
  uint32_t stream_chunk_ = 0;  // chunk size; 0 when the body is not chunked
  bool stream_last_chunk_ = false;
  bool delayed_ = false;  // a /delay timer is pending
  uint64_t timer_token_ = 0;
  std::string delayed_output_;  // the delayed response, ready to send
  bool delayed_close_ = false;
  bool close_after_write_ = false;
  bool peer_eof_ = false;
  bool lingering_ = false;  // output shut down; discarding input until the peer closes
  size_t lingered_bytes_ = 0;
  bool protocol_known_ = false;  // HTTP/1.1 or HTTP/2 decided (from ALPN or the first bytes)
  bool h2_failed_ = false;       // a connection error: send the GOAWAY queued, then close
  std::unique_ptr<H2Session> h2_;
};

}  // namespace perfgate::server
