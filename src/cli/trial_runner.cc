#include "cli/trial_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "cli/plan_outcomes.h"
#include "cli/version.h"
#include "engine/health.h"
#include "engine/plan_index.h"
#include "engine/plan_run.h"
#include "plan/redact.h"
#include "report/results_json.h"
#include "report/results_model.h"
#include "stats/hdr_encoding.h"

namespace perfgate::cli {
namespace {

using analysis::capacity::TrialLoad;
using analysis::capacity::TrialSecond;
using analysis::capacity::TrialStats;

// Rates are iterations per kRateUnit, so fractional rates keep 0.001/s precision.
constexpr Nanos kRateUnit = 1000 * kNanosPerSecond;
// Series points end a few hundred microseconds after each whole second; the point after the
// configured duration holds the graceful stop's completions (a burst) and is left out.
constexpr double kEndSlack = 0.05;

plan::Scenario trial_scenario(const TrialLoad& load, const std::vector<plan::FlowChoice>& flows,
                              const plan::Scenario* first, const TrialRunnerOptions& o) {
  plan::Scenario s;
  s.name = "trial";
  if (first != nullptr) {
    s.tags = first->tags;
    s.env = first->env;
  }
  s.flows = flows;
  s.graceful_stop = o.graceful_stop;
  s.duration = static_cast<Nanos>(load.duration_seconds * kNanosPerSecond);
  if (load.vus > 0) {
    s.executor = plan::ExecutorKind::kConstantVus;
    s.vus = load.vus;
    return s;
  }
  s.executor = plan::ExecutorKind::kConstantArrivalRate;
  s.time_unit = kRateUnit;
  s.rate = std::max<int64_t>(1, std::llround(load.rate * 1000));
  const int64_t cap =
      o.max_vus > 0 ? o.max_vus : std::max<int64_t>(100, std::llround(load.rate * 2));
  s.max_vus = std::min<int64_t>(cap, 100000);
  s.pre_allocated_vus =
      std::min<int64_t>(s.max_vus, std::max<int64_t>(10, std::llround(load.rate / 10)));
  return s;
}

double ms(int64_t us) { return static_cast<double>(us) / 1000.0; }

// Percentiles over the interval histograms that start after the warm-up and end by `end`.
void steady_latency(const results::RunResult& run, double warmup, double end, TrialStats* t) {
  HdrHistogram merged = HdrHistogram::for_latency_micros();
  for (const results::EncodedInterval& i : run.duration_intervals) {
    if (i.start_seconds + 1e-6 < warmup || i.start_seconds + 1 > end + kEndSlack) continue;
    auto h = decode_compressed_base64(i.histogram);
    if (h) merged.add(*h);
  }
  if (merged.count() == 0) merged = run.totals.trend(results::Trend::kDuration);
  t->avg_ms = merged.mean() / 1000.0;
  t->p50_ms = ms(merged.value_at_percentile(50));
  t->p90_ms = ms(merged.value_at_percentile(90));
  t->p95_ms = ms(merged.value_at_percentile(95));
  t->p99_ms = ms(merged.value_at_percentile(99));
  t->max_ms = ms(merged.max());
}

// Counts, rates and the series over the steady part (the seconds ending in (warmup, end]).
// The schedule lag is the median of the steady seconds' p99: a systematic shortfall shows in most
// seconds, while one second in which the OS descheduled perfgate does not make it generator-bound.
void steady_counts(const results::RunResult& run, double warmup, double end, TrialStats* t) {
  std::vector<double> lags;
  double begin = 0;  // each point covers (the previous point's time, its own time]
  for (const results::TimeSeriesPoint& p : run.series) {
    t->series.push_back(TrialSecond{p.t_seconds, p.requests, p.errors, ms(p.p95_us)});
    const double covered_from = begin;
    begin = p.t_seconds;
    if (covered_from + 1e-6 < warmup || p.t_seconds > end + kEndSlack) continue;
    lags.push_back(ms(p.schedule_lag_p99_us));
    t->requests += p.requests;
    t->failed += p.errors;
    t->steady_seconds += p.t_seconds - covered_from;
  }
  if (t->steady_seconds <= 0 || t->requests == 0) {  // too short to have a steady part
    t->requests = run.totals.http_reqs;
    t->failed = run.totals.failed_requests;
    t->steady_seconds = run.elapsed_seconds();
  }
  if (!lags.empty()) {
    std::nth_element(lags.begin(), lags.begin() + lags.size() / 2, lags.end());
    t->schedule_lag_p99_ms = lags[lags.size() / 2];
  }
  t->achieved_rate = t->steady_seconds > 0 ? t->requests / t->steady_seconds : 0;
  t->error_rate = t->requests > 0 ? static_cast<double>(t->failed) / t->requests : 0;
}

void whole_run(const results::RunResult& run, TrialStats* t) {
  const results::MetricSet& m = run.totals;
  for (size_t e = 0; e < results::kErrorClassCount; ++e) {
    if (m.errors[e] > 0) t->errors[std::string(results::kErrorClassNames[e])] = m.errors[e];
  }
  t->timeouts = m.error_count(results::ErrorClass::kRequestTimeout) +
                m.error_count(results::ErrorClass::kConnectTimeout);
  t->dropped_iterations = m.dropped_iterations;
  t->generator_cpu_percent = run.health.cpu_percent;
  t->generator_saturated = run.health.cpu_percent >= engine::kSaturatedCpuPercent;
  t->warnings = run.health.warnings;
  t->elapsed_seconds = run.elapsed_seconds();
}

}  // namespace

plan::Plan plan_for_url(const std::string& url, Nanos timeout) {
  plan::Plan p;
  p.name = url;
  p.options.timeout = timeout;
  p.options.base_url = url;
  plan::Flow flow;
  flow.name = "default";
  plan::Step step;
  step.kind = plan::Step::Kind::kRequest;
  step.request.name = "GET " + url;
  step.request.url = plan::Template::literal(url);
  flow.steps.push_back(std::move(step));
  p.flows.push_back(std::move(flow));
  return p;
}

EngineTrialRunner::EngineTrialRunner(plan::Plan base, TrialRunnerOptions options)
    : base_(std::move(base)), options_(std::move(options)) {
  for (const plan::Scenario& s : base_.scenarios) {
    flows_.insert(flows_.end(), s.flows.begin(), s.flows.end());
  }
  if (flows_.empty()) {
    for (size_t i = 0; i < base_.flows.size(); ++i) flows_.push_back(plan::FlowChoice{i, 1.0});
  }
  base_.options.thresholds.clear();
}

double EngineTrialRunner::pause(double seconds) {
  const auto start = std::chrono::steady_clock::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (options_.interrupt != nullptr && options_.interrupt->load()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Result<TrialStats> EngineTrialRunner::run(const TrialLoad& load) {
  plan::Plan plan = base_;
  const plan::Scenario* first = base_.scenarios.empty() ? nullptr : &base_.scenarios.front();
  plan.scenarios = {trial_scenario(load, flows_, first, options_)};
  auto index = engine::build_plan_index(plan);
  if (!index) return index.error();
  results::RunMetadata meta;
  meta.version = kVersion;
  meta.command_line = options_.command_line;
  meta.model = load.vus > 0 ? results::Model::kClosed : results::Model::kOpen;
  meta.rate = load.vus > 0 ? 0 : load.rate;
  meta.vus = load.vus;
  meta.target_url = plan::Redactor::for_plan(plan).text(plan.options.base_url);
  engine::PlanRunOptions run_options;
  run_options.threads = options_.threads;
  run_options.interrupt = options_.interrupt;
  run_options.user_agent = fmt::format("perfgate/{}", kVersion);
  TrialMonitor watch(options_.monitor);
  watch.start();
  auto result = engine::run_plan(plan, *index, meta, run_options);
  if (!result) return result.error();
  if (result->run.interrupted) return make_error("interrupted");
  TrialStats t;
  t.load = load;
  const double warmup = std::min(load.warmup_seconds, load.duration_seconds / 2);
  steady_counts(result->run, warmup, load.duration_seconds, &t);
  steady_latency(result->run, warmup, load.duration_seconds, &t);
  whole_run(result->run, &t);
  nlohmann::json monitor_report =
      watch.finish(result->run, warmup, load.duration_seconds, &t.resources);
  if (options_.keep_results) {
    report::ResultsDocument doc = report::make_document(result->run);
    doc.monitor = std::move(monitor_report);
    add_plan_outcomes(doc, *result, *index, plan);
    t.results = report::results_to_json(doc);
  }
  if (options_.on_trial) options_.on_trial(t);
  return t;
}

}  // namespace perfgate::cli
