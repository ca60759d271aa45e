// EngineTrialRunner: the one place where capacity, stress and scale trials meet the engine. Each
// trial is a one-scenario plan run on the plan engine (engine/plan_run.h): constant-arrival-rate
// at the trial's rate (open model) or constant-vus (closed model), over the base plan's flows.
// A URL target becomes a one-request flow; a plan file keeps its flows and their weights (every
// scenario's flow choices, the first scenario's tags and env) and loses its scenarios and
// thresholds (the searches judge SLOs themselves).
//
// What a trial reports (analysis/capacity/trial.h): latency percentiles, request and error
// counts and the achieved rate over the steady part (the per-second series and interval
// histograms after the warm-up, up to the configured duration); errors by class, timeouts,
// dropped iterations, schedule lag and generator CPU over the whole trial. With --monitor, the
// watched target's resources over the steady part and the monitor's report (trial_monitor.h).
//
// Thread-safety: one thread; `interrupt` may be set from a signal handler.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "analysis/capacity/trial.h"
#include "cli/trial_monitor.h"
#include "core/clock.h"
#include "core/result.h"
#include "plan/plan.h"

namespace perfgate::cli {

struct TrialRunnerOptions {
  int threads = 1;
  Nanos timeout = 5 * kNanosPerSecond;  // per request (a URL target; a plan keeps its own)
  int max_vus = 0;                      // open model: VU cap; 0: rate × 2 s, at least 100
  Nanos graceful_stop = kNanosPerSecond;
  bool keep_results = true;  // attach each trial's results document
  std::string command_line;
  const std::atomic<bool>* interrupt = nullptr;
  std::function<void(const analysis::capacity::TrialStats&)> on_trial;  // after each trial
  TrialMonitorOptions monitor;  // --monitor: one monitor per trial (trial_monitor.h)
};

// A one-request GET flow for `url` (validated when the first trial builds its index).
plan::Plan plan_for_url(const std::string& url, Nanos timeout);

class EngineTrialRunner : public analysis::capacity::TrialRunner {
 public:
  EngineTrialRunner(plan::Plan base, TrialRunnerOptions options);
  Result<analysis::capacity::TrialStats> run(const analysis::capacity::TrialLoad& load) override;
  double pause(double seconds) override;  // sleeps; cut short by `interrupt`

 private:
  plan::Plan base_;
  TrialRunnerOptions options_;
  std::vector<plan::FlowChoice> flows_;
};

}  // namespace perfgate::cli
