// The plan run coordinator; see plan_run.h.
#include "engine/plan_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include "engine/health.h"
#include "engine/metric_windows.h"
#include "engine/plan_worker.h"
#include "net/tcp_transport.h"
#include "net/tls_transport.h"
#include "plan/schedule.h"
#include "protocols/http1_request.h"

namespace perfgate::engine {
namespace {

constexpr Nanos kPoll = 10 * kNanosPerMilli;
constexpr Nanos kFlipTimeout = 500 * kNanosPerMilli;  // a worker that does not answer is skipped

// The prebuilt request of every step that has nothing to render (see LiteralRequest).
std::vector<std::vector<LiteralRequest>> literal_requests(const PlanIndex& index,
                                                          std::string_view user_agent) {
  std::vector<std::vector<LiteralRequest>> out;
  for (const std::vector<FlatStep>& flow : index.flows) {
    std::vector<LiteralRequest>& steps = out.emplace_back(flow.size());
    for (size_t i = 0; i < flow.size(); ++i) {
      const FlatStep& step = flow[i];
      if (step.kind != FlatStep::Kind::kRequest || !step.literal_url) continue;
      const plan::RequestStep& req = *step.request;
      if (!req.body.is_literal()) continue;
      const bool headers_literal = std::all_of(req.headers.begin(), req.headers.end(),
                                               [](const auto& h) { return h.value.is_literal(); });
      auto host = index.hosts.find(host_key(step.url));
      if (!headers_literal || host == index.hosts.end()) continue;
      const plan::RenderContext none{};
      const std::string body = req.body.render(none);
      std::vector<std::string> values;
      for (const plan::Header& h : req.headers) values.push_back(h.value.render(none));
      std::vector<protocols::HeaderField> fields;
      for (size_t h = 0; h < values.size(); ++h)
        fields.emplace_back(req.headers[h].name, values[h]);
      protocols::OutgoingRequest request;
      request.method = req.method;
      request.authority = step.url.authority;
      request.target = step.url.target;
      request.headers = fields;
      request.body = body;
      request.user_agent = user_agent;
      std::string wire;
      if (!protocols::append_http1_request(request, wire)) continue;  // fails when sent
      LiteralRequest& literal = steps[i];
      literal.wire = std::move(wire);
      literal.origin = Origin{&host->second, host->first, step.url.host, step.url.tls};
      literal.body = body;
      literal.values = std::move(values);
    }
  }
  // Views into each literal's own strings, made once none of them moves any more.
  for (size_t f = 0; f < out.size(); ++f) {
    for (size_t i = 0; i < out[f].size(); ++i) {
      LiteralRequest& literal = out[f][i];
      if (literal.wire.empty()) continue;
      const FlatStep& step = index.flows[f][i];
      literal.fields.clear();
      for (size_t h = 0; h < literal.values.size(); ++h) {
        literal.fields.emplace_back(step.request->headers[h].name, literal.values[h]);
      }
      protocols::OutgoingRequest& request = literal.request;
      request.method = step.request->method;
      request.authority = step.url.authority;
      request.target = step.url.target;
      request.scheme = step.url.tls ? "https" : "http";
      request.headers = literal.fields;
      request.body = literal.body;
      request.user_agent = user_agent;
      request.http1_wire = literal.wire;
    }
  }
  return out;
}

int64_t wall_clock_nanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class PlanCoordinator {
 public:
  PlanCoordinator(const plan::Plan& plan, const PlanIndex& index, const PlanRunOptions& options,
                  int threads, PlanRunResult* result)
      : plan_(plan),
        index_(index),
        options_(options),
        shared_(plan, index, threads),
        interval_(index),
        name_series_(index.names),
        result_(result) {
    for (const plan::CustomMetric& m : plan.metrics) result_->custom.declare(m.name, m.type);
    for (const plan::Threshold& t : plan.options.thresholds) {
      result_->thresholds.push_back({&t, {}});
      const bool custom = std::any_of(plan.metrics.begin(), plan.metrics.end(),
                                      [&](const auto& m) { return m.name == t.metric.name; });
      if (t.window > 0 && !custom) windows_.watch(t.metric, t.window);
    }
  }

  void run();

 private:
  void collect(Nanos now, bool final);
  plan::MetricSamples::Tags custom_sample_tags(const CustomSample& s) const;
  void add_point(Nanos now, bool final);
  void add_point_details(results::TimeSeriesPoint& point);
  bool evaluate_live(Nanos now, bool final);
  bool all_finished() const {
    return std::all_of(workers_.begin(), workers_.end(),
                       [](const auto& w) { return w->finished(); });
  }

  const plan::Plan& plan_;
  const PlanIndex& index_;
  const PlanRunOptions& options_;
  SteadyClock clock_;
  PlanShared shared_;
  std::vector<std::unique_ptr<PlanWorker>> workers_;
  std::vector<std::thread> threads_;
  PlanMetrics interval_;
  results::MetricSet live_totals_;  // the totals so far, for on_second
  results::NameSeriesRecorder name_series_;
  MetricWindows windows_;
  PlanRunResult* result_;
  int64_t collections_ = 0;
};

void PlanCoordinator::run() {
  result_->run.meta.start_unix_nanos = wall_clock_nanos();
  shared_.start = clock_.now() + 5 * kNanosPerMilli;  // every worker is up before the start
  shared_.timeout = plan_.options.timeout;
  shared_.user_agent = options_.user_agent;
  shared_.timer_resolution = options_.timer_resolution;
  shared_.cookies = options_.cookies;
  shared_.connections = options_.connections;
  shared_.literals = literal_requests(index_, shared_.user_agent);
  net::TcpTransportFactory tcp;
  std::optional<net::TlsTransportFactory> tls;
  if (options_.tls) tls.emplace(options_.tls);
  shared_.tcp = &tcp;
  shared_.tls = tls ? &*tls : nullptr;
  for (int i = 0; i < shared_.workers; ++i) {
    workers_.push_back(std::make_unique<PlanWorker>(shared_, clock_, i));
  }
  for (auto& w : workers_) threads_.emplace_back([p = w.get()] { p->run(); });
  Nanos next_second = shared_.start + kNanosPerSecond;
  while (!all_finished()) {
    const Nanos now = clock_.now();
    if (options_.interrupt && options_.interrupt->load()) {
      result_->run.interrupted = true;
      break;
    }
    if (now >= next_second) {
      collect(now, false);
      if (shared_.tls != nullptr) net::return_freed_handshake_memory();
      next_second += kNanosPerSecond;
      if (evaluate_live(now, false)) break;
    }
    std::this_thread::sleep_for(
        std::chrono::nanoseconds(std::clamp<Nanos>(next_second - now, 0, kPoll)));
  }
  for (auto& w : workers_) w->request_stop();
  for (auto& t : threads_) t.join();
  const Nanos end = clock_.now();
  collect(end, true);
  evaluate_live(end, true);
  result_->run.name_series = name_series_.finish();
  for (const plan::Scenario& s : plan_.scenarios) result_->run.scenarios.push_back(s.name);
}

// The tags of the request step that recorded a custom sample, as its requests carry them.
plan::MetricSamples::Tags PlanCoordinator::custom_sample_tags(const CustomSample& s) const {
  const plan::Scenario& scenario = plan_.scenarios[s.scenario];
  const FlatStep& step = index_.flows[s.flow][s.step];
  plan::MetricSamples::Tags tags = {{"scenario", scenario.name},
                                    {"name", step.request->name},
                                    {"method", step.request->method},
                                    {"group", step.group}};
  const auto& own = step.request->tags;
  for (const auto& [key, value] : own) tags.emplace_back(key, value);
  for (const auto& [key, value] : scenario.tags) {
    if (!own.count(key)) tags.emplace_back(key, value);
  }
  return tags;
}

void PlanCoordinator::collect(Nanos now, bool final) {
  if (final) {
    for (auto& w : workers_) w->shard().drain(&interval_);  // threads joined
  } else {
    collect_shards(workers_, clock_, kFlipTimeout, &interval_);
  }
  if (final) result_->run.meta.elapsed = now - shared_.start;
  if (!final || interval_.base.http_reqs > 0 || result_->run.series.empty()) add_point(now, final);
  for (const CustomSample& s : interval_.custom) {
    result_->custom.add(plan_.metrics[s.metric].name, s.at, s.value, custom_sample_tags(s));
  }
  result_->custom.set_now(now - shared_.start);
  if (!windows_.empty()) {
    windows_.add_second(PlanValues(plan_, index_, interval_, result_->custom, kNanosPerSecond));
  }
  result_->totals.add(interval_);
  result_->run.totals = result_->totals.base;
  interval_.reset();
  int64_t allocated = 0;
  for (auto& w : workers_) allocated += w->allocated_vus();
  auto& vus_max = result_->run.vus_max;
  vus_max.min = collections_++ == 0 ? allocated : std::min(vus_max.min, allocated);
  vus_max.max = std::max(vus_max.max, allocated);
  vus_max.value = allocated;
}

void PlanCoordinator::add_point(Nanos now, bool final) {
  results::TimeSeriesPoint point;
  point.t_seconds = static_cast<double>(now - shared_.start) / kNanosPerSecond;
  point.requests = interval_.base.http_reqs;
  point.errors = interval_.base.failed_requests;
  for (auto& w : workers_) point.active_vus += w->busy_vus();
  const auto& d = interval_.base.trend(results::Trend::kDuration);
  point.p50_us = d.value_at_percentile(50);
  point.p90_us = d.value_at_percentile(90);
  point.p95_us = d.value_at_percentile(95);
  point.p99_us = d.value_at_percentile(99);
  point.max_us = d.max();
  point.schedule_lag_p99_us =
      interval_.base.trend(results::Trend::kScheduleLag).value_at_percentile(99);
  add_point_details(point);
  // The vus gauge samples the busy VUs once a second while the run goes, as k6's `vus`: the
  // closing point, taken after every VU stopped, is not a sample (a constant-vus run of 5 VUs
  // read "vus 0 min=0 max=5") unless it is the run's only point.
  if (!final || result_->run.series.empty()) {
    auto& vus = result_->run.vus;
    vus.min = result_->run.series.empty() ? point.active_vus : std::min(vus.min, point.active_vus);
    vus.max = std::max(vus.max, point.active_vus);
    vus.value = point.active_vus;
  }
  results::record_duration_interval(result_->run, point.t_seconds, d);
  result_->run.series.push_back(point);
  if (options_.on_second) {
    live_totals_ = result_->totals.base;  // into the storage of the last second: no allocation
    live_totals_.add(interval_.base);
    LiveStatus status{now - shared_.start,
                      plan::plan_duration(plan_),
                      &result_->run.series.back(),
                      &live_totals_,
                      &interval_,
                      &index_};
    options_.on_second(status);
  }
}

// The interval's errors by class, VUs by scenario and per-name latencies.
void PlanCoordinator::add_point_details(results::TimeSeriesPoint& point) {
  for (size_t e = 0; e < results::kErrorClassCount; ++e) {
    const int64_t count = interval_.base.errors[e];
    if (count != 0) point.error_classes.emplace_back(static_cast<results::ErrorClass>(e), count);
  }
  point.scenario_vus.assign(plan_.scenarios.size(), 0);
  for (auto& w : workers_) {
    for (size_t s = 0; s < plan_.scenarios.size(); ++s) {
      point.scenario_vus[s] += w->scenario_busy_vus(s);
    }
  }
  for (size_t n = 0; n < interval_.names.size(); ++n) {
    const NameStats& stats = interval_.names[n];
    if (stats.requests == 0) continue;
    name_series_.add(n, point.t_seconds, stats.duration, stats.requests, stats.failed);
  }
}

// Once a second: abortOnFail thresholds on the totals so far, and windowed thresholds over their
// last window once a full window has passed (at the end of the run in any case). Returns whether
// an abortOnFail threshold stops the run.
bool PlanCoordinator::evaluate_live(Nanos now, bool final) {
  const Nanos elapsed = now - shared_.start;
  PlanValues values(plan_, index_, result_->totals, result_->custom, elapsed, &windows_);
  values.set_gauges(result_->run.vus, result_->run.vus_max);
  for (ThresholdReport& report : result_->thresholds) {
    const plan::Threshold& t = *report.threshold;
    const bool windowed = t.window > 0;
    if (windowed ? !final && elapsed < t.window : !t.abort_on_fail || final) continue;
    const plan::ThresholdOutcome outcome = plan::evaluate(t, values, elapsed);
    if (windowed) report.note_window(outcome, elapsed);
    if (!outcome.abort || final) continue;
    result_->aborted = true;
    result_->aborted_at = elapsed;
    result_->abort_reason =
        fmt::format("{} {}{} (observed {:.4g})", t.metric.key(), t.expression.source,
                    windowed ? " over the last " + format_window(t.window) : "", outcome.observed);
    return true;
  }
  return false;
}

}  // namespace

namespace {

// Whether `a` violates `e` further than `b` does (for < and <=: larger; for > and >=: smaller).
bool worse(const plan::ThresholdExpression& e, double a, double b) {
  switch (e.comparison) {
    case CompareOp::kLess:
    case CompareOp::kLessEqual:
      return a > b;
    case CompareOp::kGreater:
    case CompareOp::kGreaterEqual:
      return a < b;
    default:
      return false;  // == and !=: the first failing window is reported
  }
}

}  // namespace

void ThresholdReport::note_window(const plan::ThresholdOutcome& window, Nanos at) {
  if (window.status == plan::ThresholdStatus::kNoData) return;
  ++windows_evaluated;
  if (window.status == plan::ThresholdStatus::kFail) ++windows_failed;
  const plan::ThresholdExpression& e = threshold->expression;
  const bool replace = windows_evaluated == 1 || worse(e, window.observed, outcome.observed) ||
                       (window.status == plan::ThresholdStatus::kFail && e.holds(outcome.observed));
  if (replace) {
    outcome.observed = window.observed;
    observed_at = at;
  }
  outcome.status = windows_failed > 0 ? plan::ThresholdStatus::kFail : plan::ThresholdStatus::kPass;
}

std::string format_window(Nanos window) {
  if (window % (60 * kNanosPerSecond) == 0)
    return fmt::format("{}m", window / (60 * kNanosPerSecond));
  if (window % kNanosPerSecond == 0) return fmt::format("{}s", window / kNanosPerSecond);
  return fmt::format("{}ms", window / kNanosPerMilli);
}

bool PlanRunResult::thresholds_failed() const {
  return std::any_of(thresholds.begin(), thresholds.end(), [](const ThresholdReport& r) {
    return r.outcome.status == plan::ThresholdStatus::kFail;
  });
}

Result<PlanRunResult> run_plan(const plan::Plan& plan, const PlanIndex& index,
                               const results::RunMetadata& meta, const PlanRunOptions& options) {
  if (plan.scenarios.empty()) return make_error("the plan has no scenario");
  int64_t most_vus = 0, part_vus = 0;  // the whole plan's; this execution segment's
  for (const plan::Scenario& s : plan.scenarios) {
    most_vus += plan::max_vus(s);
    part_vus += plan::segment_vus(s, plan.segment);
  }
  const int threads =
      static_cast<int>(std::clamp<int64_t>(options.threads, 1, std::max<int64_t>(most_vus, 1)));
  auto result = std::make_unique<PlanRunResult>(index);
  result->run.meta = meta;
  result->run.meta.duration = plan::plan_regular_duration(plan);
  std::string executors;
  for (const plan::Scenario& s : plan.scenarios) {
    const std::string_view name = plan::executor_name(s.executor);
    if (executors.find(name) == std::string::npos) {
      executors += fmt::format("{}{}", executors.empty() ? "" : ", ", name);
    }
  }
  result->run.meta.description = fmt::format("plan: {} scenario(s) ({}), up to {} VUs",
                                             plan.scenarios.size(), executors, part_vus);
  result->run.meta.threads = threads;
  result->run.meta.timeout = plan.options.timeout;
  const bool open = std::any_of(plan.scenarios.begin(), plan.scenarios.end(),
                                [](const auto& s) { return plan::is_arrival_rate(s.executor); });
  result->run.meta.model = open ? results::Model::kOpen : results::Model::kClosed;
  result->run.meta.max_vus = static_cast<int>(part_vus);
  if (!open) result->run.meta.vus = static_cast<int>(part_vus);
  const double cpu_before = process_cpu_seconds();
  PlanCoordinator(plan, index, options, threads, result.get()).run();
  const int online = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  assess_health(process_cpu_seconds() - cpu_before, threads, online, &result->run);
  PlanValues values(plan, index, result->totals, result->custom, result->run.meta.elapsed);
  values.set_gauges(result->run.vus, result->run.vus_max);
  for (ThresholdReport& report : result->thresholds) {  // windowed ones are done live
    if (report.threshold->window == 0) {
      report.outcome = plan::evaluate(*report.threshold, values, result->run.meta.elapsed);
    }
  }
  return std::move(*result);
}

}  // namespace perfgate::engine
