#include "cli/plan_metric_results.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

namespace perfgate::cli {
namespace {

using plan::Aggregation;

// k6's statistics of each metric type, in the order k6's summary lists them.
struct StatSpec {
  const char* stat;
  Aggregation aggregation;
  double percentile;
};

std::vector<StatSpec> stats_of(plan::MetricType type) {
  switch (type) {
    case plan::MetricType::kCounter:
      return {{"count", Aggregation::kCount, 0}, {"rate", Aggregation::kRate, 0}};
    case plan::MetricType::kGauge:
      return {{"value", Aggregation::kValue, 0},
              {"min", Aggregation::kMin, 0},
              {"max", Aggregation::kMax, 0}};
    case plan::MetricType::kRate:
      return {{"value", Aggregation::kRate, 0}};
    default:
      return {{"avg", Aggregation::kAvg, 0},           {"min", Aggregation::kMin, 0},
              {"med", Aggregation::kMed, 0},           {"max", Aggregation::kMax, 0},
              {"p(90)", Aggregation::kPercentile, 90}, {"p(95)", Aggregation::kPercentile, 95}};
  }
}

results::PlanMetric custom_metric(const plan::CustomMetric& m, const plan::MetricSamples& samples) {
  results::PlanMetric out{m.name, std::string(plan::metric_type_name(m.type)), "", {}};
  const plan::MetricSelector selector{m.name, {}};
  for (const StatSpec& s : stats_of(m.type)) {
    // A counter nobody incremented counted 0; other statistics of no samples do not exist.
    std::optional<double> v = samples.aggregate(selector, s.aggregation, s.percentile, 0);
    if (!v && m.type == plan::MetricType::kCounter) v = 0.0;
    if (v && std::isfinite(*v)) out.stats.emplace_back(s.stat, *v);
  }
  if (m.type == plan::MetricType::kRate) {
    // k6's Rate: "passes" counts the non-zero samples, "fails" the zero ones.
    const auto n = samples.aggregate(selector, Aggregation::kCount, 0, 0);
    const auto rate = samples.aggregate(selector, Aggregation::kRate, 0, 0);
    if (n && rate) {
      const double passes = std::round(*rate * *n);
      out.stats.emplace_back("passes", passes);
      out.stats.emplace_back("fails", *n - passes);
    }
  }
  return out;
}

}  // namespace

results::PlanMetric group_duration_metric(const HdrHistogram& h) {
  auto ms = [](double micros) { return micros / 1000.0; };
  return {"group_duration",
          "trend",
          "ms",
          {{"avg", ms(h.mean())},
           {"min", ms(static_cast<double>(h.min()))},
           {"med", ms(static_cast<double>(h.value_at_percentile(50)))},
           {"max", ms(static_cast<double>(h.max()))},
           {"p(90)", ms(static_cast<double>(h.value_at_percentile(90)))},
           {"p(95)", ms(static_cast<double>(h.value_at_percentile(95)))},
           {"count", static_cast<double>(h.count())}}};
}

std::vector<results::PlanMetric> plan_metric_results(const plan::Plan& plan,
                                                     const engine::PlanRunResult& r) {
  std::vector<results::PlanMetric> out;
  for (const plan::CustomMetric& m : plan.metrics) out.push_back(custom_metric(m, r.custom));
  if (r.totals.group_duration.count() > 0)
    out.push_back(group_duration_metric(r.totals.group_duration));
  // By name, as a results file read back lists them, so a live run and `perfgate report` agree.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (results::PlanMetric& m : out) results::sort_stats(m.stats);
  return out;
}

}  // namespace perfgate::cli
