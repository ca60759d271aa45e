#include "engine/connection.h"

#include <sys/epoll.h>

#include "protocols/http1_session.h"

namespace perfgate::engine {
namespace {

using net::IoStatus;
using results::ErrorClass;

constexpr uint32_t kEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
constexpr uint32_t kPeerClosed = EPOLLRDHUP | EPOLLHUP | EPOLLERR;

ErrorClass session_error_class(protocols::SessionError error) {
  switch (error) {
    case protocols::SessionError::kClosedMidResponse:
      return ErrorClass::kClosedMidResponse;
    case protocols::SessionError::kBodyTooLarge:
      return ErrorClass::kBodyTooLarge;
    default:
      return ErrorClass::kParseError;
  }
}

}  // namespace

ErrorClass error_class(net::TransportError error) {
  using net::TransportError;
  switch (error) {
    case TransportError::kConnectRefused:
      return ErrorClass::kConnectRefused;
    case TransportError::kConnectTimeout:
      return ErrorClass::kConnectTimeout;
    case TransportError::kReset:
      return ErrorClass::kReset;
    case TransportError::kReadError:
      return ErrorClass::kReadError;
    case TransportError::kWriteError:
      return ErrorClass::kWriteError;
    case TransportError::kTlsUntrusted:
      return ErrorClass::kTlsUntrusted;
    case TransportError::kTlsExpired:
      return ErrorClass::kTlsExpired;
    case TransportError::kTlsHostname:
      return ErrorClass::kTlsHostname;
    case TransportError::kTlsVersion:
      return ErrorClass::kTlsVersion;
    case TransportError::kTlsHandshake:
      return ErrorClass::kTlsHandshake;
    case TransportError::kTlsNotTls:
      return ErrorClass::kTlsNotTls;
    case TransportError::kTlsProtocol:
      return ErrorClass::kTlsError;
    default:
      return ErrorClass::kConnectError;
  }
}

Connection::Connection(ConnectionContext& context, ConnectionUser& user)
    : context_(context), user_(user), session_(std::make_unique<protocols::Http1Session>()) {}

Connection::~Connection() { close(); }

void Connection::close() {
  if (transport_ != nullptr) transport_->close();  // also removes the fd from epoll
  origin_key_.clear();
  state_ = State::kIdle;
  deadline_ = 0;
}

void Connection::send(const Origin& origin, const protocols::OutgoingRequest& request,
                      const protocols::ResponseCapture& capture, Nanos timeout, Nanos now) {
  origin_ = origin;
  timeout_ = timeout;
  times_ = RequestTimes{};
  times_.tls = origin.tls;
  if (!session_->submit(request, capture)) return fail(ErrorClass::kInvalidRequest, now);
  if (open() && origin_key_ != origin.key) close();
  if (!open()) return start_connect(now);
  begin_send(now);
}

void Connection::start_connect(Nanos now) {
  const net::TransportFactory* factory = origin_.tls ? context_.tls : context_.tcp;
  if (factory == nullptr) return fail(ErrorClass::kTlsHandshake, now);
  if (transport_ == nullptr || transport_tls_ != origin_.tls) {
    transport_ = factory->make();
    transport_tls_ = origin_.tls;
  }
  times_.new_connection = true;
  times_.connect_start = now;
  state_ = State::kConnecting;
  deadline_ = now + timeout_;
  const net::IoResult r = transport_->connect(*origin_.address, origin_.server_name);
  if (r.status == IoStatus::kError) return fail(r.error, now);
  origin_key_.assign(origin_.key);
  if (!context_.loop.add(transport_->fd(), kEvents, this)) {
    return fail(ErrorClass::kConnectError, now);
  }
  if (r.status == IoStatus::kDone) on_connected(now);
}

void Connection::on_connected(Nanos now) {
  times_.connect_end = now;
  if (!transport_->secure()) return begin_send(now);
  state_ = State::kHandshaking;
  times_.tls_start = now;
  handshake(now);
}

void Connection::handshake(Nanos now) {
  const net::IoResult r = transport_->handshake();
  if (r.status == IoStatus::kError) return fail(r.error, now);
  if (r.status != IoStatus::kDone) return;  // the next readiness event resumes it
  times_.handshake = true;
  times_.tls_end = context_.clock.now();
  begin_send(times_.tls_end);
}

void Connection::begin_send(Nanos now) {
  state_ = State::kSending;
  times_.send_start = now;
  deadline_ = now + timeout_;
  first_byte_seen_ = false;
  write_pending(now);
}

void Connection::write_pending(Nanos now) {
  for (;;) {
    const std::string_view out = session_->output();
    if (out.empty()) break;
    const net::IoResult r = transport_->write(out.data(), out.size());
    if (r.status == IoStatus::kDone) {
      session_->consume(r.bytes);
      times_.bytes_sent += static_cast<int64_t>(r.bytes);
      continue;
    }
    if (r.status == IoStatus::kError) return fail(r.error, now);
    return;  // kWantWrite (or TLS kWantRead): the next readiness event resumes it
  }
  times_.send_end = context_.clock.now();
  state_ = State::kAwaiting;
}

void Connection::on_io(uint32_t events) {
  const Nanos now = context_.clock.now();
  switch (state_) {
    case State::kConnecting: {
      if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
      const net::IoResult r = transport_->finish_connect();
      if (r.status == IoStatus::kError) return fail(r.error, now);
      return on_connected(now);
    }
    case State::kHandshaking:
      return handshake(now);
    case State::kSending:
      write_pending(now);
      if (state_ != State::kAwaiting) return;
      [[fallthrough]];
    case State::kAwaiting:
      // Read on any event: a TLS transport may wait for writability in the middle of a read.
      return read_response(events, now);
    case State::kIdle:
      if (open() && (events & (EPOLLIN | kPeerClosed))) drain_idle();
      return;
  }
}

void Connection::read_response(uint32_t events, Nanos now) {
  const bool peer_closed = (events & kPeerClosed) != 0;
  char* buffer = context_.read_buffer;
  const size_t capacity = context_.read_buffer_bytes;
  for (;;) {
    const net::IoResult r = transport_->read(buffer, capacity);
    switch (r.status) {
      case IoStatus::kDone: {
        times_.bytes_received += static_cast<int64_t>(r.bytes);
        if (!first_byte_seen_) {
          first_byte_seen_ = true;
          times_.first_byte = now;
        }
        const protocols::FeedResult fed = session_->feed(buffer, r.bytes);
        if (fed == protocols::FeedResult::kComplete) {
          const protocols::Response& response = session_->response();
          return complete(now, response.trailing_bytes || !response.keep_alive);
        }
        if (fed == protocols::FeedResult::kError) {
          return fail(session_error_class(session_->error()), now);
        }
        if (r.bytes < capacity && !peer_closed) return;  // drained: the next edge resumes it
        continue;
      }
      case IoStatus::kEof:
        return on_eof(now);
      case IoStatus::kError:
        return fail(r.error, now);
      default:
        return;  // kWantRead / kWantWrite
    }
  }
}

void Connection::on_eof(Nanos now) {
  const protocols::FeedResult fed = session_->on_eof();
  if (fed == protocols::FeedResult::kComplete) return complete(now, true);
  if (fed == protocols::FeedResult::kNeedMore && !times_.new_connection && !times_.retried) {
    // A reused keep-alive connection was closed by the server before it saw the request.
    close();
    times_.retried = true;
    session_->rewind();
    return start_connect(now);
  }
  fail(fed == protocols::FeedResult::kNeedMore ? ErrorClass::kClosedMidResponse
                                               : session_error_class(session_->error()),
       now);
}

void Connection::drain_idle() {
  // An idle keep-alive connection became readable: the server closed it, or sent bytes nobody
  // asked for. Either way it cannot carry the next request.
  const net::IoResult r = transport_->read(context_.read_buffer, context_.read_buffer_bytes);
  if (r.status == IoStatus::kWantRead || r.status == IoStatus::kWantWrite) return;
  close();
}

void Connection::complete(Nanos now, bool must_close) {
  times_.done = now;
  if (must_close) {
    close();
  } else {
    state_ = State::kIdle;
    deadline_ = 0;
  }
  RequestOutcome outcome;
  outcome.response = &session_->response();
  outcome.times = &times_;
  user_.on_request_done(outcome, now);  // last: the user may send the next request from here
}

void Connection::fail(net::TransportError error, Nanos now) { fail(error_class(error), now); }

void Connection::fail(ErrorClass error, Nanos now) {
  times_.done = now;
  close();
  RequestOutcome outcome;
  outcome.error = error;
  outcome.times = &times_;
  user_.on_request_done(outcome, now);
}

void Connection::check_deadline(Nanos now) {
  if (state_ == State::kIdle || deadline_ == 0 || now < deadline_) return;
  const bool connecting = state_ == State::kConnecting || state_ == State::kHandshaking;
  fail(connecting ? ErrorClass::kConnectTimeout : ErrorClass::kRequestTimeout, now);
}

}  // namespace perfgate::engine
