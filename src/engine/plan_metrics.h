// PlanMetrics: what a plan run records beyond the one-liner's MetricSet — http_req_duration and
// failures per request `name` tag, pass/fail counts per check name, and samples of the plan's
// custom metrics. PlanValues answers plan::MetricValues queries (thresholds) from merged totals:
// trends from HdrHistograms, sub-metrics {name:x} and {check:x}, custom metrics from samples.
//
// Thread-safety: a PlanMetrics belongs to one thread at a time (workers hand theirs over through
// a double-buffered Shard); PlanValues only reads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plan/metric_samples.h"
#include "plan/plan.h"
#include "results/metric_set.h"
#include "stats/hdr_histogram.h"

namespace perfgate::engine {

struct NameStats {
  HdrHistogram duration = HdrHistogram::for_latency_micros();  // microseconds
  int64_t requests = 0;
  int64_t failed = 0;
};

struct CheckStats {
  int64_t passes = 0;
  int64_t fails = 0;
};

struct CustomSample {
  size_t metric = 0;  // index into Plan::metrics
  Nanos at = 0;       // since the run start
  double value = 0;
};

struct PlanMetrics {
  PlanMetrics(size_t names, size_t checks) : names(names), checks(checks) {}
  void add(const PlanMetrics& other);
  void reset();

  results::MetricSet base;
  std::vector<NameStats> names;    // indexed like PlanIndex::names
  std::vector<CheckStats> checks;  // indexed like PlanIndex::checks
  std::vector<CustomSample> custom;
  HdrHistogram group_duration = HdrHistogram::for_latency_micros();
  // Iterations that started in second k of the run (actual start, not the scheduled one), so the
  // shape of the load can be checked without the jitter of the once-a-second collection.
  std::vector<int64_t> starts_by_second;
};

// Threshold queries over a run's merged totals. `elapsed` divides counter rates.
class PlanValues final : public plan::MetricValues {
 public:
  PlanValues(const plan::Plan& plan, const std::vector<std::string>& names,
             const std::vector<std::string>& checks, const PlanMetrics& totals,
             const plan::MetricSamples& custom, Nanos elapsed)
      : plan_(plan),
        names_(names),
        checks_(checks),
        totals_(totals),
        custom_(custom),
        elapsed_(elapsed) {}

  // `window` is not supported for built-in metrics: they are evaluated over the whole run.
  std::optional<double> aggregate(const plan::MetricSelector& metric, plan::Aggregation aggregation,
                                  double percentile, Nanos window) const override;

 private:
  const HdrHistogram* trend(const plan::MetricSelector& metric) const;
  std::optional<double> counter(int64_t count, plan::Aggregation aggregation) const;
  static std::optional<double> rate(int64_t trues, int64_t total);

  const plan::Plan& plan_;
  const std::vector<std::string>& names_;
  const std::vector<std::string>& checks_;
  const PlanMetrics& totals_;
  const plan::MetricSamples& custom_;
  Nanos elapsed_;
};

}  // namespace perfgate::engine
