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

#include "engine/plan_index.h"
#include "engine/sub_metrics.h"
#include "engine/trace_context.h"
#include "plan/metric_samples.h"
#include "plan/plan.h"
#include "results/metric_set.h"
#include "results/run_result.h"
#include "stats/hdr_histogram.h"

namespace perfgate::engine {

struct NameStats {
  HdrHistogram duration = HdrHistogram::for_latency_micros();  // microseconds
  int64_t requests = 0;
  int64_t failed = 0;
  int64_t extract_failures = 0;  // extractions that found nothing (the variable became "")
  SlowestTraces slowest;         // options.tracing: the slowest sampled requests' trace ids
};

struct CheckStats {
  int64_t passes = 0;
  int64_t fails = 0;
};

struct CustomSample {
  size_t metric = 0;  // index into Plan::metrics
  Nanos at = 0;       // since the run start
  double value = 0;
  // The request that recorded it, for its tags (scenario, name, method, group, scenario tags).
  uint32_t scenario = 0;
  uint32_t flow = 0;
  uint32_t step = 0;
};

struct PlanMetrics {
  PlanMetrics(size_t names, size_t checks, std::vector<SubStats> subs = {})
      : names(names), checks(checks), subs(std::move(subs)) {}
  explicit PlanMetrics(const PlanIndex& index)
      : PlanMetrics(index.names.size(), index.checks.size(), make_sub_stats(index.subs)) {}
  void add(const PlanMetrics& other);
  void reset();

  results::MetricSet base;
  std::vector<NameStats> names;    // indexed like PlanIndex::names
  std::vector<CheckStats> checks;  // indexed like PlanIndex::checks
  std::vector<SubStats> subs;      // indexed like PlanIndex::subs.subs
  std::vector<CustomSample> custom;
  HdrHistogram group_duration = HdrHistogram::for_latency_micros();
  // Iterations that started in second k of the run (actual start, not the scheduled one), so the
  // shape of the load can be checked without the jitter of the once-a-second collection.
  std::vector<int64_t> starts_by_second;
};

class MetricWindows;

// Threshold queries over a run's merged totals. `elapsed` divides counter rates. Tagged built-in
// selectors read their sub-metric (PlanIndex::subs). Thresholds with a `window` read custom
// metrics from their samples and built-in ones from `windows` (when given; otherwise the whole
// run is used).
class PlanValues final : public plan::MetricValues {
 public:
  PlanValues(const plan::Plan& plan, const PlanIndex& index, const PlanMetrics& totals,
             const plan::MetricSamples& custom, Nanos elapsed,
             const MetricWindows* windows = nullptr)
      : plan_(plan),
        index_(index),
        totals_(totals),
        custom_(custom),
        elapsed_(elapsed),
        windows_(windows) {}

  std::optional<double> aggregate(const plan::MetricSelector& metric, plan::Aggregation aggregation,
                                  double percentile, Nanos window) const override;

  // The vus and vus_max gauges (value, min, max) as the run has seen them so far.
  void set_gauges(const results::VuGauge& vus, const results::VuGauge& vus_max) {
    vus_ = &vus;
    vus_max_ = &vus_max;
  }

  // The parts of a built-in metric, for MetricWindows: a trend's histogram (microseconds), a
  // rate's (trues, total), a counter's count; nullptr/nullopt when `metric` is not of that kind
  // or names an unknown tag value.
  const HdrHistogram* trend(const plan::MetricSelector& metric) const;
  std::optional<std::pair<int64_t, int64_t>> rate_counts(const plan::MetricSelector& metric) const;
  std::optional<int64_t> counter_count(const plan::MetricSelector& metric) const;

  // k6's trend aggregations of `h` (microseconds) in milliseconds; count as a number.
  static std::optional<double> trend_value(const HdrHistogram& h, plan::Aggregation aggregation,
                                           double percentile);
  // A counter's count or its rate per second over `span`.
  static std::optional<double> counter_value(int64_t count, plan::Aggregation aggregation,
                                             Nanos span);

 private:
  const SubStats* sub(const plan::MetricSelector& metric) const;

  const plan::Plan& plan_;
  const PlanIndex& index_;
  const PlanMetrics& totals_;
  const plan::MetricSamples& custom_;
  Nanos elapsed_;
  const MetricWindows* windows_;
  const results::VuGauge* vus_ = nullptr;
  const results::VuGauge* vus_max_ = nullptr;
};

}  // namespace perfgate::engine
