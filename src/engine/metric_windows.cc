// MetricWindows: per-second slices and window aggregates; see metric_windows.h.
#include "engine/metric_windows.h"

#include <algorithm>

#include "engine/plan_metrics.h"

namespace perfgate::engine {

void MetricWindows::watch(const plan::MetricSelector& metric, Nanos window) {
  if (window <= 0 || find(metric, window) != nullptr) return;
  Series series;
  series.metric = metric;
  series.key = metric.key();
  series.window = window;
  series.seconds = static_cast<size_t>((window + kNanosPerSecond - 1) / kNanosPerSecond);
  series_.push_back(std::move(series));
}

void MetricWindows::add_second(const PlanValues& second) {
  for (Series& series : series_) {
    Slice slice;
    if (const HdrHistogram* h = second.trend(series.metric)) {
      series.kind = Kind::kTrend;
      if (h->count() > 0) {
        for (int32_t i = 0; i < h->counts_length(); ++i) {
          if (const int64_t n = h->count_at_index(i); n > 0) slice.buckets.emplace_back(i, n);
        }
      }
    } else if (auto counts = second.rate_counts(series.metric)) {
      series.kind = Kind::kRate;
      slice.count = counts->first;
      slice.total = counts->second;
    } else if (auto count = second.counter_count(series.metric)) {
      series.kind = Kind::kCounter;
      slice.count = *count;
    }
    series.slices.push_back(std::move(slice));
    while (series.slices.size() > series.seconds) series.slices.pop_front();
  }
}

const MetricWindows::Series* MetricWindows::find(const plan::MetricSelector& metric,
                                                 Nanos window) const {
  const std::string key = metric.key();
  for (const Series& s : series_) {
    if (s.window == window && s.key == key) return &s;
  }
  return nullptr;
}

std::optional<double> MetricWindows::aggregate(const plan::MetricSelector& metric,
                                               plan::Aggregation aggregation, double percentile,
                                               Nanos window, Nanos elapsed) const {
  const Series* series = find(metric, window);
  if (series == nullptr) return std::nullopt;
  switch (series->kind) {
    case Kind::kTrend:
      scratch_.reset();
      for (const Slice& slice : series->slices) {
        for (const auto& [index, count] : slice.buckets) scratch_.add_at_index(index, count);
      }
      return PlanValues::trend_value(scratch_, aggregation, percentile);
    case Kind::kRate: {
      int64_t trues = 0, total = 0;
      for (const Slice& slice : series->slices) trues += slice.count, total += slice.total;
      if (total == 0) return std::nullopt;
      return static_cast<double>(trues) / static_cast<double>(total);
    }
    case Kind::kCounter: {
      int64_t count = 0;
      for (const Slice& slice : series->slices) count += slice.count;
      return PlanValues::counter_value(count, aggregation, std::min(window, elapsed));
    }
    case Kind::kUnknown:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace perfgate::engine
