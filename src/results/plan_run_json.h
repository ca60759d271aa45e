// The `plan_run` section of the results file: a plan run's PlanRunOutcome (groups, the
// sub-metrics its thresholds declared, group_duration, iterations started per second, the abort)
// as JSON and back. Part of the one results reader/writer (results/results_json.h), in a file of
// its own so the reader and writer stay short; the layout is in docs/results-format.md.
//
// Histograms (group_duration, trend sub-metrics) are written as every trend of the file is:
// summary statistics plus the HdrHistogram they come from, decoded on reading.
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "results/results_document.h"

namespace perfgate::results {

// Summary statistics of `h` (microseconds) and its compressed base64 encoding (the shape of every
// trend in the results file).
nlohmann::json trend_to_json(const HdrHistogram& h);

// The "histogram" of a trend object, decoded; `what` names the trend in errors.
Result<HdrHistogram> trend_from_json(const nlohmann::json& trend, std::string_view what);

nlohmann::json plan_run_to_json(const PlanRunOutcome& plan);

// REQUIRES: `json` is an object. Missing members read as empty; a malformed histogram or member
// of the wrong type is an Error naming it.
Result<PlanRunOutcome> plan_run_from_json(const nlohmann::json& json);

}  // namespace perfgate::results
