// Plan outcomes: the engine's plan results (per-name stats, checks, thresholds, sub-metrics,
// custom metrics) made values of the results model, which every formatter reads (console,
// --summary-json, the results file, JUnit, Markdown, GitHub, HTML); and thresholds on monitor
// metrics, judged once the monitor has stopped.
//
// Thread-safety: pure functions over a finished run.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/plan_index.h"
#include "engine/plan_run.h"
#include "plan/plan.h"
#include "report/results_model.h"

namespace perfgate::cli {

// Whether `t` fails the run: it failed, or it had no data and thresholds are strict.
bool threshold_fails(const engine::ThresholdReport& t, bool strict);
bool plan_thresholds_failed(const engine::PlanRunResult& r, bool strict);

// Thresholds on the monitor's metrics (sut_*, host_*, generator_*) can only be judged once the
// monitor has stopped; the engine reported them as "no data".
void evaluate_monitor_thresholds(engine::PlanRunResult& r, const nlohmann::json& monitor);

// The plan's parts of the results model: per-name stats, checks, thresholds (`strict` from
// plan.options), custom metrics and group_duration, and doc.plan_run (groups, sub-metrics, abort).
void add_plan_outcomes(report::ResultsDocument& doc, const engine::PlanRunResult& r,
                       const engine::PlanIndex& index, const plan::Plan& plan);

// Per-name stats only (doc.names), one per request name of the index: what a one-liner (a
// one-step plan named after its URL) adds to its results.
void add_named_stats(report::ResultsDocument& doc, const engine::PlanRunResult& r,
                     const engine::PlanIndex& index, const plan::Plan& plan);

}  // namespace perfgate::cli
