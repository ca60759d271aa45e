#include "analysis/history/series_analysis.h"

#include <fmt/format.h>

namespace perfgate::analysis::history {
namespace {

std::string short_commit(const SeriesPoint& p) {
  return p.commit.empty() ? fmt::format("run #{}", p.run_id)
                          : fmt::format("run #{} ({})", p.run_id, p.commit.substr(0, 12));
}

}  // namespace

SeriesAnalysis analyze_series(const Series& series, const AnalysisOptions& options) {
  SeriesAnalysis out;
  const std::vector<double> values = series.values();
  const bool lower_is_better = series.direction == Direction::kLowerIsBetter;
  for (const stats::ChangePoint& cp : stats::detect_change_points(values, options.change_points)) {
    Change change{cp, series.points[cp.index], false};
    change.regression =
        lower_is_better ? cp.mean_after > cp.mean_before : cp.mean_after < cp.mean_before;
    out.changes.push_back(change);
  }
  for (size_t index : stats::find_degradation_streaks(values, lower_is_better, options.streaks)) {
    out.alerts.push_back({index, series.points[index]});
  }
  if (values.empty()) return out;
  const size_t newest = values.size() - 1;
  if (!out.changes.empty() && out.changes.back().point.index == newest &&
      out.changes.back().regression) {
    const stats::ChangePoint& cp = out.changes.back().point;
    out.newest_regresses = true;
    out.regression_reason =
        fmt::format("{} starts a regression: mean {:.6g} -> {:.6g} {} ({:+.1f}%, p={:.2g})",
                    short_commit(series.points[newest]), cp.mean_before, cp.mean_after, series.unit,
                    cp.change_percent(), cp.p_value);
  }
  if (!out.alerts.empty() && out.alerts.back().index == newest) {
    const size_t streak = options.streaks.streak;
    out.newest_alerted = true;
    out.alert_reason = fmt::format("{} completes {} worse runs in a row ({:.6g} -> {:.6g} {})",
                                   short_commit(series.points[newest]), streak,
                                   values[newest - streak], values[newest], series.unit);
  }
  return out;
}

}  // namespace perfgate::analysis::history
