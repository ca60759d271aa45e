// Console text for `perfgate capacity`, `stress` and `scale`: the trial table, the answer and
// the findings, in plain words.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "analysis/capacity/capacity_search.h"
#include "analysis/capacity/scale_sweep.h"
#include "analysis/capacity/stress_search.h"

namespace perfgate::analysis::capacity {

std::string format_capacity(const CapacityResult& result);
std::string format_stress(const StressResult& result);
std::string format_scale(const ScaleResult& result);
// One line for a finished trial, for progress while a search runs.
std::string format_trial_line(const TrialStats& trial);

}  // namespace perfgate::analysis::capacity
