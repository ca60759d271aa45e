// Merging the results files of a distributed run's parts (`perfgate merge`) into one results
// document that report, compare, gate and history read like any run's:
//   - trends and per-name durations: HdrHistograms added (exact: the merge is the histogram of
//     every part's samples); counters, errors, statuses, checks and per-name counts summed;
//   - per-second series and interval histograms aligned on wall-clock seconds (each part's
//     start_unix_ns, rounded to the second, places its points); a second's percentiles come from
//     the merged interval histogram when the parts kept one; series.scenarios is the union of
//     the parts' scenario names and each point's scenario_vus the per-scenario sum (by name);
//   - name_series per request name on the same axis (merged_name_series.h: exact percentiles
//     from `name:` interval histograms when the parts kept them, else an upper bound);
//   - plan_run: histograms added, counts summed, iteration starts aligned, any part's abort kept
//     (merged_plan_run.h); plan_metrics: group_duration, custom counters, rates and gauges'
//     min/max exact, custom trends left out (merged_plan_metrics.h);
//   - thresholds re-evaluated on the merged data where the results file carries it (base
//     trends, counters, http_req_failed, checks, {name:...} of the per-name table, vus, and from
//     the merged plan_run group_duration and the sub-metrics the thresholds declared, custom
//     counters, rates and gauges' min/max); the others (custom trends, a gauge's value, tag
//     filters without plan_run data) pass only if they passed in every part, and the merge says
//     so; windows are evaluated over the whole merged run;
//   - each part's instance, segment, health and monitor data kept in `parts`; a part whose file
//     is missing or unreadable, that was interrupted, or a gap in the parts' segments, is
//     reported in `problems` (and as a health warning), never silently dropped.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "report/results_model.h"

namespace perfgate::cli {

struct MergeInput {
  std::string file;
  Result<report::ResultsDocument> doc;  // an Error for a missing or unreadable part
};

struct MergeOutcome {
  report::ResultsDocument merged;
  std::vector<std::string> problems;  // missing/failed parts, segment gaps: each a sentence
  std::vector<std::string> notes;     // thresholds not re-evaluated, and why
};

// REQUIRES: at least one input holds a document.
MergeOutcome merge_results(const std::vector<MergeInput>& inputs, const std::string& command);

}  // namespace perfgate::cli
