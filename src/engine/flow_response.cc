// FlowVu: what happens once a request ended — its metrics, checks, extractions and custom
// metric samples — and closing connections; see flow_vu.h.
#include <strings.h>
#include <unistd.h>

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

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Decodes a chunked body (the parser already validated its framing) into `out`.
void dechunk(std::string_view in, std::string& out) {
  out.clear();
  size_t pos = 0;
  while (pos < in.size()) {
    const size_t eol = in.find("\r\n", pos);
    if (eol == std::string_view::npos) return;
    const size_t size = std::strtoull(std::string(in.substr(pos, eol - pos)).c_str(), nullptr, 16);
    if (size == 0) return;
    pos = eol + 2;
    out.append(in.substr(pos, std::min(size, in.size() - pos)));
    pos += size + 2;
  }
}

bool is_connect_error(ErrorClass e) {
  return e == ErrorClass::kConnectRefused || e == ErrorClass::kConnectTimeout ||
         e == ErrorClass::kConnectError;
}

}  // namespace

void FlowVu::close_connection() {
  if (fd_ < 0) return;
  ::close(fd_);  // also removes it from epoll
  fd_ = -1;
}

// Splits the kept response bytes into header pairs and, when `want_body`, the (de-chunked) body.
void FlowVu::parse_head(std::string_view* body, bool want_body) {
  headers_.clear();
  std::string_view all = response_;
  size_t end = all.find("\r\n\r\n");
  // Skip 1xx interim responses: the final head is the last one before the body.
  while (end != std::string_view::npos && all.size() > 9 && all[9] == '1') {
    all.remove_prefix(end + 4);
    end = all.find("\r\n\r\n");
  }
  if (end == std::string_view::npos) return;
  std::string_view head = all.substr(0, end);
  bool chunked = false;
  size_t line_start = head.find("\r\n");
  while (line_start != std::string_view::npos) {
    line_start += 2;
    const size_t line_end = head.find("\r\n", line_start);
    std::string_view line = head.substr(line_start, line_end - line_start);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view name = trim(line.substr(0, colon));
      std::string_view value = trim(line.substr(colon + 1));
      headers_.emplace_back(name, value);
      if (strncasecmp(name.data(), "Transfer-Encoding", name.size()) == 0 && name.size() == 17 &&
          value.find("chunked") != std::string_view::npos) {
        chunked = true;
      }
    }
    line_start = line_end;
  }
  if (!want_body) return;
  *body = all.substr(end + 4);
  if (chunked) {
    dechunk(*body, dechunked_);
    *body = dechunked_;
  }
}

// A redirect answer: a request sample of the step without checks, extractions or records.
void FlowVu::record_hop(const FlatStep& step, Nanos now) {
  record_sample(step, measure(now, parser_.status_code(), std::nullopt), /*with_checks=*/false);
}

void FlowVu::store_cookies() {
  int64_t unix_seconds = -1;
  for (const auto& [name, value] : headers_) {
    if (name.size() != 10 || strncasecmp(name.data(), "Set-Cookie", 10) != 0) continue;
    if (unix_seconds < 0) unix_seconds = std::time(nullptr);
    cookies_.store(value, cookie_host_, cookie_path_, unix_seconds);
  }
}

void FlowVu::complete(Nanos now) {
  timer_ = 0;
  if (!parser_.keep_alive()) close_connection();
  const FlatStep& step = worker_.shared().index.flows[flow_][step_];
  response_body_ = {};
  parse_head(&response_body_, keep_bytes_);
  store_cookies();
  if (follow_redirect(step, now)) return;
  record(step, now, std::nullopt);
  after_request(now);
}

void FlowVu::fail(ErrorClass error, Nanos now) {
  timer_ = 0;
  close_connection();
  connect_failed_ |= is_connect_error(error);
  headers_.clear();
  response_body_ = {};
  record(worker_.shared().index.flows[flow_][step_], now, error);
  after_request(now);
}

// k6 follows up to maxRedirects redirects: each hop is a request sample of the step (no checks,
// extractions or records: those read the final response). 303, and 301/302 after a POST, become
// GET without a body, as browsers do; 307/308 repeat the method and body. A Location on a host
// that was not resolved before the run (or https://) is not followed: the 3xx is the answer.
bool FlowVu::follow_redirect(const FlatStep& step, Nanos now) {
  const int status = parser_.status_code();
  if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
    return false;
  }
  if (redirects_ >= worker_.shared().plan.options.max_redirects) return false;
  auto location = std::find_if(headers_.begin(), headers_.end(), [](const auto& h) {
    return h.first.size() == 8 && strncasecmp(h.first.data(), "Location", 8) == 0;
  });
  if (location == headers_.end()) return false;
  auto target = protocols::resolve_http_url(current_url_, location->second);
  if (!target || !worker_.shared().index.hosts.count(host_key(*target))) return false;
  record_hop(step, now);
  ++redirects_;
  first_request_ = false;
  request_scheduled_ = now;
  current_url_ = std::move(*target);
  const bool to_get = status == 303 || ((status == 301 || status == 302) && method_ == "POST");
  if (to_get) {
    if (method_ != "HEAD") method_ = "GET";
    body_.clear();
  }
  const net::Address* address = nullptr;
  if (!build_request(step, render_context(), &address)) {
    fail(ErrorClass::kConnectError, now);
    return true;
  }
  dispatch(*address, now);
  return true;
}

void FlowVu::after_request(Nanos now) {
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

void FlowVu::record(const FlatStep& step, Nanos now, std::optional<ErrorClass> error) {
  const plan::RequestStep& req = *step.request;
  const int status = error ? 0 : parser_.status_code();
  const Nanos duration = now - request_scheduled_;
  plan::ResponseView view{status, headers_, response_body_, now - send_start_};
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
    auto value = error ? std::nullopt : inspector.extract(ex);
    extract_failures += value ? 0 : 1;
    if (ex.slot >= 0) vars_[ex.slot] = value ? std::move(*value) : std::string();
  }
  const Nanos since_start = now - worker_.shared().start;
  const RequestSample sample = measure(now, status, error);
  PlanMetrics& pm = worker_.metrics();
  record_sample(step, sample, /*with_checks=*/true);
  pm.names[step.name_id].extract_failures += extract_failures;
  for (const plan::Record& r : req.records) {
    double value = r.constant;
    if (r.value == plan::Record::Value::kDuration) value = static_cast<double>(duration) / 1e6;
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
