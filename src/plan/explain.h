// Explain: the human-readable account of a loaded plan for `perfgate plan --explain` — each
// scenario with its executor, expanded stages, timing and flows, a small ASCII chart of VUs or
// iteration rate over time, the thresholds and the flows' steps. Header values pass through the
// Redactor, so secrets never show.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "plan/plan.h"
#include "plan/redact.h"

namespace perfgate::plan {

std::string explain_plan(const Plan& plan, const Redactor& redactor);

// A chart `height` rows tall with one column per value, filled with '#' up to each value,
// y-axis labels on the left scaled to the maximum and `unit` after the top label.
std::string ascii_chart(const std::vector<double>& values, int height, const std::string& unit);

}  // namespace perfgate::plan
