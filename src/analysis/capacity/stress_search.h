// The stress search behind `perfgate stress`: steps the load up (open-model rate by default,
// closed-model VUs with vus mode) from a normal load until a breaking point, then drops back to
// the normal load and measures recovery.
//
// Breaking point, checked after each step in this order:
//   "slo"        an SLO failed (its text is in failure_detail);
//   "errors"     the error rate rose above max(error_surge, 5 × the normal load's);
//   "timeouts"   timeouts were more than 1 % of requests;
//   "throughput" throughput stopped rising: below 80 % of the offered rate (open model) or
//                less than 5 % above the previous step's (VU mode).
// With --monitor, the breaking step's TrialResources name the target's resource that ran out
// (CPU, its CPU quota, memory, the listen queue, or that it exited), or say that none did.
// The pre-stress band is the normal load's trial: p95 up to max(2 × its p95, its p95 + 10 ms)
// and an error rate up to its own + 1 %. Recovery is the time from the start of the recovery
// trial (right after the break) to the start of the first of 3 consecutive seconds within the
// band (when the second before it had errors above the band, plus its failed fraction of a second:
// a breaker that closes 0.3 s into a second fails 30 % of it); "not recovered" when the
// observation window ends first. Requests that failed after that
// point are reported as lost.
//
// Thread-safety: run_stress() runs trials one after another on the caller's thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "analysis/capacity/slo.h"
#include "analysis/capacity/trial.h"

namespace perfgate::analysis::capacity {

struct StressOptions {
  std::vector<Slo> slos;
  bool vus_mode = false;
  double start = 50;         // normal load: rate per second, or VUs in vus mode
  double step_factor = 1.5;  // each step multiplies the load
  double max_load = 0;       // 0: no bound
  int max_steps = 20;
  double duration_seconds = 10;  // per step
  double warmup_seconds = 1;
  double recovery_window_seconds = 30;
  double error_surge = 0.05;
  double budget_seconds = 900;
};

struct StressStep {
  TrialStats stats;
  std::string broke;  // empty, or the failure mode at this step
};

struct StressResult {
  bool broke = false;
  TrialLoad breaking_load;     // rate or vus of the first breaking step
  std::string failure_mode;    // "slo", "errors", "timeouts", "throughput"; "" when none
  std::string failure_detail;  // a sentence
  std::map<std::string, int64_t> errors_at_break;  // by class
  TrialResources resources_at_break;  // with --monitor: `limit` names the resource that ran out
  std::vector<StressStep> steps;      // the normal load first
  double band_p95_ms = 0, band_error_rate = 0;
  bool recovery_measured = false;
  bool recovered = false;
  double recovery_seconds = 0;
  int64_t failed_after_recovery = 0;
  TrialStats recovery;  // the recovery trial
  std::vector<std::string> findings;
};

// Errors: a trial could not run.
Result<StressResult> run_stress(TrialRunner& runner, const StressOptions& options);

// The recovery point in `series` (see the file comment); false when it never recovered.
bool find_recovery(const std::vector<TrialSecond>& series, double band_p95_ms,
                   double band_error_rate, double* recovery_seconds, int64_t* failed_after);

}  // namespace perfgate::analysis::capacity
