// Threshold re-evaluation on merged results; see merged_thresholds.h.
#include "cli/merged_thresholds.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "plan/threshold.h"

namespace perfgate::cli {
namespace {

using plan::Aggregation;
using report::ResultsDocument;

// The metrics a results document carries, as the threshold evaluator asks for them.
class MergedValues final : public plan::MetricValues {
 public:
  explicit MergedValues(const ResultsDocument& doc) : doc_(doc) {}

  std::optional<double> aggregate(const plan::MetricSelector& metric, Aggregation aggregation,
                                  double percentile, Nanos window) const override {
    if (window > 0) return std::nullopt;  // no per-window data in results files
    if (metric.tags.empty()) return untagged(metric.name, aggregation, percentile);
    if (auto sub = sub_metric(metric.key(), aggregation, percentile)) return sub;
    if (metric.tags.size() != 1 || metric.tags[0].first != "name") return std::nullopt;
    const std::string& name = metric.tags[0].second;
    auto it = std::find_if(doc_.names.begin(), doc_.names.end(),
                           [&](const report::NamedStats& n) { return n.name == name; });
    if (it == doc_.names.end()) return std::nullopt;
    if (metric.name == "http_req_duration") return trend(it->duration, aggregation, percentile);
    if (metric.name == "http_req_failed" && it->requests > 0) {
      return static_cast<double>(it->failures) / static_cast<double>(it->requests);
    }
    if (metric.name == "http_reqs") return counter(it->requests, aggregation);
    return std::nullopt;
  }

 private:
  // A sub-metric the plan's thresholds declared, summed over the parts (plan_run).
  std::optional<double> sub_metric(const std::string& key, Aggregation aggregation,
                                   double percentile) const {
    if (!doc_.plan_run) return std::nullopt;
    const auto& subs = doc_.plan_run->sub_metrics;
    auto it = std::find_if(subs.begin(), subs.end(),
                           [&](const results::SubMetricOutcome& s) { return s.key == key; });
    if (it == subs.end() || it->samples == 0) return std::nullopt;
    using Kind = results::SubMetricOutcome::Kind;
    if (it->kind == Kind::kTrend) return trend(it->trend, aggregation, percentile);
    if (it->kind == Kind::kRate) {
      return aggregation == Aggregation::kRate ? ratio(it->count, it->total) : std::nullopt;
    }
    return counter(it->count, aggregation);
  }

  std::optional<double> untagged(const std::string& name, Aggregation aggregation,
                                 double percentile) const {
    const results::MetricSet& t = doc_.run.totals;
    for (size_t i = 0; i < results::kTrendCount; ++i) {
      if (results::kTrendNames[i] == name) return trend(t.trends[i], aggregation, percentile);
    }
    if (name == "http_req_failed") return ratio(t.failed_requests, t.http_reqs);
    if (name == "group_duration" && doc_.plan_run) {
      return trend(doc_.plan_run->group_duration, aggregation, percentile);
    }
    if (name == "checks") {
      int64_t passes = 0, total = 0;
      for (const auto& c : doc_.checks) passes += c.passes, total += c.passes + c.fails;
      return ratio(passes, total);
    }
    if (name == "http_reqs") return counter(t.http_reqs, aggregation);
    if (name == "iterations") return counter(t.iterations, aggregation);
    if (name == "dropped_iterations") return counter(t.dropped_iterations, aggregation);
    if (name == "data_sent") return counter(t.data_sent, aggregation);
    if (name == "data_received") return counter(t.data_received, aggregation);
    if (name == "vus" || name == "vus_max") {
      const results::VuGauge& g = name == "vus" ? doc_.run.vus : doc_.run.vus_max;
      if (aggregation == Aggregation::kMin) return static_cast<double>(g.min);
      if (aggregation == Aggregation::kMax) return static_cast<double>(g.max);
      return static_cast<double>(g.value);
    }
    return custom(name, aggregation);
  }

  // A custom counter, rate or gauge as the merge summed it (merged_plan_metrics.h).
  std::optional<double> custom(const std::string& name, Aggregation aggregation) const {
    auto it = std::find_if(doc_.plan_metrics.begin(), doc_.plan_metrics.end(),
                           [&](const report::PlanMetric& m) { return m.name == name; });
    if (it == doc_.plan_metrics.end() || it->type == "trend") return std::nullopt;
    std::string_view stat;
    if (aggregation == Aggregation::kCount) stat = "count";
    if (aggregation == Aggregation::kRate) stat = it->type == "rate" ? "value" : "rate";
    if (aggregation == Aggregation::kMin) stat = "min";
    if (aggregation == Aggregation::kMax) stat = "max";
    for (const auto& [key, value] : it->stats) {
      if (key == stat) return value;
    }
    return std::nullopt;
  }

  static std::optional<double> ratio(int64_t part, int64_t total) {
    if (total == 0) return std::nullopt;
    return static_cast<double>(part) / static_cast<double>(total);
  }

  std::optional<double> counter(int64_t count, Aggregation aggregation) const {
    if (aggregation == Aggregation::kCount) return static_cast<double>(count);
    const double elapsed = doc_.run.elapsed_seconds();
    if (aggregation == Aggregation::kRate && elapsed > 0) return count / elapsed;
    return std::nullopt;
  }

  static std::optional<double> trend(const HdrHistogram& h, Aggregation aggregation,
                                     double percentile) {
    if (h.count() == 0) return std::nullopt;
    constexpr double kMs = 1.0 / 1000.0;  // histograms hold microseconds; thresholds ms
    switch (aggregation) {
      case Aggregation::kAvg:
        return h.mean() * kMs;
      case Aggregation::kMin:
        return static_cast<double>(h.min()) * kMs;
      case Aggregation::kMax:
        return static_cast<double>(h.max()) * kMs;
      case Aggregation::kMed:
        return static_cast<double>(h.value_at_percentile(50)) * kMs;
      case Aggregation::kPercentile:
        return static_cast<double>(h.value_at_percentile(percentile)) * kMs;
      case Aggregation::kCount:
        return static_cast<double>(h.count());
      default:
        return std::nullopt;
    }
  }

  const ResultsDocument& doc_;
};

// The threshold as the parts recorded it, passed only if every part passed it.
report::ThresholdOutcome from_parts(const report::ThresholdOutcome& first,
                                    const std::vector<const ResultsDocument*>& parts) {
  report::ThresholdOutcome out = first;
  for (const ResultsDocument* p : parts) {
    for (const report::ThresholdOutcome& t : p->thresholds) {
      if (t.metric == first.metric && t.expression == first.expression && !t.passed) {
        out.passed = false;
        out.observed = t.observed;
      }
    }
  }
  return out;
}

}  // namespace

void reevaluate_thresholds(ResultsDocument& merged,
                           const std::vector<const ResultsDocument*>& parts,
                           std::vector<std::string>& notes) {
  if (parts.empty()) return;
  const MergedValues values(merged);
  for (const report::ThresholdOutcome& t : parts.front()->thresholds) {
    auto selector = plan::parse_metric_selector(t.metric);
    auto expression = plan::parse_threshold_expression(t.expression);
    std::optional<double> observed;
    if (selector && expression) {
      observed = values.aggregate(*selector, expression->aggregation, expression->percentile, 0);
    }
    if (!observed) {
      notes.push_back(fmt::format(
          "threshold {} {}: not in the merged data (a custom trend, a gauge's value, or a "
          "sub-metric the parts' plan_run does not carry); it passes only if it passed in every "
          "part",
          t.metric, t.expression));
      merged.thresholds.push_back(from_parts(t, parts));
      continue;
    }
    report::ThresholdOutcome out = t;
    out.observed = *observed;
    out.passed = expression->holds(*observed);
    merged.thresholds.push_back(out);
  }
}

}  // namespace perfgate::cli
