// The plan metrics of a merged run; see merged_plan_metrics.h.
#include "cli/merged_plan_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "cli/plan_metric_results.h"

namespace perfgate::cli {
namespace {

using results::PlanMetric;

double stat(const PlanMetric& m, std::string_view name, double absent) {
  for (const auto& [key, value] : m.stats) {
    if (key == name) return value;
  }
  return absent;
}

// One custom metric over the parts.
struct Sum {
  std::string type;
  double count = 0, passes = 0, fails = 0;
  std::optional<double> min, max;

  void add(const PlanMetric& m) {
    count += stat(m, "count", 0);
    passes += stat(m, "passes", 0);
    fails += stat(m, "fails", 0);
    for (const auto& [key, value] : m.stats) {
      if (key == "min") min = min ? std::min(*min, value) : value;
      if (key == "max") max = max ? std::max(*max, value) : value;
    }
  }

  PlanMetric result(const std::string& name, double elapsed_s) const {
    PlanMetric out{name, type, "", {}};
    if (type == "counter") {
      out.stats = {{"count", count}};
      if (elapsed_s > 0) out.stats.emplace_back("rate", count / elapsed_s);
    } else if (type == "rate") {
      out.stats = {{"passes", passes}, {"fails", fails}};
      if (passes + fails > 0) out.stats.emplace_back("value", passes / (passes + fails));
    } else {
      if (min) out.stats.emplace_back("min", *min);
      if (max) out.stats.emplace_back("max", *max);
    }
    return out;
  }
};

}  // namespace

std::vector<PlanMetric> merge_plan_metrics(const std::vector<MergePart>& parts,
                                           const std::optional<results::PlanRunOutcome>& plan_run,
                                           double elapsed_s, std::vector<std::string>& notes) {
  std::map<std::string, Sum> sums;
  std::vector<std::string> trends;
  for (const MergePart& p : parts) {
    for (const PlanMetric& m : p.doc->plan_metrics) {
      if (m.name == "group_duration") continue;  // from plan_run's histogram below
      if (m.type == "trend") {
        if (std::find(trends.begin(), trends.end(), m.name) == trends.end()) {
          trends.push_back(m.name);
        }
        continue;
      }
      Sum& sum = sums[m.name];
      if (sum.type.empty()) sum.type = m.type;
      if (sum.type == m.type) sum.add(m);
    }
  }
  std::vector<PlanMetric> out;
  for (const auto& [name, sum] : sums) out.push_back(sum.result(name, elapsed_s));
  if (plan_run && plan_run->group_duration.count() > 0) {
    out.push_back(group_duration_metric(plan_run->group_duration));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (PlanMetric& m : out) results::sort_stats(m.stats);
  for (const std::string& t : trends) {
    notes.push_back(fmt::format(
        "custom trend {}: not in the merged file (its percentiles cannot be computed from the "
        "parts' statistics)",
        t));
  }
  return out;
}

}  // namespace perfgate::cli
