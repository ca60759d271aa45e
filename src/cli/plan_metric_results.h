// The plan's own metrics as the results model carries them: its custom metrics (k6's Counter,
// Gauge, Rate and Trend, summarised from their samples) and group_duration, so the console
// summary, the results file, the HTML report and compare/gate/history all see them.
//
// Thread-safety: a pure function over a finished run.
#pragma once

#include <vector>

#include "engine/plan_run.h"
#include "plan/plan.h"
#include "results/results_document.h"

namespace perfgate::cli {

// One PlanMetric per declared custom metric, and group_duration when an iteration went through
// a group; sorted by name, statistics in k6's order (results::sort_stats).
// group_duration in k6's trend statistics (milliseconds from the histogram's microseconds).
results::PlanMetric group_duration_metric(const HdrHistogram& h);

std::vector<results::PlanMetric> plan_metric_results(const plan::Plan& plan,
                                                     const engine::PlanRunResult& r);

}  // namespace perfgate::cli
