// FlowVu: iterations, steps and requests of one plan VU; see flow_vu.h. The I/O pattern follows
// the one-liner's Worker (worker_io.cc): non-blocking connect, write right after rendering,
// edge-triggered reads into the worker's buffer; timeouts are per-request timers here.
#include "engine/flow_vu.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "engine/plan_worker.h"
#include "engine/scenario_driver.h"
#include "net/socket.h"
#include "plan/runtime.h"

namespace perfgate::engine {
namespace {

using results::ErrorClass;

constexpr uint32_t kEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
constexpr uint32_t kReadable = EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR;

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

}  // namespace

FlowVu::FlowVu(PlanWorker& worker, ScenarioDriver& driver, int64_t number)
    : worker_(worker), driver_(driver), number_(number) {
  const plan::Plan& plan = worker.shared().plan;
  const plan::Scenario& scenario = driver.scenario();
  rng_.seed(static_cast<uint64_t>(number) * 0x9E3779B97F4A7C15ULL + driver.scenario_index());
  vars_.resize(plan.variables.size());
  for (size_t slot = 0; slot < plan.variables.size(); ++slot) {
    const plan::Variable& v = plan.variables[slot];
    if (v.constant) vars_[slot] = *v.constant;
    if (auto it = scenario.env.find(v.name); it != scenario.env.end()) vars_[slot] = it->second;
  }
}

FlowVu::~FlowVu() { close_connection(); }

uint64_t FlowVu::arm(Nanos at) {
  timer_ = worker_.loop().schedule(at, this);
  return timer_;
}

void FlowVu::start_at(Nanos at) {
  state_ = State::kWaitingStart;
  worker_.vu_busy(+1);
  arm(at);
}

void FlowVu::on_timer(uint64_t token) {
  if (token != timer_) return;
  timer_ = 0;
  const Nanos now = worker_.clock().now();
  switch (state_) {
    case State::kWaitingStart:
      worker_.vu_busy(-1);
      state_ = State::kIdle;
      start_iteration(now, now);
      return;
    case State::kThinking:
      ++step_;
      next_step(now);
      return;
    case State::kConnecting:
      fail(ErrorClass::kConnectTimeout, now);
      return;
    case State::kSending:
    case State::kAwaitingResponse:
      fail(ErrorClass::kRequestTimeout, now);
      return;
    case State::kIdle:
      return;
  }
}

void FlowVu::load_row_variables() {
  const plan::Plan& plan = worker_.shared().plan;
  const plan::Flow& flow = plan.flows[flow_];
  if (flow.feeders.empty()) return;
  const uint64_t sequence = worker_.shared().sequence[driver_.scenario_index()].fetch_add(1);
  for (size_t feeder_index : flow.feeders) {
    const plan::Feeder& feeder = plan.feeders[feeder_index];
    if (feeder.rows.empty()) continue;
    const auto& row = feeder.rows[plan::pick_row(feeder, number_, sequence, rng_)];
    for (size_t slot = 0; slot < plan.variables.size(); ++slot) {
      for (const auto& [f, column] : plan.variables[slot].feeder_columns) {
        if (f == feeder_index && column < row.size()) vars_[slot] = row[column];
      }
    }
  }
}

void FlowVu::start_iteration(Nanos scheduled, Nanos now) {
  const plan::Scenario& scenario = driver_.scenario();
  flow_ = scenario.flows[plan::pick_flow(scenario.flows, rng_)].flow;
  step_ = 0;
  iteration_scheduled_ = scheduled;
  picked_up_ = now;
  first_request_ = true;
  group_starts_.clear();
  if (!worker_.shared().plan.options.no_cookies_reset) cookies_.clear();
  worker_.vu_busy(+1);
  state_ = State::kThinking;  // "between steps" until a step sets its own state
  {
    const size_t second =
        static_cast<size_t>(std::max<Nanos>(now - worker_.shared().start, 0) / kNanosPerSecond);
    auto& starts = worker_.metrics().starts_by_second;
    if (starts.size() <= second) starts.resize(second + 1);
    ++starts[second];
  }
  load_row_variables();
  next_step(now);
}

void FlowVu::next_step(Nanos now) {
  const std::vector<FlatStep>& steps = worker_.shared().index.flows[flow_];
  while (step_ < steps.size()) {
    const FlatStep& step = steps[step_];
    switch (step.kind) {
      case FlatStep::Kind::kRequest:
        return begin_request(step, now);
      case FlatStep::Kind::kThink: {
        const Nanos think = plan::sample_think(*step.think, rng_);
        if (think <= 0) break;
        state_ = State::kThinking;
        arm(now + think);
        return;
      }
      case FlatStep::Kind::kGroupBegin:
        group_starts_.push_back(now);
        break;
      case FlatStep::Kind::kGroupEnd: {
        worker_.metrics().group_duration.record((now - group_starts_.back()) / kNanosPerMicro);
        group_starts_.pop_back();
        break;
      }
    }
    ++step_;
  }
  finish_iteration(now);
}

void FlowVu::end_iteration(Nanos now, bool backoff) {
  state_ = State::kIdle;
  ++iteration_;
  worker_.vu_busy(-1);
  driver_.on_iteration_done(*this, now, backoff);
}

void FlowVu::abort() {
  if (state_ == State::kIdle) return;
  timer_ = 0;
  close_connection();
  worker_.vu_busy(-1);
  state_ = State::kIdle;
}

plan::RenderContext FlowVu::render_context() {
  plan::RenderContext context{vars_, number_, iteration_, 0, &rng_};
  context.unix_millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  return context;
}

bool FlowVu::render_request(const FlatStep& step, const net::Address** address) {
  const plan::RequestStep& req = *step.request;
  const plan::RenderContext context = render_context();
  if (step.literal_url) {
    current_url_ = step.url;
  } else {
    url_.clear();
    req.url.render(context, url_);
    auto result = protocols::parse_http_url(url_);
    if (!result) return false;
    current_url_ = std::move(*result);
  }
  method_ = req.method;
  body_.clear();
  req.body.render(context, body_);
  return build_request(step, context, address);
}

// The request bytes for current_url_, method_ and body_ with the step's headers and the jar's
// cookies; false when the host was not resolved before the run or a header would inject a line.
bool FlowVu::build_request(const FlatStep& step, const plan::RenderContext& context,
                           const net::Address** address) {
  const plan::RequestStep& req = *step.request;
  const protocols::HttpUrl* url = &current_url_;
  value_ = host_key(*url);
  const auto& hosts = worker_.shared().index.hosts;
  auto it = hosts.find(value_);
  if (it == hosts.end()) return false;  // only hosts resolved before the run are reachable
  *address = &it->second;
  if (fd_ >= 0 && connection_key_ != value_) close_connection();
  connection_key_ = value_;

  request_.clear();
  request_.append(method_).append(" ").append(url->target).append(" HTTP/1.1\r\nHost: ");
  request_.append(url->authority).append("\r\n");
  bool user_agent = false, cookie = false;
  cookie_host_ = url->host;
  cookie_path_.assign(url->target, 0, url->target.find('?'));
  for (const plan::Header& h : req.headers) {
    value_.clear();
    h.value.render(context, value_);
    if (value_.find_first_of("\r\n") != std::string::npos) return false;  // header injection
    user_agent |= strcasecmp(h.name.c_str(), "User-Agent") == 0;
    if (strcasecmp(h.name.c_str(), "Cookie") == 0 && !cookie) {
      cookie = true;
      render_cookie_header(*url, context.unix_millis, &value_);
    }
    request_.append(h.name).append(": ").append(value_).append("\r\n");
  }
  if (!cookie && !cookies_.empty()) {
    value_.clear();
    render_cookie_header(*url, context.unix_millis, &value_);
    if (!value_.empty()) request_.append("Cookie: ").append(value_).append("\r\n");
  }
  if (!user_agent)
    request_.append("User-Agent: ").append(worker_.shared().user_agent).append("\r\n");
  if (!body_.empty() || method_ == "POST" || method_ == "PUT" || method_ == "PATCH") {
    request_.append("Content-Length: ").append(std::to_string(body_.size())).append("\r\n");
  }
  request_.append("\r\n").append(body_);
  head_ = method_ == "HEAD";
  return true;
}

// Appends the jar's cookies for `url` to `out`, which holds the step's own Cookie value or is
// empty; the step's own cookies win over the jar's of the same name.
void FlowVu::render_cookie_header(const protocols::HttpUrl& url, int64_t unix_millis,
                                  std::string* out) {
  if (cookies_.empty()) return;
  jar_value_.clear();
  cookies_.append_header_value(url.host, cookie_path_, /*secure=*/false, unix_millis / 1000, *out,
                               jar_value_);
  out->append(jar_value_);
}

void FlowVu::begin_request(const FlatStep& step, Nanos now) {
  const net::Address* address = nullptr;
  request_scheduled_ = first_request_ && driver_.open_model() ? iteration_scheduled_ : now;
  keep_bytes_ = step.needs_body;
  redirects_ = 0;
  if (!render_request(step, &address)) return fail(ErrorClass::kConnectError, now);
  dispatch(*address, now);
}

// Sends request_ to `address`: on the open keep-alive connection, or a new one.
void FlowVu::dispatch(const net::Address& address, Nanos now) {
  retried_ = false;
  address_ = &address;
  if (fd_ < 0) return start_connect(address, now);
  fresh_connection_ = false;
  send_request(now);
}

void FlowVu::start_connect(const net::Address& target, Nanos now) {
  const int fd = ::socket(target.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(ErrorClass::kConnectError, now);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  connect_start_ = now;
  fresh_connection_ = true;
  const int rc = ::connect(fd, target.sockaddr_ptr(), target.length);
  if (rc != 0 && errno != EINPROGRESS) {
    const int error = errno;
    ::close(fd);
    return fail(classify_connect_errno(error), now);
  }
  fd_ = fd;
  if (!worker_.loop().add(fd, kEvents, this)) return fail(ErrorClass::kConnectError, now);
  state_ = State::kConnecting;
  arm(now + worker_.shared().timeout);
  if (rc == 0) on_connect_ready(EPOLLOUT, now);
}

void FlowVu::on_io(uint32_t events) {
  const Nanos now = worker_.clock().now();
  switch (state_) {
    case State::kConnecting:
      return on_connect_ready(events, now);
    case State::kSending:
      send_request(now);
      if (state_ != State::kAwaitingResponse || (events & kReadable) == 0) return;
      [[fallthrough]];
    case State::kAwaitingResponse:
      if (events & kReadable) read_response(events, now);
      return;
    default:
      // An idle keep-alive connection that the server closed: drop it, reconnect on next use.
      if (fd_ >= 0 && (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))) close_connection();
      return;
  }
}

void FlowVu::on_connect_ready(uint32_t events, Nanos now) {
  const int error = net::connect_error(fd_);
  if (error != 0) return fail(classify_connect_errno(error), now);
  if ((events & EPOLLOUT) == 0) {
    if (events & (EPOLLERR | EPOLLHUP)) fail(ErrorClass::kConnectError, now);
    return;
  }
  connect_end_ = now;
  send_request(now);
}

void FlowVu::send_request(Nanos now) {
  if (state_ != State::kSending) {
    state_ = State::kSending;
    send_start_ = now;
    written_ = 0;
    const Nanos timeout = worker_.shared().index.flows[flow_][step_].request->timeout;
    arm(now + (timeout > 0 ? timeout : worker_.shared().timeout));
  }
  while (written_ < request_.size()) {
    const ssize_t n =
        ::send(fd_, request_.data() + written_, request_.size() - written_, MSG_NOSIGNAL);
    if (n > 0) {
      written_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    const bool reset = errno == EPIPE || errno == ECONNRESET;
    return fail(reset ? ErrorClass::kReset : ErrorClass::kWriteError, now);
  }
  send_end_ = worker_.clock().now();
  state_ = State::kAwaitingResponse;
  first_byte_seen_ = false;
  response_.clear();
  keep_head_ = true;
  parser_.start(head_);
}

void FlowVu::read_response(uint32_t events, Nanos now) {
  char* buffer = worker_.read_buffer();
  for (;;) {
    const ssize_t n = ::read(fd_, buffer, PlanWorker::kReadBufferBytes);
    if (n > 0) {
      now = worker_.clock().now();
      if (!first_byte_seen_) {
        first_byte_seen_ = true;
        first_byte_ = now;
      }
      received_ += n;
      if (keep_bytes_ || keep_head_) response_.append(buffer, static_cast<size_t>(n));
      const auto progress = parser_.feed(buffer, static_cast<size_t>(n));
      keep_head_ = keep_head_ && !parser_.head_complete();
      if (progress.event == protocols::Http1ResponseParser::Event::kComplete) return complete(now);
      if (progress.event == protocols::Http1ResponseParser::Event::kError) {
        return fail(ErrorClass::kParseError, now);
      }
      if (static_cast<size_t>(n) < PlanWorker::kReadBufferBytes && !(events & EPOLLRDHUP)) return;
      continue;
    }
    if (n == 0) {
      const auto event = parser_.finish_on_close();
      if (event == protocols::Http1ResponseParser::Event::kComplete) {
        close_connection();
        return complete(now);
      }
      if (!parser_.started() && !fresh_connection_ && !retried_) {
        // The server closed an idle keep-alive connection as we reused it: re-send once.
        close_connection();
        retried_ = true;
        received_ = 0;
        return start_connect(*address_, now);
      }
      return fail(ErrorClass::kClosedMidResponse, now);
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    return fail(errno == ECONNRESET ? ErrorClass::kReset : ErrorClass::kReadError, now);
  }
}

}  // namespace perfgate::engine
