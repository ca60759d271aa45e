// FlowVu: iterations, steps and rendering requests of one plan VU; see flow_vu.h. What happens
// when a request ended is in flow_response.cc, its numbers in flow_metrics.cc.
#include "engine/flow_vu.h"

#include <strings.h>

#include <algorithm>
#include <chrono>

#include "engine/plan_worker.h"
#include "engine/scenario_driver.h"
#include "plan/runtime.h"

namespace perfgate::engine {

using results::ErrorClass;

FlowVu::FlowVu(PlanWorker& worker, ScenarioDriver& driver, int64_t number)
    : FlowVu(worker, driver, number, nullptr, 0) {}

FlowVu::FlowVu(PlanWorker& worker, ScenarioDriver& driver, int64_t number, FlowVu* parent,
               size_t lane)
    : worker_(worker),
      driver_(driver),
      number_(number),
      parent_(parent),
      vars_(parent != nullptr ? parent->vars_ : own_vars_),
      connection_(worker.connection_context(), *this),
      cookies_(parent != nullptr ? parent->cookies_ : own_cookies_) {
  const plan::Plan& plan = worker.shared().plan;
  const plan::Scenario& scenario = driver.scenario();
  rng_.seed(static_cast<uint64_t>(number) * 0x9E3779B97F4A7C15ULL + driver.scenario_index() +
            (lane << 32));
  capture_.max_body_bytes = static_cast<size_t>(plan.options.max_body_bytes);
  if (parent != nullptr) return;
  vars_.resize(plan.variables.size());
  for (size_t slot = 0; slot < plan.variables.size(); ++slot) {
    const plan::Variable& v = plan.variables[slot];
    if (v.constant) vars_[slot] = *v.constant;
    if (auto it = scenario.env.find(v.name); it != scenario.env.end()) vars_[slot] = it->second;
  }
}

FlowVu::~FlowVu() = default;

uint64_t FlowVu::arm(Nanos at) {
  timer_ = worker_.loop().schedule(at, this);
  return timer_;
}

void FlowVu::start_at(Nanos at) {
  state_ = State::kWaitingStart;
  worker_.vu_busy(driver_.scenario_index(), +1);
  arm(at);
}

void FlowVu::on_timer(uint64_t token) {
  if (token != timer_) return;
  timer_ = 0;
  const Nanos now = worker_.clock().now();
  switch (state_) {
    case State::kWaitingStart:
      worker_.vu_busy(driver_.scenario_index(), -1);
      state_ = State::kIdle;
      start_iteration(now, now);
      return;
    case State::kThinking:
      ++step_;
      next_step(now);
      return;
    default:
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
  flow_ = scenario.flows.size() == 1 ? scenario.flows[0].flow
                                     : scenario.flows[plan::pick_flow(scenario.flows, rng_)].flow;
  step_ = 0;
  iteration_scheduled_ = scheduled;
  picked_up_ = now;
  first_request_ = true;
  group_starts_.clear();
  if (!worker_.shared().plan.options.no_cookies_reset) cookies_.clear();
  worker_.vu_busy(driver_.scenario_index(), +1);
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
    if (step.once && iteration_ > 0) {  // k6's `if (__ITER === 0)`: done in the first iteration
      if (step.kind == FlatStep::Kind::kGroupBegin || step.kind == FlatStep::Kind::kBatchBegin) {
        step_ = step.group_end;
      }
      ++step_;
      continue;
    }
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
        record_group(step_, (now - group_starts_.back()) / kNanosPerMicro);
        group_starts_.pop_back();
        break;
      }
      case FlatStep::Kind::kBatchBegin:
        return begin_batch(step, now);
      case FlatStep::Kind::kBatchEnd:
        break;
    }
    ++step_;
  }
  finish_iteration(now);
}

void FlowVu::end_iteration(Nanos now, bool backoff) {
  state_ = State::kIdle;
  ++iteration_;
  worker_.vu_busy(driver_.scenario_index(), -1);
  driver_.on_iteration_done(*this, now, backoff);
}

void FlowVu::abort() {
  if (state_ == State::kIdle) return;
  timer_ = 0;
  if (resolving_) worker_.resolver()->cancel(this);
  resolving_ = false;
  if (ConnectionPool* pool = worker_.pool()) pool->abandon(*this);
  connection_.close();
  for (auto& lane : lanes_) {
    lane->abort();
    lane->connection_.close();
  }
  if (parent_ == nullptr) worker_.vu_busy(driver_.scenario_index(), -1);
  state_ = State::kIdle;
}

plan::RenderContext FlowVu::render_context() {
  plan::RenderContext context{vars_, number_, iteration_, 0, &rng_};
  context.unix_millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  return context;
}

void FlowVu::begin_request(const FlatStep& step, Nanos now) {
  state_ = State::kRequest;
  redirects_ = 0;
  capture_.headers = worker_.shared().cookies || step.needs_body;
  capture_.body = step.needs_body && !worker_.shared().plan.options.discard_response_bodies;
  const LiteralRequest& literal = worker_.shared().literals[flow_][step_];
  asked_at_ = now;
  const plan::Options& options = worker_.shared().plan.options;
  traced_ = options.tracing;
  if (traced_) trace_ = make_traceparent(rng_, options.trace_sampling);
  if (!literal.wire.empty() && cookies_.empty() && !traced_) {  // the literal fast path
    request_ = literal.request;
    request_url_ = &step.url;
    origin_ = literal.origin;
    origin_.version = version_for(step);
    return dispatch(step, now);
  }
  if (auto error = render_request(step)) return fail_step(step, *error, now);
  send(step, now);
}

Nanos FlowVu::timeout_for(const FlatStep& step) const {
  const Nanos timeout = step.request->timeout;
  return timeout > 0 ? timeout : worker_.shared().timeout;
}

plan::HttpVersion FlowVu::version_for(const FlatStep& step) const {
  return step.request->http ? *step.request->http : driver_.scenario().http;
}

void FlowVu::send(const FlatStep& step, Nanos now) {
  const protocols::HttpUrl& url = *request_url_;
  origin_key_ = host_key(url);
  const auto& hosts = worker_.shared().index.hosts;
  if (auto it = hosts.find(origin_key_); it != hosts.end()) {
    origin_ = Origin{&it->second, it->first, url.host, url.tls, version_for(step)};
    return dispatch(step, now);
  }
  net::Resolver* resolver = worker_.resolver();
  if (resolver == nullptr) return fail_step(step, ErrorClass::kDnsError, now);
  switch (resolver->resolve(url.host, url.port, this, &resolved_)) {
    case net::Resolver::Status::kReady:
      return send_resolved(step, now);
    case net::Resolver::Status::kFailed:
      return fail_step(step, ErrorClass::kDnsError, now);
    case net::Resolver::Status::kPending:
      resolving_ = true;
      return;
  }
}

void FlowVu::send_resolved(const FlatStep& step, Nanos now) {
  origin_ =
      Origin{&resolved_, origin_key_, request_url_->host, request_url_->tls, version_for(step)};
  dispatch(step, now);
}

void FlowVu::dispatch(const FlatStep& step, Nanos now) {
  asked_at_ = now;
  if (ConnectionPool* pool = worker_.pool()) {
    return pool->send(*this, origin_, request_, capture_, timeout_for(step), now);
  }
  if (parent_ != nullptr && parent_->connection_.accepts(origin_)) {  // a lane (batch step)
    return parent_->connection_.send(origin_, request_, capture_, timeout_for(step), now, this);
  }
  connection_.send(origin_, request_, capture_, timeout_for(step), now);
}

void FlowVu::on_resolved(const net::Address* address, const std::string&) {
  if (!resolving_) return;
  resolving_ = false;
  const Nanos now = worker_.clock().now();
  const FlatStep& step = worker_.shared().index.flows[flow_][step_];
  if (address == nullptr) return fail_step(step, ErrorClass::kDnsError, now);
  resolved_ = *address;
  send_resolved(step, now);
}

std::optional<ErrorClass> FlowVu::render_request(const FlatStep& step) {
  const plan::RequestStep& req = *step.request;
  const plan::RenderContext context = render_context();
  if (step.literal_url) {
    request_url_ = &step.url;
  } else {
    url_.clear();
    req.url.render(context, url_);
    auto result = protocols::parse_http_url(url_);
    if (!result) return ErrorClass::kInvalidRequest;
    rendered_url_ = std::move(*result);
    request_url_ = &rendered_url_;
  }
  method_ = req.method;
  body_.clear();
  req.body.render(context, body_);
  if (req.grpc_encode_body && !encode_grpc_message(req)) return ErrorClass::kInvalidRequest;
  return build_request(step, context);
}

// The request for *request_url_, method_ and body_ with the step's headers and the jar's
// cookies; an error class when it cannot be made.
std::optional<ErrorClass> FlowVu::build_request(const FlatStep& step,
                                                const plan::RenderContext& context) {
  const plan::RequestStep& req = *step.request;
  const protocols::HttpUrl& url = *request_url_;
  cookie_path_.assign(url.target, 0, url.target.find('?'));
  // Render every header value into one buffer first; views into it are made once it is final.
  header_bytes_.clear();
  std::vector<std::pair<size_t, size_t>>& spans = header_spans_;
  spans.clear();
  bool cookie = false;
  for (const plan::Header& h : req.headers) {
    const size_t begin = header_bytes_.size();
    value_.clear();
    h.value.render(context, value_);
    if (strcasecmp(h.name.c_str(), "Cookie") == 0 && !cookie) {
      cookie = true;
      render_cookie_header(url, context.unix_millis, &value_);
    }
    header_bytes_.append(value_);
    spans.emplace_back(begin, header_bytes_.size());
  }
  if (!cookie && !cookies_.empty()) {
    value_.clear();
    render_cookie_header(url, context.unix_millis, &value_);
    const size_t begin = header_bytes_.size();
    header_bytes_.append(value_);
    if (!value_.empty()) spans.emplace_back(begin, header_bytes_.size());
  }
  fields_.clear();
  const std::string_view all = header_bytes_;
  for (size_t i = 0; i < spans.size(); ++i) {
    const std::string_view name =
        i < req.headers.size() ? std::string_view(req.headers[i].name) : std::string_view("Cookie");
    fields_.emplace_back(name, all.substr(spans[i].first, spans[i].second - spans[i].first));
  }
  if (traced_) fields_.emplace_back(kTraceparentHeader, trace_.value());
  request_ = {};
  request_.method = method_;
  request_.authority = url.authority;
  request_.target = url.target;
  request_.scheme = url.tls ? "https" : "http";
  request_.headers = fields_;
  request_.body = body_;
  request_.user_agent = worker_.shared().user_agent;
  return std::nullopt;
}

// Appends the jar's cookies for `url` to `out`, which holds the step's own Cookie value or is
// empty; the step's own cookies win over the jar's of the same name.
void FlowVu::render_cookie_header(const protocols::HttpUrl& url, int64_t unix_millis,
                                  std::string* out) {
  if (cookies_.empty()) return;
  jar_value_.clear();
  cookies_.append_header_value(url.host, cookie_path_, url.tls, unix_millis / 1000, *out,
                               jar_value_);
  out->append(jar_value_);
}

}  // namespace perfgate::engine
