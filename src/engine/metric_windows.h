// MetricWindows: the sliding windows behind `window:` thresholds on built-in metrics
// ("http_req_duration: [{threshold: 'p(95)<300', window: 30s}]").
//
// Once a second the coordinator hands over that second's collected metrics; for every watched
// (metric, window) pair only what the metric needs of each second is kept — a trend's non-empty
// histogram buckets, a rate's (trues, total), a counter's count — for the last ⌈window⌉ seconds.
// A full 184 KiB histogram per second would cost 55 MB for a 5-minute window; the non-empty
// buckets of one second are typically a few hundred pairs. Window aggregates are rebuilt from
// the slices into one scratch histogram, so percentiles keep the histograms' 0.1% precision.
//
// Thread-safety: none; the plan coordinator's thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "plan/threshold.h"
#include "stats/hdr_histogram.h"

namespace perfgate::engine {

class PlanValues;

class MetricWindows {
 public:
  // Keeps ⌈window⌉ seconds of `metric` (a built-in metric, possibly tag-filtered).
  void watch(const plan::MetricSelector& metric, Nanos window);
  bool empty() const { return series_.empty(); }

  // Adds one collected second (the last one of a run may be shorter).
  void add_second(const PlanValues& second);

  // The aggregate over the last `window` of `metric`, as PlanValues computes it over the whole
  // run; counter rates divide by min(window, elapsed). nullopt: not watched, or no samples.
  std::optional<double> aggregate(const plan::MetricSelector& metric, plan::Aggregation aggregation,
                                  double percentile, Nanos window, Nanos elapsed) const;

 private:
  enum class Kind : uint8_t { kUnknown, kTrend, kRate, kCounter };
  struct Slice {
    std::vector<std::pair<int32_t, int64_t>> buckets;  // trend: (counts index, count)
    int64_t count = 0;                                 // rate: trues; counter: count
    int64_t total = 0;                                 // rate: total
  };
  struct Series {
    plan::MetricSelector metric;
    std::string key;  // metric.key(), for lookups
    Nanos window = 0;
    size_t seconds = 0;
    Kind kind = Kind::kUnknown;
    std::deque<Slice> slices;  // oldest first
  };

  const Series* find(const plan::MetricSelector& metric, Nanos window) const;

  std::vector<Series> series_;
  mutable HdrHistogram scratch_ = HdrHistogram::for_latency_micros();
};

}  // namespace perfgate::engine
