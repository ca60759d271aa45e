// FlowVu: what happens once a request ended — redirects, the cookie jar, checks, extractions and
// custom metric samples; see flow_vu.h.
#include <strings.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>

#include "engine/flow_vu.h"
#include "engine/plan_worker.h"
#include "engine/scenario_driver.h"
#include "plan/runtime.h"
#include "protocols/url.h"

namespace perfgate::engine {
namespace {

using results::ErrorClass;

bool is_connect_error(ErrorClass e) {
  return e == ErrorClass::kConnectRefused || e == ErrorClass::kConnectTimeout ||
         e == ErrorClass::kConnectError || e == ErrorClass::kDnsError;
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

void FlowVu::store_cookies(std::span<const protocols::HeaderField> headers) {
  int64_t unix_seconds = -1;
  for (const auto& [name, value] : headers) {
    if (!same_name(name, "Set-Cookie")) continue;
    if (unix_seconds < 0) {
      unix_seconds = std::time(nullptr);
      cookie_path_.assign(request_url_->target, 0, request_url_->target.find('?'));
    }
    cookies_.store(value, request_url_->host, cookie_path_, unix_seconds);
  }
}

void FlowVu::on_request_done(const RequestOutcome& outcome, Nanos now) {
  const FlatStep& step = worker_.shared().index.flows[flow_][step_];
  if (outcome.error) {
    connect_failed_ |= is_connect_error(*outcome.error);
  } else {
    store_cookies(outcome.response->headers);
    if (follow_redirect(step, outcome, now)) return;
  }
  record(step, outcome, now);
  after_request(now);
}

// A request that failed before it reached a connection (it could not be rendered or its host
// is unknown).
void FlowVu::fail_step(const FlatStep& step, ErrorClass error, Nanos now) {
  connect_failed_ |= is_connect_error(error);
  RequestTimes times;
  times.done = now;
  RequestOutcome outcome;
  outcome.error = error;
  outcome.times = &times;
  record(step, outcome, now);
  after_request(now);
}

// k6 follows up to maxRedirects redirects: each hop is a request sample of the step (no checks,
// extractions or records: those read the final response). 303, and 301/302 after a POST, become
// GET without a body, as browsers do; 307/308 repeat the method and body. A Location on a host
// not seen before the run is resolved then (see FlowVu::send).
bool FlowVu::follow_redirect(const FlatStep& step, const RequestOutcome& outcome, Nanos now) {
  const protocols::Response& response = *outcome.response;
  const int status = response.status;
  if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
    return false;
  }
  if (redirects_ >= worker_.shared().plan.options.max_redirects) return false;
  auto location = std::find_if(response.headers.begin(), response.headers.end(),
                               [](const auto& h) { return same_name(h.first, "Location"); });
  if (location == response.headers.end()) return false;
  auto target = protocols::resolve_http_url(*request_url_, location->second);
  if (!target) return false;
  record_sample(step, measure(outcome, status), /*with_checks=*/false);
  ++redirects_;
  first_request_ = false;
  const plan::RenderContext context = render_context();
  if (!request_.http1_wire.empty()) {  // a literal request: method and body come from the step
    method_ = step.request->method;
    body_.clear();
    step.request->body.render(context, body_);
  }
  if (status == 303 || ((status == 301 || status == 302) && method_ == "POST")) {
    if (method_ != "HEAD") method_ = "GET";
    body_.clear();
  }
  rendered_url_ = std::move(*target);
  request_url_ = &rendered_url_;
  if (auto error = build_request(step, context)) {
    fail_step(step, *error, now);
    return true;
  }
  send(step, now);
  return true;
}

void FlowVu::after_request(Nanos now) {
  if (parent_ != nullptr) {  // a lane: its request is all it runs
    state_ = State::kIdle;
    return parent_->on_lane_done(*this, now);
  }
  first_request_ = false;
  ++step_;
  state_ = State::kThinking;  // between steps
  next_step(now);
}

void FlowVu::finish_iteration(Nanos now) {
  const bool backoff = connect_failed_;
  connect_failed_ = false;
  record_iteration(now - iteration_scheduled_);
  end_iteration(now, backoff);
}

void FlowVu::record(const FlatStep& step, const RequestOutcome& outcome, Nanos now) {
  const plan::RequestStep& req = *step.request;
  const protocols::Response* response = outcome.error ? nullptr : outcome.response;
  const int status = response != nullptr ? response->status : 0;
  RequestSample sample = measure(outcome, status);
  const int grpc_status = req.grpc ? read_grpc_call(step, outcome, sample, now) : -1;
  if (req.checks.empty() && req.extracts.empty() && req.records.empty()) {
    return record_sample(step, sample, /*with_checks=*/false);
  }
  const RequestTimes& times = *outcome.times;
  plan::ResponseView view;
  view.status = status;
  if (response != nullptr) {
    view.headers =
        req.grpc ? std::span<const protocols::HeaderField>(grpc_metadata_) : response->headers;
    view.body = req.grpc ? std::string_view(grpc_json_) : response->body;
  }
  view.grpc_status = grpc_status;
  view.duration = times.done - times.send_start;
  plan::ResponseInspector inspector(view);
  check_results_.assign(req.checks.size(), 0);
  bool all_passed = true;
  for (size_t i = 0; i < req.checks.size(); ++i) {
    check_results_[i] = inspector.passes(req.checks[i]) ? 1 : 0;
    all_passed &= check_results_[i] != 0;
  }
  // A failed request extracts nothing: its variables become empty rather than keep a value
  // from an earlier iteration (a stale token would hide the failure).
  int64_t extract_failures = 0;
  for (const plan::Extract& ex : req.extracts) {
    auto value = response == nullptr ? std::nullopt : inspector.extract(ex);
    extract_failures += value ? 0 : 1;
    if (ex.slot >= 0) vars_[ex.slot] = value ? std::move(*value) : std::string();
  }
  const Nanos since_start = now - worker_.shared().start;
  PlanMetrics& pm = worker_.metrics();
  record_sample(step, sample, /*with_checks=*/true);
  pm.names[step.name_id].extract_failures += extract_failures;
  for (const plan::Record& r : req.records) {
    double value = r.constant;
    if (r.value == plan::Record::Value::kDuration) {
      value =
          static_cast<double>(sample.trends[static_cast<size_t>(results::Trend::kDuration)]) / 1e3;
    }
    if (r.value == plan::Record::Value::kChecksPassed) value = all_passed ? 1 : 0;
    if (r.value == plan::Record::Value::kTemplate) {
      plan::RenderContext context{vars_, number_, iteration_, 0, &rng_};
      value = std::strtod(r.text.render(context).c_str(), nullptr);
    }
    pm.custom.push_back({r.metric, since_start, value,
                         static_cast<uint32_t>(driver_.scenario_index()),
                         static_cast<uint32_t>(flow_), static_cast<uint32_t>(step_)});
  }
}

}  // namespace perfgate::engine
