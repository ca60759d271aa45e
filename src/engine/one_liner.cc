#include "engine/one_liner.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "plan/loader.h"
#include "plan/redact.h"
#include "protocols/http1_request.h"
#include "protocols/url.h"

namespace perfgate::engine {
namespace {

// A rate in iterations per second as k6's integer rate per time unit: whole rates per second,
// fractional ones per 1000 s (e.g. 0.5/s = 500 per 1000 s), so arrivals keep their exact spacing.
void set_rate(double per_second, plan::Scenario& s) {
  if (std::abs(per_second - std::round(per_second)) < 1e-9) {
    s.rate = static_cast<int64_t>(std::llround(per_second));
    s.time_unit = kNanosPerSecond;
  } else {
    s.rate = static_cast<int64_t>(std::llround(per_second * 1000));
    s.time_unit = 1000 * kNanosPerSecond;
  }
}

plan::Scenario scenario_for(const OneLiner& one) {
  plan::Scenario s;
  s.name = "default";
  s.flows.push_back({0, 1.0});
  s.graceful_stop = kOneLinerGracePeriod;  // in-flight requests may finish this long after
  s.http = one.http;
  if (one.open_model) {
    s.executor = plan::ExecutorKind::kConstantArrivalRate;
    set_rate(one.rate, s);
    s.duration = one.duration;
    s.max_vus = one.max_vus > 0 ? one.max_vus : default_max_vus(one.rate);
    s.pre_allocated_vus = std::min<int64_t>(s.max_vus, std::max<int64_t>(1, s.max_vus / 10));
    s.max_queue_wait = one.timeout;
  } else if (!one.stages.empty()) {
    s.executor = plan::ExecutorKind::kRampingVus;
    s.start_vus = one.vus;
    s.stages = one.stages;
    s.graceful_ramp_down = kOneLinerGracePeriod;
  } else if (one.requests > 0) {
    s.executor = plan::ExecutorKind::kSharedIterations;
    s.vus = one.vus;
    s.iterations = one.requests;
    s.max_duration = one.duration;
  } else {
    s.executor = plan::ExecutorKind::kConstantVus;
    s.vus = one.vus;
    s.duration = one.duration;
  }
  return s;
}

}  // namespace

int default_max_vus(double rate) { return std::max(100, static_cast<int>(std::ceil(rate / 10))); }

Result<plan::Plan> one_liner_plan(const OneLiner& one) {
  if (one.url.starts_with("grpc://") || one.url.starts_with("grpcs://")) {
    auto step = grpc_one_liner_step(one);
    if (!step) return step.error();
    plan::Plan plan;
    plan.name = one.url;
    plan.options.timeout = one.timeout;
    plan::Flow flow;
    flow.name = "default";
    flow.steps.push_back(std::move(*step));
    plan::declare_grpc_stream_metrics(plan, flow.steps.back().request);
    plan.flows.push_back(std::move(flow));
    plan.scenarios.push_back(scenario_for(one));
    return plan;
  }
  auto url = protocols::parse_http_url(one.url);
  if (!url) return url.error();
  protocols::HttpRequestSpec spec;  // validated as the request writer would write it
  spec.method = one.method;
  spec.target = url->target;
  spec.host = url->authority;
  spec.headers = one.headers;
  spec.body = one.body;
  if (auto wire = protocols::write_http1_request(spec); !wire) return wire.error();

  plan::Plan plan;
  // The URL names the run and its request in every output: secret query values and userinfo
  // are hidden, as a plan's names are (plan/redact.h).
  const std::string shown_url = plan::Redactor().text(one.url);
  plan.name = shown_url;
  plan.options.timeout = one.timeout;
  plan.options.max_redirects = 0;  // a one-liner measures the URL it was given, as wrk does
  plan::Step step;
  step.kind = plan::Step::Kind::kRequest;
  plan::RequestStep& request = step.request;
  request.name = shown_url;
  request.method = one.method;
  request.url = plan::Template::literal(one.url);
  request.body = plan::Template::literal(one.body);
  for (const auto& [name, value] : one.headers) {
    request.headers.push_back({name, plan::Template::literal(value)});
  }
  plan::Flow flow;
  flow.name = "default";
  flow.steps.push_back(std::move(step));
  plan.flows.push_back(std::move(flow));
  plan.scenarios.push_back(scenario_for(one));
  return plan;
}

}  // namespace perfgate::engine
