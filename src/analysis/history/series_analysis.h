// SeriesAnalysis: change points and trend alerts of one metric's history, told in terms of runs
// (commit, date) and of the metric's direction (is the change a regression or an improvement?).
// `history trend` prints it; `history check` fails when the newest run starts a regression (and,
// with --fail-on-trend, when it completes a trend alert).
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
  stats::StreakOptions streaks;             // 3 worse runs in a row, beyond the noise
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
  // The newest run starts a regression: the last change point is at the newest run and makes
  // the metric worse. `regression_reason` says how, for people.
  bool newest_regresses = false;
  std::string regression_reason;
  // The newest run completes a streak of worse runs (a trend alert; weaker evidence).
  bool newest_alerted = false;
  std::string alert_reason;
};

SeriesAnalysis analyze_series(const Series& series, const AnalysisOptions& options = {});

}  // namespace perfgate::analysis::history
