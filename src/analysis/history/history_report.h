// What `perfgate history` prints: run tables, one run's metrics, a metric's trend (console with a
// sparkline, CSV, JSON) and check verdicts. Text in, text out, so the CLI stays thin and the
// formats are tested without a database.
//
// Thread-safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "analysis/history/history_store.h"
#include "analysis/history/series_analysis.h"
#include "analysis/metric_table.h"

namespace perfgate::analysis::history {

// One character per value from "▁▂▃▄▅▆▇█", scaled between the series' min and max; a constant
// series is all "▄". At most `width` characters: longer series show their newest values.
std::string sparkline(std::span<const double> values, size_t width = 60);

std::string runs_table(const std::vector<RunInfo>& runs);
std::string runs_json(const std::vector<RunInfo>& runs);

std::string run_text(const RunInfo& run, const MetricTable& metrics);
std::string run_json(const RunInfo& run, const MetricTable& metrics);

std::string trend_text(const Series& series, const SeriesAnalysis& analysis);
// Columns: run,recorded_at,commit,branch,value,change_point,change_percent,alert
std::string trend_csv(const Series& series, const SeriesAnalysis& analysis);
std::string trend_json(const Series& series, const SeriesAnalysis& analysis);

}  // namespace perfgate::analysis::history
