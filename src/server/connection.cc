#include "server/connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "server/tls_server_context.h"
#include "server/worker.h"

namespace perfgate::server {
namespace {

// Stop parsing pipelined requests while this much output waits for the client to read it.
constexpr size_t kMaxPendingOutput = 256 * 1024;
// Output buffers larger than this are given back once drained, so idle connections stay small.
constexpr size_t kKeepOutputCapacity = 4 * 1024;
// A closing connection discards at most this much further input before it gives up waiting.
constexpr size_t kMaxLingerBytes = 1024 * 1024;

}  // namespace

Connection::Connection(Worker& worker, int fd, SSL* ssl) : worker_(worker), fd_(fd), ssl_(ssl) {}

Connection::~Connection() { close(); }

void Connection::on_io(uint32_t events) {
  if (events & EPOLLERR) {
    close();
  } else if (lingering_) {
    linger();
  } else {
    pump();
  }
  if (closed() && !timer_pending()) worker_.destroy(this);
}

void Connection::on_timer(uint64_t token) {
  if (h2_ != nullptr) {
    h2_->on_timer(token);
    if (!closed()) pump();
  } else if (delayed_ && token == timer_token_) {
    delayed_ = false;
    if (!closed()) {
      out_ += delayed_output_;
      close_after_write_ = delayed_close_;
      delayed_output_.clear();
      in_ready_ = !in_.empty();
      pump();
    }
  }
  if (closed() && !timer_pending()) worker_.destroy(this);
}

bool Connection::busy() const {
  return delayed_ || stream_left_ > 0 || stream_last_chunk_ || close_after_write_ ||
         out_.size() - out_pos_ >= kMaxPendingOutput;
}

// Alternates producing output and writing it; reads only when everything owed is written.
void Connection::pump() {
  while (!closed()) {
    if (h2_ != nullptr) return pump_h2();
    if (stream_left_ > 0 || stream_last_chunk_) {
      produce_stream();
    } else if (in_ready_ && !busy()) {
      in_ready_ = false;
      const size_t used = serve_requests(in_);
      in_.erase(0, used);
    }
    if (!flush()) return;
    if (stream_left_ > 0 || stream_last_chunk_ || (in_ready_ && !busy())) continue;
    if (close_after_write_) return linger();
    if (delayed_) return;
    if (peer_eof_) return close();
    if (!read_available()) return;
  }
}

// Writes out_ until done (true) or the socket is full or failed (false).
bool Connection::flush() {
  while (out_pos_ < out_.size()) {
    const ssize_t n = write_some(out_.data() + out_pos_, out_.size() - out_pos_);
    if (n > 0) {
      out_pos_ += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) close();
      return false;  // EAGAIN: the EPOLLOUT edge resumes us
    }
  }
  out_pos_ = 0;
  if (out_.capacity() > kKeepOutputCapacity) {
    std::string().swap(out_);
  } else {
    out_.clear();
  }
  return true;
}

// One read into the worker's buffer. False when there is nothing more to read for now.
bool Connection::read_available() {
  auto& buffer = worker_.read_buffer();
  const ssize_t n = read_some(buffer.data(), buffer.size());
  if (n > 0) {
    consume(std::string_view(buffer.data(), static_cast<size_t>(n)));
    return true;
  }
  if (n == 0) {
    peer_eof_ = true;  // answer what was asked, then close (pump does it)
    return true;
  }
  if (errno == EINTR) return true;
  if (errno != EAGAIN && errno != EWOULDBLOCK) close();
  return false;
}

void Connection::consume(std::string_view data) {
  if (!protocol_known_) {
    in_.append(data);  // the first bytes of a connection are copied once, to look at them
    data = {};
    if (!choose_protocol()) return;
    if (h2_ != nullptr) {
      std::string first;
      first.swap(in_);
      return feed_h2(first);
    }
  }
  if (h2_ != nullptr) return feed_h2(data);
  if (in_.empty()) {
    // Fast path: serve straight from the shared buffer; keep only an unfinished tail.
    const size_t used = serve_requests(data);
    in_.assign(data.substr(used));
  } else {
    in_.append(data);
    const size_t used = serve_requests(in_);
    in_.erase(0, used);
  }
  if (in_.empty()) std::string().swap(in_);
}

// HTTP/2 when ALPN chose h2, or when the first bytes are the client preface; false while they
// are still only a prefix of it (they wait in in_).
bool Connection::choose_protocol() {
  bool http2 = false;
  if (ssl_ != nullptr) {
    http2 = negotiated_protocol(ssl_) == "h2";
  } else {
    const size_t n = std::min(in_.size(), kHttp2Preface.size());
    http2 = std::string_view(in_).substr(0, n) == kHttp2Preface.substr(0, n);
    if (http2 && n < kHttp2Preface.size()) return false;
  }
  if (http2) h2_ = std::make_unique<H2Session>(worker_, this);
  protocol_known_ = true;
  return true;
}

void Connection::feed_h2(std::string_view data) {
  if (!h2_failed_ && !h2_->receive(data)) h2_failed_ = true;
}

// HTTP/2: nghttp2 decides what to send; this moves the bytes, and reads only when the output
// is written (so a client that does not read stops being read).
void Connection::pump_h2() {
  while (!closed()) {
    if (out_.size() - out_pos_ < kMaxPendingOutput && !h2_->produce(out_, kMaxPendingOutput)) {
      return close();
    }
    if (!flush()) return;
    if (h2_failed_ || h2_->finished()) return linger();
    if (h2_->wants_write()) continue;
    if (peer_eof_) return close();
    if (!read_available()) return;
  }
}

// Serves complete requests from `input` until it runs out or the connection is busy. Returns
// the bytes used; scan_from_ and in_ready_ describe the rest.
size_t Connection::serve_requests(std::string_view input) {
  size_t pos = 0;
  while (!busy() && pos < input.size()) {
    Request& request = worker_.request();
    const ParseOutcome outcome = worker_.parser().parse(input.substr(pos), request, scan_from_);
    if (outcome.status == ParseStatus::kIncomplete) {
      scan_from_ = outcome.scan_from;
      return pos;
    }
    scan_from_ = 0;
    if (outcome.status == ParseStatus::kError) {
      respond_error(outcome);
      return input.size();  // nothing after a malformed request can be trusted
    }
    respond(request);
    pos += outcome.consumed;
  }
  in_ready_ = pos < input.size();
  return pos;
}

// After the last response: stop sending, then read and drop what the client still sends until
// it closes. Closing with unread input would make the kernel send a reset, which can destroy
// the response (e.g. a 431) before the client reads it.
void Connection::linger() {
  if (!lingering_) {
    lingering_ = true;
    shutdown_output();
  }
  auto& buffer = worker_.read_buffer();
  for (;;) {
    const ssize_t n = recv(fd_, buffer.data(), buffer.size(), 0);
    if (n > 0 && (lingered_bytes_ += static_cast<size_t>(n)) <= kMaxLingerBytes) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    return close();  // end of input, an error, or too much input
  }
}

void Connection::close() {
  if (fd_ < 0) return;
  worker_.loop().remove(fd_);
  if (ssl_ != nullptr) SSL_free(ssl_);
  ssl_ = nullptr;
  ::close(fd_);
  fd_ = -1;
}

}  // namespace perfgate::server
