#include "results/metric_set.h"

namespace perfgate::results {

MetricSet::MetricSet() {
  trends.reserve(kTrendCount);
  for (size_t i = 0; i < kTrendCount; ++i) trends.push_back(HdrHistogram::for_latency_micros());
}

void MetricSet::add(const MetricSet& other) {
  for (size_t i = 0; i < kTrendCount; ++i) trends[i].add(other.trends[i]);
  http_reqs += other.http_reqs;
  failed_requests += other.failed_requests;
  iterations += other.iterations;
  dropped_iterations += other.dropped_iterations;
  data_sent += other.data_sent;
  data_received += other.data_received;
  for (size_t i = 0; i < kErrorClassCount; ++i) errors[i] += other.errors[i];
  for (size_t i = 0; i < kStatusSlots; ++i) statuses[i] += other.statuses[i];
}

void MetricSet::reset() {
  for (auto& h : trends) {
    if (h.count() != 0) h.reset();
  }
  http_reqs = failed_requests = iterations = dropped_iterations = data_sent = data_received = 0;
  errors.fill(0);
  statuses.fill(0);
}

}  // namespace perfgate::results
