// The newest run of a metric's history against the runs before it: a one-step check that a
// single bad run is enough to fail `history check`, where change-point detection needs several
// runs after a shift before its t-test becomes significant.
//
// Method: the reference is the median of the runs before the newest one — back to the previous
// change point, at most `window` runs. The newest run regresses when it is worse than that median
//   - by more than `min_step` (relative, 10% by default: compare's "minor" severity),
//   - by more than the absolute noise floor of the metric's unit (judged_metrics.h), and
//   - by more than `sigmas` times the run-to-run noise of the reference runs (stats::noise_sigma),
//     when there are at least 3 of them to estimate it from.
// With one earlier run there is no noise estimate: the first two conditions decide, as compare's
// single-value method does.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "analysis/history/history_store.h"

namespace perfgate::analysis::history {

struct NewestRunOptions {
  double min_step = 0.10;  // relative worsening needed
  double sigmas = 3.0;     // run-to-run noise multiples needed (with >= 3 reference runs)
  size_t window = 50;      // reference runs at most
  double noise_floor = 0;  // absolute, in the series' unit
};

struct NewestRunVerdict {
  bool regression = false;
  std::string reason;  // for people: reference, newest, change, thresholds
};

// `change_start`: index of the first run of the newest regime before the newest run (0 when
// there is no change point), so that the reference never mixes two regimes.
NewestRunVerdict judge_newest_run(const Series& series, size_t change_start,
                                  const NewestRunOptions& options = {});

}  // namespace perfgate::analysis::history
