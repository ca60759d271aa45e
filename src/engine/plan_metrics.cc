// PlanMetrics merging and threshold queries; see plan_metrics.h.
#include "engine/plan_metrics.h"

#include <algorithm>

#include "engine/metric_windows.h"

namespace perfgate::engine {
namespace {

using plan::Aggregation;

// The only tag a built-in selector may carry, or "" when it has none. Several tags: unsupported.
std::optional<std::pair<std::string, std::string>> single_tag(const plan::MetricSelector& m) {
  if (m.tags.size() != 1) return std::nullopt;
  return m.tags.front();
}

}  // namespace

void PlanMetrics::add(const PlanMetrics& other) {
  base.add(other.base);
  for (size_t i = 0; i < names.size() && i < other.names.size(); ++i) {
    names[i].duration.add(other.names[i].duration);
    names[i].requests += other.names[i].requests;
    names[i].failed += other.names[i].failed;
    names[i].extract_failures += other.names[i].extract_failures;
    names[i].slowest.add(other.names[i].slowest);
  }
  for (size_t i = 0; i < checks.size() && i < other.checks.size(); ++i) {
    checks[i].passes += other.checks[i].passes;
    checks[i].fails += other.checks[i].fails;
  }
  for (size_t i = 0; i < subs.size() && i < other.subs.size(); ++i) subs[i].add(other.subs[i]);
  custom.insert(custom.end(), other.custom.begin(), other.custom.end());
  group_duration.add(other.group_duration);
  if (starts_by_second.size() < other.starts_by_second.size()) {
    starts_by_second.resize(other.starts_by_second.size());
  }
  for (size_t i = 0; i < other.starts_by_second.size(); ++i) {
    starts_by_second[i] += other.starts_by_second[i];
  }
}

void PlanMetrics::reset() {
  base.reset();
  for (NameStats& n : names) n = NameStats{};
  for (CheckStats& c : checks) c = CheckStats{};
  for (SubStats& s : subs) s.reset();
  custom.clear();
  group_duration.reset();
  starts_by_second.clear();
}

const SubStats* PlanValues::sub(const plan::MetricSelector& metric) const {
  auto id = index_.subs.find(metric);
  if (!id || *id >= totals_.subs.size()) return nullptr;
  return &totals_.subs[*id];
}

const HdrHistogram* PlanValues::trend(const plan::MetricSelector& metric) const {
  if (!metric.tags.empty()) {
    const SubStats* s = sub(metric);
    return s && s->trend ? &*s->trend : nullptr;
  }
  if (metric.name == "group_duration") return &totals_.group_duration;
  for (size_t t = 0; t < results::kTrendCount; ++t) {
    if (results::kTrendNames[t] == metric.name) return &totals_.base.trends[t];
  }
  return nullptr;
}

std::optional<std::pair<int64_t, int64_t>> PlanValues::rate_counts(
    const plan::MetricSelector& metric) const {
  if (metric.name != "http_req_failed" && metric.name != "checks") return std::nullopt;
  if (!metric.tags.empty()) {
    const SubStats* s = sub(metric);
    if (!s) return std::nullopt;
    return std::pair{s->count, s->total};
  }
  if (metric.name == "http_req_failed") {
    return std::pair{totals_.base.failed_requests, totals_.base.http_reqs};
  }
  int64_t passes = 0, total = 0;
  for (const CheckStats& c : totals_.checks) passes += c.passes, total += c.passes + c.fails;
  return std::pair{passes, total};
}

std::optional<int64_t> PlanValues::counter_count(const plan::MetricSelector& metric) const {
  const results::MetricSet& b = totals_.base;
  if (metric.name == "extract_failures") {  // per request name, kept in NameStats
    auto tag = single_tag(metric);
    if (!metric.tags.empty() && (!tag || tag->first != "name")) return std::nullopt;
    int64_t sum = 0;
    for (size_t i = 0; i < index_.names.size() && i < totals_.names.size(); ++i) {
      if (metric.tags.empty() || index_.names[i] == tag->second) {
        sum += totals_.names[i].extract_failures;
      }
    }
    return sum;
  }
  if (!metric.tags.empty()) {
    const SubStats* s = sub(metric);
    if (!s || s->trend || s->samples == 0) return std::nullopt;
    return s->count;
  }
  if (metric.name == "http_reqs") return b.http_reqs;
  if (metric.name == "iterations") return b.iterations;
  if (metric.name == "dropped_iterations") return b.dropped_iterations;
  if (metric.name == "data_sent") return b.data_sent;
  if (metric.name == "data_received") return b.data_received;
  return std::nullopt;
}

std::optional<double> PlanValues::trend_value(const HdrHistogram& h, Aggregation aggregation,
                                              double percentile) {
  if (h.count() == 0) return std::nullopt;
  const double ms = 1.0 / 1000.0;  // histograms hold microseconds; thresholds milliseconds
  switch (aggregation) {
    case Aggregation::kAvg:
      return h.mean() * ms;
    case Aggregation::kMin:
      return static_cast<double>(h.min()) * ms;
    case Aggregation::kMax:
      return static_cast<double>(h.max()) * ms;
    case Aggregation::kMed:
      return static_cast<double>(h.value_at_percentile(50)) * ms;
    case Aggregation::kPercentile:
      return static_cast<double>(h.value_at_percentile(percentile)) * ms;
    case Aggregation::kCount:
      return static_cast<double>(h.count());
    default:
      return std::nullopt;
  }
}

std::optional<double> PlanValues::counter_value(int64_t count, Aggregation aggregation,
                                                Nanos span) {
  if (aggregation == Aggregation::kCount) return static_cast<double>(count);
  if (aggregation == Aggregation::kRate && span > 0) {
    return static_cast<double>(count) * kNanosPerSecond / static_cast<double>(span);
  }
  return std::nullopt;
}

std::optional<double> PlanValues::aggregate(const plan::MetricSelector& metric,
                                            Aggregation aggregation, double percentile,
                                            Nanos window) const {
  for (const plan::CustomMetric& custom : plan_.metrics) {
    if (custom.name == metric.name) {
      return custom_.aggregate(metric, aggregation, percentile, window);
    }
  }
  if ((metric.name == "vus" || metric.name == "vus_max") && metric.tags.empty()) {
    const results::VuGauge* gauge = metric.name == "vus" ? vus_ : vus_max_;
    if (gauge == nullptr) return std::nullopt;
    if (aggregation == Aggregation::kMin) return static_cast<double>(gauge->min);
    if (aggregation == Aggregation::kMax) return static_cast<double>(gauge->max);
    return static_cast<double>(gauge->value);
  }
  if (window > 0 && windows_ != nullptr) {
    return windows_->aggregate(metric, aggregation, percentile, window, elapsed_);
  }
  if (const HdrHistogram* h = trend(metric)) return trend_value(*h, aggregation, percentile);
  if (auto counts = rate_counts(metric)) {
    if (counts->second == 0) return std::nullopt;
    return static_cast<double>(counts->first) / static_cast<double>(counts->second);
  }
  if (auto count = counter_count(metric)) return counter_value(*count, aggregation, elapsed_);
  return std::nullopt;
}

}  // namespace perfgate::engine
