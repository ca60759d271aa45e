// The capacity search behind `perfgate capacity`: the highest open-model arrival rate at which
// every SLO holds on a trial's steady part.
//
// 1. Bracket: a trial at start_rate; while trials pass, multiply the rate by `growth` (down by
//    the same factor while the first trials fail), until one passes and one fails.
// 2. Bisect between the highest passing and the lowest failing rate until they are within
//    `resolution` of each other (relative to the passing rate).
// Only a clear pass decides alone. A failing trial, or one whose observed value is near an SLO's
// bound (Slo::marginal), is confirmed: the point is re-run up to `confirm` times and the majority
// decides (noise on a shared machine makes false failures, a latency spike, far likelier than
// false passes). A trial in which the generator
// could not offer the rate (its CPU saturated, or iterations dropped / started late while the
// SLOs held) ends the search: the answer is then a lower bound, limited_by "generator", and the
// generator's limit is never reported as the target's. No trial starts when it could not finish
// within the budget (the longest trial so far, plus the cool-down, is the estimate). After a
// failing trial the search pauses `cooldown_seconds` (counted in the budget) so that the queue an
// overloaded target built up drains before the next trial.
//
// Thread-safety: search_capacity() runs trials one after another on the caller's thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/capacity/slo.h"
#include "analysis/capacity/trial.h"
#include "stats/knee.h"

namespace perfgate::analysis::capacity {

struct CapacityOptions {
  std::vector<Slo> slos;
  double start_rate = 50;
  double max_rate = 0;  // 0: no upper bound
  double min_rate = 0.5;
  double growth = 2.0;
  double resolution = 0.02;
  double budget_seconds = 600;
  int confirm = 3;
  double duration_seconds = 10;  // per trial, warm-up included
  double warmup_seconds = 2;
  double cooldown_seconds = 0;  // pause after a failing trial, so its backlog does not spill over
};

struct JudgedTrial {
  TrialStats stats;
  bool passed = false;
  bool generator_limited = false;
  std::string generator_reason;          // why the generator limited it
  std::vector<std::string> failed_slos;  // SLO texts, in the order given
  std::string phase;                     // "grow", "bisect" or "confirm"
};

struct CapacityResult {
  double sustainable_rate = 0;   // the highest passing rate (0 when none passed)
  double highest_passing = 0;    // 0: none
  double lowest_failing = 0;     // 0: none failed
  bool converged = false;        // the bracket is within the resolution
  std::string limited_by;        // "target", "generator", "budget", "max_rate", "min_rate"
  std::string limit_reason;      // a sentence with numbers
  std::string first_failed_slo;  // the SLO that failed at the lowest failing rate
  // With --monitor: the watched target's resources at the lowest failing rate (the trial the
  // first failed SLO comes from); `resources.limit` names the one that ran out, if any.
  TrialResources resources_at_failure;
  std::optional<stats::Knee> knee;  // of p95 latency over achieved rate; index into trials
  std::vector<JudgedTrial> trials;
  double spent_seconds = 0;
  std::vector<std::string> findings;  // plain-words sentences
};

// Judges one trial against the SLOs and the generator's health (see the file comment).
JudgedTrial judge_trial(TrialStats stats, const std::vector<Slo>& slos);

// Errors: a trial could not run (the runner's error), or the options are out of range.
Result<CapacityResult> search_capacity(TrialRunner& runner, const CapacityOptions& options);

}  // namespace perfgate::analysis::capacity
