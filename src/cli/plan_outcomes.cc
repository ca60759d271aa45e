// The engine's plan results as values of the results model, and thresholds on monitor metrics
// judged once the monitor has stopped. Formatting lives in report/ (plan_summary.h,
// summary_json.h) and reads only the model.
#include "cli/plan_outcomes.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "cli/plan_metric_results.h"
#include "engine/request_labels.h"
#include "plan/schedule.h"

namespace perfgate::cli {
namespace {

bool is_monitor_metric(std::string_view name) {
  return name.starts_with("sut_") || name.starts_with("host_") || name.starts_with("generator_");
}

// Threshold values from the monitor's k6-shaped metrics object ({"sut_rss_bytes": {"max": ...}}).
class MonitorValues final : public plan::MetricValues {
 public:
  explicit MonitorValues(const nlohmann::json& metrics) : metrics_(metrics) {}
  std::optional<double> aggregate(const plan::MetricSelector& metric, plan::Aggregation aggregation,
                                  double percentile, Nanos) const override {
    auto entry = metrics_.find(metric.name);
    if (entry == metrics_.end() || !entry->is_object()) return std::nullopt;
    auto value = entry->find(stat_name(aggregation, percentile));
    if (value == entry->end() || !value->is_number()) return std::nullopt;
    return value->get<double>();
  }

 private:
  // The monitor's stat keys are the threshold grammar's names, with "p(95)" for percentiles.
  static std::string stat_name(plan::Aggregation aggregation, double percentile) {
    if (aggregation == plan::Aggregation::kPercentile) return fmt::format("p({})", percentile);
    return std::string(plan::aggregation_name(aggregation));
  }
  const nlohmann::json& metrics_;
};

// The groups of the plan's request steps, in order of first appearance ("" for the top).
std::vector<std::string> request_groups(const engine::PlanIndex& index) {
  std::vector<std::string> groups;
  for (const auto& flow : index.flows) {
    for (const engine::FlatStep& step : flow) {
      if (step.kind != engine::FlatStep::Kind::kRequest) continue;
      if (std::find(groups.begin(), groups.end(), step.group) == groups.end()) {
        groups.push_back(step.group);
      }
    }
  }
  return groups;
}

results::SubMetricOutcome sub_metric(const engine::SubMetric& sub, const engine::SubStats& s) {
  using Kind = results::SubMetricOutcome::Kind;
  results::SubMetricOutcome out{sub.key, Kind::kCounter, s.count, s.total, s.samples};
  if (s.trend) {
    out.kind = Kind::kTrend;
    out.trend = *s.trend;
  } else if (sub.source == engine::SubSource::kRequestFailed ||
             sub.source == engine::SubSource::kChecks) {
    out.kind = Kind::kRate;
  }
  return out;
}

results::PlanRunOutcome plan_run(const engine::PlanRunResult& r, const engine::PlanIndex& index,
                                 const plan::Plan& plan) {
  results::PlanRunOutcome out;
  out.name = plan.name;
  out.groups = request_groups(index);
  for (size_t i = 0; i < index.subs.subs.size() && i < r.totals.subs.size(); ++i) {
    out.sub_metrics.push_back(sub_metric(index.subs.subs[i], r.totals.subs[i]));
  }
  out.group_duration = r.totals.group_duration;
  out.iterations_started_per_second = r.totals.starts_by_second;
  out.aborted = r.aborted;
  out.abort_reason = r.abort_reason;
  out.aborted_at_seconds = static_cast<double>(r.aborted_at) / kNanosPerSecond;
  return out;
}

results::ThresholdOutcome threshold_outcome(const engine::ThresholdReport& t, bool strict) {
  const plan::Threshold& th = *t.threshold;
  const auto type = plan::builtin_metric_type(th.metric.name);
  const bool is_time =
      type == plan::MetricType::kTrend && th.expression.aggregation != plan::Aggregation::kCount;
  const bool no_data = t.outcome.status == plan::ThresholdStatus::kNoData;
  results::ThresholdOutcome out{th.metric.key(),
                                th.expression.source,
                                !threshold_fails(t, strict),
                                no_data ? 0.0 : t.outcome.observed,
                                is_time ? "ms" : "",
                                th.abort_on_fail,
                                no_data};
  if (th.window != 0 && t.windows_evaluated != 0) {
    out.window = engine::format_window(th.window);
    out.window_end_seconds = static_cast<double>(t.observed_at) / kNanosPerSecond;
    out.windows_failed = t.windows_failed;
    out.windows_evaluated = t.windows_evaluated;
  }
  out.file = th.pos.file;
  out.line = th.pos.line;
  out.column = th.pos.column;
  return out;
}

}  // namespace

bool threshold_fails(const engine::ThresholdReport& t, bool strict) {
  return t.outcome.status == plan::ThresholdStatus::kFail ||
         (strict && t.outcome.status == plan::ThresholdStatus::kNoData);
}

bool plan_thresholds_failed(const engine::PlanRunResult& r, bool strict) {
  return std::any_of(
      r.thresholds.begin(), r.thresholds.end(),
      [strict](const engine::ThresholdReport& t) { return threshold_fails(t, strict); });
}

// Thresholds on the monitor's metrics (sut_*, host_*, generator_*) can only be judged once the
// monitor has stopped; the engine reported them as "no data".
void evaluate_monitor_thresholds(engine::PlanRunResult& r, const nlohmann::json& monitor) {
  if (!monitor.is_object() || !monitor.contains("metrics")) return;
  const MonitorValues values(monitor["metrics"]);
  for (engine::ThresholdReport& t : r.thresholds) {
    if (!is_monitor_metric(t.threshold->metric.name)) continue;
    t.outcome = plan::evaluate(*t.threshold, values, r.run.meta.elapsed);
  }
}

void add_named_stats(report::ResultsDocument& doc, const engine::PlanRunResult& r,
                     const engine::PlanIndex& index, const plan::Plan& plan) {
  const std::vector<engine::RequestLabel> labels = engine::request_labels(index, plan);
  for (size_t i = 0; i < index.names.size(); ++i) {
    const engine::NameStats& n = r.totals.names[i];
    doc.names.push_back({index.names[i], n.requests, n.failed, n.duration, n.extract_failures,
                         labels[i].method, labels[i].url, n.slowest.list()});
  }
}

void add_plan_outcomes(report::ResultsDocument& doc, const engine::PlanRunResult& r,
                       const engine::PlanIndex& index, const plan::Plan& plan) {
  doc.environment.plan = plan.file;
  doc.plan_metrics = plan_metric_results(plan, r);
  add_named_stats(doc, r, index, plan);
  for (size_t i = 0; i < index.checks.size(); ++i) {
    const engine::CheckId& id = index.checks[i];
    doc.checks.push_back(
        {id.name, r.totals.checks[i].passes, r.totals.checks[i].fails, id.group, id.step});
  }
  for (const engine::ThresholdReport& t : r.thresholds) {
    doc.thresholds.push_back(threshold_outcome(t, plan.options.strict_thresholds));
  }
  doc.plan_run = plan_run(r, index, plan);
}

}  // namespace perfgate::cli
