#include "engine/connection.h"

#include <sys/epoll.h>

#include "protocols/http1_session.h"
#include "protocols/http2_session.h"

namespace perfgate::engine {
namespace {

using net::IoStatus;
using results::ErrorClass;

constexpr uint32_t kEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
constexpr uint32_t kPeerClosed = EPOLLRDHUP | EPOLLHUP | EPOLLERR;
// Requests that may wait for an HTTP/2 connection being opened (nghttp2 assumes 100 concurrent
// streams until the server's SETTINGS say otherwise).
constexpr size_t kEarlyStreams = 100;

ErrorClass session_error_class(protocols::SessionError error) {
  switch (error) {
    case protocols::SessionError::kClosedMidResponse:
      return ErrorClass::kClosedMidResponse;
    case protocols::SessionError::kBodyTooLarge:
      return ErrorClass::kBodyTooLarge;
    case protocols::SessionError::kStreamReset:
      return ErrorClass::kStreamReset;
    case protocols::SessionError::kGoaway:
      return ErrorClass::kGoaway;
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
    : context_(context), user_(user), http1_(std::make_unique<protocols::Http1Session>()) {
  in_flight_.reserve(1);
}

Connection::~Connection() { close(); }

void Connection::close_transport() {
  if (transport_ != nullptr) transport_->close();  // also removes the fd from epoll
  origin_key_.clear();
  state_ = State::kClosed;
  session_ = nullptr;
  writing_ = false;
  connect_deadline_ = 0;
}

void Connection::close() {
  close_transport();
  in_flight_.clear();
}

void Connection::abandon(const ConnectionUser& user) {
  for (size_t i = 0; i < in_flight_.size();) {
    if (in_flight_[i].user != &user) {
      ++i;
      continue;
    }
    const protocols::StreamId stream = in_flight_[i].stream;
    in_flight_.erase(in_flight_.begin() + static_cast<ptrdiff_t>(i));
    if (stream != protocols::kNoStream && session_ != nullptr && !session_->cancel(stream)) {
      return close();  // the session cannot drop one request alone
    }
  }
  if (session_ != nullptr && session_->multiplexed()) write_pending(context_.clock.now());
}

bool Connection::serves(const Origin& origin) const {
  return state_ != State::kClosed && open() && origin_key_ == origin.key &&
         version_ == origin.version;
}

bool Connection::accepts(const Origin& origin) const {
  if (state_ == State::kClosed || !open()) return in_flight_.empty();
  if (!serves(origin)) return false;
  size_t waiting = 0;
  for (const InFlight& f : in_flight_) waiting += f.stream == protocols::kNoStream ? 1 : 0;
  if (state_ != State::kReady) {
    return waiting == 0 || (origin.version == plan::HttpVersion::kHttp2 && waiting < kEarlyStreams);
  }
  return session_ != nullptr && session_->reusable() && session_->free_streams() > waiting;
}

void Connection::send(const Origin& origin, const protocols::OutgoingRequest& request,
                      const protocols::ResponseCapture& capture, Nanos timeout, Nanos now,
                      ConnectionUser* user) {
  if (open() && !serves(origin)) {
    close_transport();  // another origin: whatever waited here is abandoned with it
    in_flight_.clear();
  }
  InFlight& f = in_flight_.emplace_back();
  f.user = user != nullptr ? user : &user_;
  f.request = request;
  f.capture = capture;
  f.timeout = timeout;
  f.deadline = now + timeout;
  f.times.queued = now;
  f.times.tls = origin.tls;
  if (state_ == State::kClosed || !open()) {
    origin_ = origin;
    return start_connect(now);
  }
  if (state_ == State::kReady) submit_waiting(now);
}

void Connection::start_connect(Nanos now) {
  const net::TransportFactory* factory = origin_.tls ? context_.tls : context_.tcp;
  if (factory == nullptr) return fail_all(ErrorClass::kTlsHandshake, now);
  if (transport_ == nullptr || transport_tls_ != origin_.tls) {
    transport_ = factory->make();
    transport_tls_ = origin_.tls;
  }
  opening_ = RequestTimes{};
  opening_.connect_start = now;
  for (InFlight& f : in_flight_) f.times.new_connection = true;
  state_ = State::kConnecting;
  connect_deadline_ = now + in_flight_.front().timeout;
  version_ = origin_.version;
  if (origin_.tls) {
    transport_->offer_protocols(origin_.version == plan::HttpVersion::kHttp1 ? net::kAlpnHttp1
                                                                             : net::kAlpnH2Http1);
  }
  const net::IoResult r = transport_->connect(*origin_.address, origin_.server_name);
  if (r.status == IoStatus::kError) return fail_all(r.error, now);
  origin_key_.assign(origin_.key);
  if (!context_.loop.add(transport_->fd(), kEvents, this)) {
    return fail_all(ErrorClass::kConnectError, now);
  }
  if (r.status == IoStatus::kDone) on_connected(now);
}

void Connection::on_connected(Nanos now) {
  opening_.connect_end = now;
  if (!transport_->secure()) return on_ready(now);
  state_ = State::kHandshaking;
  opening_.tls_start = now;
  handshake(now);
}

void Connection::handshake(Nanos now) {
  const net::IoResult r = transport_->handshake();
  if (r.status == IoStatus::kError) return fail_all(r.error, now);
  if (r.status != IoStatus::kDone) return;  // the next readiness event resumes it
  opening_.handshake = true;
  opening_.tls_end = context_.clock.now();
  on_ready(opening_.tls_end);
}

// The connection is up: pick the session, then hand it the requests that waited.
void Connection::on_ready(Nanos now) {
  bool h2 = version_ == plan::HttpVersion::kHttp2;
  if (transport_->secure()) {
    h2 = transport_->negotiated_protocol() == "h2";
    if (!h2 && version_ == plan::HttpVersion::kHttp2) {
      return fail_all(ErrorClass::kHttp2NotNegotiated, now);
    }
  }
  if (h2) {
    http2_ = std::make_unique<protocols::Http2Session>();
    session_ = http2_.get();
    writing_ = true;  // the connection preface and SETTINGS
  } else {
    // A request that failed mid-way leaves the HTTP/1.1 session busy: start a clean one.
    if (http1_->free_streams() == 0) http1_ = std::make_unique<protocols::Http1Session>();
    session_ = http1_.get();
  }
  state_ = State::kReady;
  connect_deadline_ = 0;
  for (InFlight& f : in_flight_) {
    if (!f.times.new_connection) continue;
    f.times.connect_start = opening_.connect_start;
    f.times.connect_end = opening_.connect_end;
    f.times.tls_start = opening_.tls_start;
    f.times.tls_end = opening_.tls_end;
    f.times.handshake = opening_.handshake;
  }
  submit_waiting(now);
  if (state_ == State::kReady && writing_) write_pending(now);
}

// Hands waiting requests to the session while it has free streams, then writes.
void Connection::submit_waiting(Nanos now) {
  bool submitted = false;
  for (size_t i = 0; i < in_flight_.size(); ++i) {
    InFlight& f = in_flight_[i];
    if (f.stream != protocols::kNoStream) continue;
    if (session_->free_streams() == 0) break;
    f.stream = session_->submit(f.request, f.capture);
    if (f.stream == protocols::kNoStream) {
      finish(i, ErrorClass::kInvalidRequest, nullptr, now);
      if (state_ != State::kReady) return;
      i = static_cast<size_t>(-1);  // the list may have changed: start over
      continue;
    }
    f.times.send_start = now;
    f.deadline = now + f.timeout;
    submitted = true;
  }
  if (submitted) {
    writing_ = true;
    // Requests sent from response callbacks go out together, in one write after the last one.
    if (!delivering_) write_pending(now);
  }
}

void Connection::write_pending(Nanos now) {
  if (session_ == nullptr) return;
  for (;;) {
    const std::string_view out = session_->output();
    if (out.empty()) break;
    const net::IoResult r = transport_->write(out.data(), out.size());
    if (r.status == IoStatus::kDone) {
      session_->consume(r.bytes);
      sent_ += static_cast<int64_t>(r.bytes);
      continue;
    }
    if (r.status == IoStatus::kError) return fail_all(r.error, now);
    return;  // kWantWrite (or TLS kWantRead): the next readiness event resumes it
  }
  writing_ = false;
  Nanos written = 0;
  for (InFlight& f : in_flight_) {
    if (f.stream == protocols::kNoStream || f.times.send_end != 0) continue;
    if (!session_->request_sent(f.stream)) continue;
    if (written == 0) written = context_.clock.now();
    f.times.send_end = written;
  }
  // A multiplexed session ends the streams it resets itself (a kept body over its bound) when
  // the reset goes out.
  if (session_->multiplexed() && !delivering_) deliver(now);
}

void Connection::on_io(uint32_t events) {
  const Nanos now = context_.clock.now();
  switch (state_) {
    case State::kConnecting: {
      if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
      const net::IoResult r = transport_->finish_connect();
      if (r.status == IoStatus::kError) return fail_all(r.error, now);
      return on_connected(now);
    }
    case State::kHandshaking:
      return handshake(now);
    case State::kReady:
      if (in_flight_.empty() && !session_->multiplexed()) {
        if (events & (EPOLLIN | kPeerClosed)) drain_idle();
        return;
      }
      if (writing_ || session_->multiplexed()) write_pending(now);
      if (state_ != State::kReady) return;
      // Read on any event: a TLS transport may wait for writability in the middle of a read.
      return read_input(events, now);
    case State::kClosed:
      return;
  }
}

void Connection::read_input(uint32_t events, Nanos now) {
  const bool peer_closed = (events & kPeerClosed) != 0;
  char* buffer = context_.read_buffer;
  const size_t capacity = context_.read_buffer_bytes;
  for (;;) {
    const net::IoResult r = transport_->read(buffer, capacity);
    switch (r.status) {
      case IoStatus::kDone: {
        received_ += static_cast<int64_t>(r.bytes);
        const protocols::FeedResult fed = session_->feed(buffer, r.bytes);
        if (fed == protocols::FeedResult::kError) {
          mark_first_bytes(now);
          return fail_all(session_error_class(session_->error()), now);
        }
        const bool multiplexed = session_->multiplexed();
        if (fed == protocols::FeedResult::kComplete) {
          deliver(now);  // a finished request's first byte came with this read at the latest
          if (!multiplexed || state_ != State::kReady) return;
        }
        mark_first_bytes(now);
        if (multiplexed) {
          submit_waiting(now);
          if (state_ != State::kReady) return;
          write_pending(now);  // acknowledgements, window updates
          if (state_ != State::kReady) return;
        }
        if (r.bytes < capacity && !peer_closed) return;  // drained: the next edge resumes it
        continue;
      }
      case IoStatus::kEof:
        return on_eof(now);
      case IoStatus::kError:
        return fail_all(r.error, now);
      default:
        return;  // kWantRead / kWantWrite
    }
  }
}

// Stamps the requests whose response began with the bytes just read.
void Connection::mark_first_bytes(Nanos now) {
  for (InFlight& f : in_flight_) {
    if (f.times.first_byte == 0 && f.stream != protocols::kNoStream &&
        session_->response_started(f.stream)) {
      f.times.first_byte = now;
    }
  }
}

size_t Connection::find(protocols::StreamId stream) const {
  for (size_t i = 0; i < in_flight_.size(); ++i) {
    if (in_flight_[i].stream == stream) return i;
  }
  return in_flight_.size();
}

// Hands every finished request to its user. A request the server went away without processing
// (GOAWAY) waits for the next connection once, as browsers retry it.
void Connection::deliver(Nanos now) {
  delivering_ = true;
  struct Done {
    bool& flag;
    ~Done() { flag = false; }
  } done{delivering_};
  protocols::StreamEvent event;
  while (session_ != nullptr && session_->next_event(&event)) {
    const size_t i = find(event.stream);
    if (i == in_flight_.size()) continue;  // abandoned
    RequestTimes& t = in_flight_[i].times;
    if (t.first_byte == 0) t.first_byte = now;
    if (session_->multiplexed()) {
      t.bytes_sent += static_cast<int64_t>(event.bytes_sent);
      t.bytes_received += static_cast<int64_t>(event.bytes_received);
      sent_ = received_ = 0;
    }
    if (event.error == protocols::SessionError::kGoaway && !t.retried) {
      t.retried = true;
      t.send_start = t.send_end = t.first_byte = 0;
      in_flight_[i].stream = protocols::kNoStream;
      continue;
    }
    if (event.error != protocols::SessionError::kNone) {
      finish(i, session_error_class(event.error), nullptr, now);
    } else {
      if (!session_->multiplexed() && !session_->reusable()) close_transport();
      finish(i, std::nullopt, event.response, now);
    }
  }
  if (state_ == State::kReady && writing_) write_pending(now);
  if (state_ == State::kReady && !session_->reusable()) reopen_when_drained(now);
}

// A connection that takes no new request closes once its streams are done; requests still
// waiting for it go to a new one.
void Connection::reopen_when_drained(Nanos now) {
  for (const InFlight& f : in_flight_) {
    if (f.stream != protocols::kNoStream) return;
  }
  close_transport();
  if (!in_flight_.empty()) start_connect(now);
}

// Ends request `index` and tells its user; the user may send the next request from here.
void Connection::finish(size_t index, std::optional<ErrorClass> error,
                        const protocols::Response* response, Nanos now) {
  InFlight& f = in_flight_[index];
  RequestTimes times = f.times;
  ConnectionUser* user = f.user;
  times.done = now;
  if (session_ == nullptr || !session_->multiplexed()) {
    times.bytes_sent += sent_;
    times.bytes_received += received_;
    sent_ = received_ = 0;
  }
  in_flight_.erase(in_flight_.begin() + static_cast<ptrdiff_t>(index));
  RequestOutcome outcome;
  outcome.error = error;
  outcome.response = error ? nullptr : response;
  outcome.times = &times;
  user->on_request_done(outcome, now);  // the user may send the next request from here
  if (context_.listener != nullptr) context_.listener->on_request_finished(now);
}

void Connection::on_eof(Nanos now) {
  if (in_flight_.empty()) return close_transport();
  const protocols::FeedResult fed = session_->on_eof();
  if (fed == protocols::FeedResult::kComplete) {
    close_transport();
    return deliver(now);
  }
  if (session_->multiplexed()) {
    // The streams on the wire fail; requests still waiting for a stream go to a new connection.
    const ErrorClass error = fed == protocols::FeedResult::kNeedMore
                                 ? ErrorClass::kClosedMidResponse
                                 : session_error_class(session_->error());
    close_transport();
    for (size_t i = 0; i < in_flight_.size(); ++i) {
      if (in_flight_[i].stream == protocols::kNoStream) continue;
      finish(i, error, nullptr, now);
      i = static_cast<size_t>(-1);  // the list may have changed: start over
    }
    if (state_ == State::kClosed && !in_flight_.empty()) start_connect(now);
    return;
  }
  InFlight& f = in_flight_.front();
  if (fed == protocols::FeedResult::kNeedMore && !session_->multiplexed() &&
      in_flight_.size() == 1 && !f.times.new_connection && !f.times.retried) {
    // A reused keep-alive connection was closed by the server before it saw the request.
    close_transport();
    f.times.retried = true;
    f.stream = protocols::kNoStream;
    return start_connect(now);
  }
  fail_all(fed == protocols::FeedResult::kNeedMore ? ErrorClass::kClosedMidResponse
                                                   : session_error_class(session_->error()),
           now);
}

void Connection::drain_idle() {
  // An idle keep-alive connection became readable: the server closed it, or sent bytes nobody
  // asked for. Either way it cannot carry the next request.
  const net::IoResult r = transport_->read(context_.read_buffer, context_.read_buffer_bytes);
  if (r.status == IoStatus::kWantRead || r.status == IoStatus::kWantWrite) return;
  close_transport();
}

void Connection::fail_all(net::TransportError error, Nanos now) {
  fail_all(error_class(error), now);
}

// The connection failed: every request on it fails with `error`.
void Connection::fail_all(ErrorClass error, Nanos now) {
  close_transport();
  if (in_flight_.size() == 1) return finish(0, error, nullptr, now);
  std::vector<InFlight> failing;
  failing.swap(in_flight_);
  for (InFlight& f : failing) {
    in_flight_.push_back(std::move(f));
    finish(in_flight_.size() - 1, error, nullptr, now);
  }
}

void Connection::check_deadline(Nanos now) {
  if (in_flight_.empty()) return;
  if (state_ == State::kConnecting || state_ == State::kHandshaking) {
    if (connect_deadline_ != 0 && now >= connect_deadline_) {
      fail_all(ErrorClass::kConnectTimeout, now);
    }
    return;
  }
  for (size_t i = 0; i < in_flight_.size(); ++i) {
    if (now < in_flight_[i].deadline) continue;
    const protocols::StreamId stream = in_flight_[i].stream;
    if (stream != protocols::kNoStream && session_ != nullptr && !session_->cancel(stream)) {
      return fail_all(ErrorClass::kRequestTimeout, now);
    }
    finish(i, ErrorClass::kRequestTimeout, nullptr, now);
    if (state_ != State::kReady) return;
    if (session_->multiplexed()) write_pending(now);
    i = static_cast<size_t>(-1);  // the list may have changed: start over
  }
}

}  // namespace perfgate::engine
