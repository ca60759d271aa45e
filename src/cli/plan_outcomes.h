// Plan outcomes: how a plan run's results are reported — the console sections after the common
// summary, the --summary-json document (k6's summary-export shape plus perfgate's plan block),
// the plan parts of the results document (--out), and thresholds on monitor metrics.
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

// Per-name table, checks, failed extractions and thresholds (✓/✗ with observed values).
// `strict`: thresholds with no data fail (--strict-thresholds, options.strictThresholds).
std::string format_plan_summary(const engine::PlanRunResult& r, const engine::PlanIndex& index,
                                bool strict = false);

// Whether `t` fails the run: it failed, or it had no data and thresholds are strict.
bool threshold_fails(const engine::ThresholdReport& t, bool strict);
bool plan_thresholds_failed(const engine::PlanRunResult& r, bool strict);

// The k6 summary-export document with per-name, sub-metric, check and custom metrics.
std::string plan_summary_json(const engine::PlanRunResult& r, const engine::PlanIndex& index,
                              const plan::Plan& plan);

// Thresholds on the monitor's metrics (sut_*, host_*, generator_*) can only be judged once the
// monitor has stopped; the engine reported them as "no data".
void evaluate_monitor_thresholds(engine::PlanRunResult& r, const nlohmann::json& monitor);

// The plan's parts of the results file: per-name table, checks and thresholds, so --out json,
// html, junit and markdown show what the console summary shows.
void add_plan_outcomes(report::ResultsDocument& doc, const engine::PlanRunResult& r,
                       const engine::PlanIndex& index, const plan::Plan& plan);

}  // namespace perfgate::cli
