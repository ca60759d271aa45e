// MetricSamples: a small in-memory MetricValues that keeps every sample with its time and tags
// and computes k6's aggregations exactly. Meant for tests, custom metrics with few samples and
// end-of-run evaluation of small runs; the engine's histogram shards implement MetricValues
// themselves for the hot metrics.
//
// Aggregations follow k6: counter count = sum, rate = sum per second of run time; gauge value =
// last sample; rate rate = share of non-zero samples; trend p(N) interpolates linearly between
// the closest ranks, med = p(50).
//
// Thread-safety: not synchronised; fill from one thread, then evaluate.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "plan/threshold.h"

namespace perfgate::plan {

class MetricSamples final : public MetricValues {
 public:
  using Tags = std::vector<std::pair<std::string, std::string>>;

  void declare(const std::string& name, MetricType type) { types_[name] = type; }
  void add(const std::string& name, Nanos at, double value, Tags tags = {});
  // The run time so far: the end of every window and the divisor of counter rates.
  void set_now(Nanos now) { now_ = now; }

  std::optional<double> aggregate(const MetricSelector& metric, Aggregation aggregation,
                                  double percentile, Nanos window) const override;

 private:
  struct Sample {
    Nanos at;
    double value;
    Tags tags;
  };
  std::vector<double> select(const MetricSelector& metric, Nanos window) const;

  std::map<std::string, MetricType> types_;
  std::map<std::string, std::vector<Sample>> samples_;
  Nanos now_ = 0;
};

// p(N) of `sorted` (ascending, non-empty) with linear interpolation, as k6 computes it.
double interpolated_percentile(const std::vector<double>& sorted, double percentile);

}  // namespace perfgate::plan
