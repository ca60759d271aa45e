// Plan runs: executes a loaded Plan on worker threads (PlanWorker) with the caller's thread as
// coordinator. Once a second the coordinator collects every worker's PlanMetrics into the
// per-second series and the totals, reports progress, evaluates abortOnFail thresholds (after
// their delayAbortEval) and every threshold with a `window` over its last window; at the end it
// evaluates every threshold. A windowed threshold fails when any full window failed (or, in a
// run shorter than the window, the whole run); its report carries the worst window.
//
// Thread-safety: run_plan() is called from one thread; `interrupt` may be set from a signal
// handler.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/engine.h"
#include "engine/plan_index.h"
#include "engine/plan_metrics.h"
#include "net/event_loop.h"
#include "net/tls_transport.h"
#include "plan/metric_samples.h"
#include "plan/plan.h"
#include "results/run_result.h"

namespace perfgate::engine {

struct PlanRunOptions {
  int threads = 1;
  std::string user_agent = "perfgate";  // unless a step sets its own User-Agent
  Nanos timer_resolution = net::EventLoop::kDefaultTimerResolution;  // see net/event_loop.h
  // For https:// requests; null: they fail with tls_handshake_failure.
  std::shared_ptr<const net::TlsClientContext> tls;
  bool cookies = true;  // a cookie jar per VU (the one-liner has none)
  // > 0: the VUs share this many connections, split over the workers (ConnectionPool); 0: one
  // connection per VU.
  int connections = 0;
  const std::atomic<bool>* interrupt = nullptr;
  std::function<void(const LiveStatus&)> on_second;
};

struct ThresholdReport {
  const plan::Threshold* threshold = nullptr;
  plan::ThresholdOutcome outcome;  // for a windowed threshold: of its worst window
  // Windowed thresholds only: windows evaluated and failed, and when the reported (worst)
  // window ended, since the start.
  int windows_evaluated = 0;
  int windows_failed = 0;
  Nanos observed_at = 0;

  // Folds in the outcome of the window that ended at `at`.
  void note_window(const plan::ThresholdOutcome& window, Nanos at);
};

struct PlanRunResult {
  explicit PlanRunResult(const PlanIndex& index) : totals(index) {}
  results::RunResult run;
  PlanMetrics totals;                       // run.totals is totals.base
  plan::MetricSamples custom;               // the plan's custom metrics
  std::vector<ThresholdReport> thresholds;  // one per Plan::options.thresholds, at the end
  bool aborted = false;                     // an abortOnFail threshold stopped the run
  Nanos aborted_at = 0;                     // since the start
  std::string abort_reason;                 // "http_req_failed rate<0.2 (observed 0.5)"
  bool thresholds_failed() const;
};

// "30s", "1m", "250ms": how summaries name a threshold's window.
std::string format_window(Nanos window);

Result<PlanRunResult> run_plan(const plan::Plan& plan, const PlanIndex& index,
                               const results::RunMetadata& meta, const PlanRunOptions& options);

}  // namespace perfgate::engine
