// The plan_metrics of a merged distributed run (results::PlanMetric holds k6's statistics of a
// metric, not its samples), from the parts' and from the merged plan_run:
//   - group_duration: from the merged plan_run histogram (exact);
//   - custom counters: the parts' counts summed, rate = count / the merged elapsed time (exact);
//   - custom rates: passes and fails summed, value = passes / (passes + fails) (exact);
//   - custom gauges: the lowest of the parts' min and the highest of their max (exact); no
//     value, since which part set the gauge last is not in the files;
//   - custom trends: not merged (percentiles of the whole cannot come from the parts'
//     statistics); `notes` names them.
//
// Thread-safety: pure function.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/merge_parts.h"

namespace perfgate::cli {

// Sorted by name, statistics in k6's order (results::sort_stats).
std::vector<results::PlanMetric> merge_plan_metrics(
    const std::vector<MergePart>& parts, const std::optional<results::PlanRunOutcome>& plan_run,
    double elapsed_s, std::vector<std::string>& notes);

}  // namespace perfgate::cli
