// The plan_run section (results::PlanRunOutcome) of a merged distributed run, from the parts
// that carry one: group_duration and trend sub-metrics as the sum of the parts' HdrHistograms
// (exact), sub-metric counts summed (matched by key), the groups in order of first appearance,
// iterations started per second aligned on the common axis (a part's second k is second
// k + offset), and the abort kept when any part aborted, saying which part(s), at the earliest
// abort on the common axis.
//
// Thread-safety: pure function.
#pragma once

#include <optional>
#include <vector>

#include "cli/merge_parts.h"

namespace perfgate::cli {

// Seconds of iterations_started_per_second kept after the earliest part's start (about 11.5
// days); later ones (a part whose start_unix_ns is far off) are dropped.
inline constexpr size_t kMaxStartSeconds = 1'000'000;

// Empty when no part carries a plan_run section.
std::optional<results::PlanRunOutcome> merge_plan_run(const std::vector<MergePart>& parts);

}  // namespace perfgate::cli
