// The worker's per-connection I/O: connect, write the request, read and parse the response,
// record the result. See worker.h for the syscall pattern and the meaning of each timestamp.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "engine/worker.h"
#include "net/socket.h"

namespace perfgate::engine {
namespace {

using results::ErrorClass;
using results::Trend;

constexpr uint32_t kEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
constexpr uint32_t kReadable = EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR;
constexpr int kMaxNesting = 4;

ErrorClass classify_connect_errno(int error) {
  switch (error) {
    case ECONNREFUSED:
      return ErrorClass::kConnectRefused;
    case ETIMEDOUT:
      return ErrorClass::kConnectTimeout;
    case ECONNRESET:
      return ErrorClass::kReset;
    default:
      return ErrorClass::kConnectError;
  }
}

int64_t micros(Nanos duration) { return (std::max<Nanos>(duration, 0) + 500) / kNanosPerMicro; }

}  // namespace

void Vu::on_io(uint32_t events) { worker->on_io(*this, events); }

void Worker::on_io(Vu& vu, uint32_t events) {
  const Nanos now = clock_.now();
  switch (vu.state) {
    case Vu::State::kConnecting:
      on_connect_ready(vu, events, now);
      return;
    case Vu::State::kSending:
      send_request(vu, now);
      if (vu.state != Vu::State::kAwaitingResponse || (events & kReadable) == 0) return;
      [[fallthrough]];
    case Vu::State::kAwaitingResponse:
      if (events & kReadable) read_response(vu, events, now);
      return;
    default:
      if (vu.fd >= 0 && (events & kReadable)) drain_idle(vu);
      return;
  }
}

void Worker::begin_iteration(Vu& vu, Nanos scheduled, Nanos now) {
  vu.in_iteration = true;
  ++busy_;
  vu.scheduled = scheduled;
  vu.picked_up = now;
  vu.retried = false;
  ++nesting_;
  if (vu.fd < 0) {
    start_connect(vu, now);
  } else {
    vu.fresh_connection = false;
    vu.written = 0;
    send_request(vu, now);
  }
  --nesting_;
}

void Worker::start_connect(Vu& vu, Nanos now) {
  const net::Address& target = config_.target;
  const int fd = ::socket(target.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(vu, ErrorClass::kConnectError, now);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  vu.connect_start = now;
  vu.fresh_connection = true;
  vu.written = 0;
  const int rc = ::connect(fd, target.sockaddr_ptr(), target.length);
  if (rc != 0 && errno != EINPROGRESS) {
    const int error = errno;
    ::close(fd);
    return fail(vu, classify_connect_errno(error), now);
  }
  vu.fd = fd;
  if (!loop_.add(fd, kEvents, &vu)) return fail(vu, ErrorClass::kConnectError, now);
  vu.state = Vu::State::kConnecting;
  vu.deadline = now + config_.timeout;
  if (rc == 0) on_connect_ready(vu, EPOLLOUT, now);
}

void Worker::on_connect_ready(Vu& vu, uint32_t events, Nanos now) {
  const int error = net::connect_error(vu.fd);
  if (error != 0) return fail(vu, classify_connect_errno(error), now);
  if ((events & EPOLLOUT) == 0) {
    if (events & (EPOLLERR | EPOLLHUP)) fail(vu, ErrorClass::kConnectError, now);
    return;
  }
  vu.connect_end = now;
  send_request(vu, now);
}

void Worker::send_request(Vu& vu, Nanos now) {
  if (vu.state != Vu::State::kSending) {
    vu.state = Vu::State::kSending;
    vu.send_start = now;
    vu.deadline = now + config_.timeout;
  }
  const std::string& request = config_.request;
  while (vu.written < request.size()) {
    const ssize_t n =
        ::send(vu.fd, request.data() + vu.written, request.size() - vu.written, MSG_NOSIGNAL);
    if (n > 0) {
      vu.written += static_cast<uint32_t>(n);
      metrics().data_sent += n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // EPOLLOUT resumes it
    const bool reset = errno == EPIPE || errno == ECONNRESET;
    return fail(vu, reset ? ErrorClass::kReset : ErrorClass::kWriteError, now);
  }
  vu.send_end = clock_.now();
  vu.state = Vu::State::kAwaitingResponse;
  vu.first_byte_seen = false;
  vu.parser.start(config_.head_request);
}

void Worker::read_response(Vu& vu, uint32_t events, Nanos now) {
  char* buffer = read_buffer_.get();
  // A short read drains the socket; only a close (which raises no further edge once seen) must
  // be read to the end.
  const bool peer_closed = (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
  while (true) {
    const ssize_t n = ::read(vu.fd, buffer, kReadBufferBytes);
    if (n > 0) {
      metrics().data_received += n;
      if (!vu.first_byte_seen) {
        vu.first_byte_seen = true;
        vu.first_byte = now;
      }
      const auto progress = vu.parser.feed(buffer, static_cast<size_t>(n));
      using Event = protocols::Http1ResponseParser::Event;
      if (progress.event == Event::kComplete) {
        // Bytes after the response were never asked for: the stream cannot be trusted.
        return complete(vu, now, progress.consumed < static_cast<size_t>(n));
      }
      if (progress.event == Event::kError) return fail(vu, ErrorClass::kParseError, now);
      if (static_cast<size_t>(n) < kReadBufferBytes && !peer_closed) return;  // next edge resumes
      continue;
    }
    if (n == 0) return on_eof(vu, now);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    return fail(vu, errno == ECONNRESET ? ErrorClass::kReset : ErrorClass::kReadError, now);
  }
}

void Worker::on_eof(Vu& vu, Nanos now) {
  using Event = protocols::Http1ResponseParser::Event;
  const Event event = vu.parser.finish_on_close();
  if (event == Event::kComplete) return complete(vu, now, true);
  if (event == Event::kNeedMore && !vu.fresh_connection && !vu.retried) {
    // A reused keep-alive connection was closed by the server before it saw our request (an
    // idle-timeout race): re-send once on a new connection, as browsers and k6 do.
    close_connection(vu);
    vu.retried = true;
    return start_connect(vu, now);
  }
  fail(vu, ErrorClass::kClosedMidResponse, now);
}

void Worker::drain_idle(Vu& vu) {
  // An idle keep-alive connection became readable: the server closed it (or sent bytes nobody
  // asked for). Either way it cannot carry the next request.
  char* buffer = read_buffer_.get();
  const ssize_t n = ::read(vu.fd, buffer, kReadBufferBytes);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
  if (n > 0) metrics().data_received += n;
  close_connection(vu);
}

void Worker::complete(Vu& vu, Nanos now, bool must_close) {
  results::MetricSet& m = metrics();
  const int status = vu.parser.status_code();
  ++m.http_reqs;
  ++m.statuses[static_cast<size_t>(std::min(status, 999))];
  if (status >= 400) {
    ++m.failed_requests;
    m.count_error(status >= 500 ? ErrorClass::kHttp5xx : ErrorClass::kHttp4xx);
  }
  const bool open = scheduler_.has_value();
  m.trend(Trend::kBlocked).record(micros(vu.picked_up - vu.scheduled));
  m.trend(Trend::kConnecting)
      .record(vu.fresh_connection ? micros(vu.connect_end - vu.connect_start) : 0);
  m.trend(Trend::kSending).record(micros(vu.send_end - vu.send_start));
  m.trend(Trend::kWaiting).record(micros(vu.first_byte - vu.send_end));
  m.trend(Trend::kReceiving).record(micros(now - vu.first_byte));
  m.trend(Trend::kDurationUncorrected).record(micros(now - vu.send_start));
  m.trend(Trend::kDuration).record(micros(now - (open ? vu.scheduled : vu.send_start)));
  if (open) m.trend(Trend::kScheduleLag).record(micros(vu.send_start - vu.scheduled));
  m.trend(Trend::kIterationDuration).record(micros(now - vu.scheduled));
  if (must_close || !vu.parser.keep_alive()) close_connection(vu);
  end_iteration(vu, now, false);
}

void Worker::fail(Vu& vu, ErrorClass error, Nanos now) {
  results::MetricSet& m = metrics();
  ++m.http_reqs;
  ++m.failed_requests;
  ++m.statuses[0];
  m.count_error(error);
  close_connection(vu);
  const bool connect_failed =
      error == ErrorClass::kConnectRefused || error == ErrorClass::kConnectTimeout ||
      error == ErrorClass::kConnectError || vu.state == Vu::State::kConnecting;
  end_iteration(vu, now, connect_failed);
}

void Worker::end_iteration(Vu& vu, Nanos now, bool connect_failed) {
  ++metrics().iterations;
  vu.in_iteration = false;
  --busy_;
  vu.deadline = 0;
  vu.state = Vu::State::kIdle;
  if (scheduler_) {  // open model: the loop hands this VU the next due arrival
    idle_.push_back(&vu);
    return;
  }
  if (stopping_) return;
  if (connect_failed || nesting_ >= kMaxNesting) {
    // Pause until the next sweep so a down target does not turn the VU into a busy loop.
    vu.state = Vu::State::kBackoff;
    vu.deadline = now + 1;
    return;
  }
  if (claim_request()) begin_iteration(vu, now, now);
}

void Worker::close_connection(Vu& vu) {
  if (vu.fd < 0) return;
  ::close(vu.fd);  // also removes it from epoll: the fd is never dup'ed
  vu.fd = -1;
}

}  // namespace perfgate::engine
