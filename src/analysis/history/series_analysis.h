// SeriesAnalysis: change points and trend alerts of one metric's history, told in terms of runs
// (commit, date) and of the metric's direction (is the change a regression or an improvement?).
// `history trend` prints it; `history check` fails when the newest run starts a regression.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/history/history_store.h"
#include "stats/change_point.h"

namespace perfgate::analysis::history {

struct AnalysisOptions {
  stats::ChangePointOptions change_points;  // window 50, p 0.001 by default
  size_t streak = 3;                        // consecutive degradations that raise a trend alert
  double min_step = 0;                      // relative size a step needs to count as worse
};

struct Change {
  stats::ChangePoint point;  // index into the series
  SeriesPoint run;           // the first run of the new regime
  bool regression = false;   // worse after than before, by the metric's direction
};

struct TrendAlert {
  size_t index = 0;  // the run completing the streak
  SeriesPoint run;
};

struct SeriesAnalysis {
  std::vector<Change> changes;     // oldest first
  std::vector<TrendAlert> alerts;  // oldest first
  // The newest run starts a regression (a change point at the newest run that is a regression)
  // or completes a streak of degradations. `reason` says which, for people.
  bool newest_regresses = false;
  std::string reason;
};

SeriesAnalysis analyze_series(const Series& series, const AnalysisOptions& options = {});

}  // namespace perfgate::analysis::history
