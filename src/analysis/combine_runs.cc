// combine_runs(): several result files of one side as one MetricTable (see compare.h).
#include <fmt/format.h>

#include <map>

#include "analysis/compare.h"
#include "stats/descriptive.h"

namespace perfgate::analysis {
namespace {

void merge_into(Metric& into, const Metric& run, bool first) {
  if (first) {
    into = run;
    into.samples.clear();
  }
  if (run.samples.empty()) {
    into.samples.push_back(run.value);
  } else {
    into.samples.insert(into.samples.end(), run.samples.begin(), run.samples.end());
  }
  if (!first && into.histogram && run.histogram) {
    auto merged = std::make_shared<HdrHistogram>(*into.histogram);
    merged->add(*run.histogram);
    into.histogram = std::move(merged);
  } else if (!first) {
    into.histogram.reset();  // a run without a histogram: fall back to per-run values
  }
}

}  // namespace

MetricTable combine_runs(const std::vector<MetricTable>& runs) {
  if (runs.size() == 1) return runs.front();
  MetricTable out;
  std::map<std::string, size_t> index;
  std::vector<std::string> sources;
  for (const MetricTable& run : runs) {
    sources.push_back(run.source);
    if (out.format.empty()) out.format = run.format;
    if (out.format != run.format) out.format = "mixed";
    for (const Metric& metric : run.metrics) {
      auto [it, inserted] = index.try_emplace(metric.key(), out.metrics.size());
      if (inserted) out.metrics.emplace_back();
      merge_into(out.metrics[it->second], metric, inserted);
    }
  }
  for (Metric& metric : out.metrics) {
    if (!metric.samples.empty()) metric.value = stats::median(metric.samples);
  }
  out.source = fmt::format("{}", fmt::join(sources, ", "));
  return out;
}

}  // namespace perfgate::analysis
