// The plan-run section of a merged run; see merged_plan_run.h.
#include "cli/merged_plan_run.h"

#include <fmt/format.h>

#include <algorithm>

namespace perfgate::cli {
namespace {

using results::PlanRunOutcome;

constexpr size_t kMaxAbortReason = 2000;  // characters of the merged abort_reason

void add_sub_metrics(PlanRunOutcome& merged, const PlanRunOutcome& part) {
  for (const results::SubMetricOutcome& s : part.sub_metrics) {
    auto it = std::find_if(merged.sub_metrics.begin(), merged.sub_metrics.end(),
                           [&](const results::SubMetricOutcome& m) { return m.key == s.key; });
    if (it == merged.sub_metrics.end()) {
      merged.sub_metrics.push_back(s);
      continue;
    }
    it->count += s.count;
    it->total += s.total;
    it->samples += s.samples;
    it->trend.add(s.trend);
  }
}

void add_starts(std::vector<int64_t>& merged, const std::vector<int64_t>& part, int64_t offset) {
  const size_t from = static_cast<size_t>(std::clamp<int64_t>(offset, 0, kMaxStartSeconds));
  const size_t end = std::min(from + part.size(), kMaxStartSeconds);
  if (from >= end) return;
  if (merged.size() < end) merged.resize(end);
  for (size_t k = from; k < end; ++k) merged[k] += part[k - from];
}

void add_abort(PlanRunOutcome& merged, const PlanRunOutcome& part, const MergePart& p) {
  if (!part.aborted) return;
  const double at = part.aborted_at_seconds + static_cast<double>(p.offset_s);
  merged.aborted_at_seconds = merged.aborted ? std::min(merged.aborted_at_seconds, at) : at;
  merged.aborted = true;
  std::string& reason = merged.abort_reason;
  reason += fmt::format("{}part {} aborted at {:.1f} s: {}", reason.empty() ? "" : "; ",
                        part_name(p), at, part.abort_reason);
  if (reason.size() > kMaxAbortReason) reason.resize(kMaxAbortReason);
}

}  // namespace

std::optional<PlanRunOutcome> merge_plan_run(const std::vector<MergePart>& parts) {
  std::optional<PlanRunOutcome> merged;
  for (const MergePart& p : parts) {
    if (!p.doc->plan_run) continue;
    const PlanRunOutcome& part = *p.doc->plan_run;
    if (!merged) {
      merged.emplace();
      merged->name = part.name;
    }
    for (const std::string& g : part.groups) {
      if (std::find(merged->groups.begin(), merged->groups.end(), g) == merged->groups.end()) {
        merged->groups.push_back(g);
      }
    }
    add_sub_metrics(*merged, part);
    merged->group_duration.add(part.group_duration);
    add_starts(merged->iterations_started_per_second, part.iterations_started_per_second,
               p.offset_s);
    add_abort(*merged, part, p);
  }
  return merged;
}

}  // namespace perfgate::cli
