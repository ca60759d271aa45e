// The JSON shapes of capacity, stress and scalability results (docs/results-format.md):
// `capacity`, `stress` and `scalability` objects, each holding its trials with their ordinary
// results documents. The CLI puts one of them into a results file beside the top-level run of a
// representative trial, so report, compare, gate and history read the file as any other.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "analysis/capacity/capacity_search.h"
#include "analysis/capacity/scale_sweep.h"
#include "analysis/capacity/stress_search.h"

namespace perfgate::analysis::capacity {

nlohmann::json trial_json(const TrialStats& trial);  // the summary and its "results"
nlohmann::json capacity_json(const CapacityResult& result, const CapacityOptions& options);
nlohmann::json stress_json(const StressResult& result);
nlohmann::json scalability_json(const ScaleResult& result);

}  // namespace perfgate::analysis::capacity
