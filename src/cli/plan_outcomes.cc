// The plan's outcomes in every form a run reports them: the console sections (per-name table,
// checks, failed extractions, thresholds), the k6-shaped summary JSON, the results document's
// plan parts, and thresholds on monitor metrics judged once the monitor has stopped.
#include "cli/plan_outcomes.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "cli/plan_metric_results.h"
#include "plan/schedule.h"
#include "report/summary_json.h"

namespace perfgate::cli {
namespace {

std::string ms_text(int64_t micros) {
  if (micros >= 1'000'000) return fmt::format("{:.2f}s", static_cast<double>(micros) / 1e6);
  return fmt::format("{:.2f}ms", static_cast<double>(micros) / 1e3);
}

double percent(int64_t part, int64_t total) {
  return total == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(total);
}

// One row per request name; with a single name the row would repeat the totals above: none.
std::string names_table(const engine::PlanRunResult& r, const engine::PlanIndex& index) {
  if (index.names.size() <= 1) return "";
  std::string out = fmt::format("\n  {:<28} {:>9} {:>10} {:>10} {:>10} {:>10} {:>8}\n", "name",
                                "count", "rate", "p50", "p95", "p99", "errors");
  const double seconds = std::max(r.run.elapsed_seconds(), 1e-9);
  for (size_t i = 0; i < index.names.size(); ++i) {
    const engine::NameStats& n = r.totals.names[i];
    out += fmt::format("  {:<28} {:>9} {:>8.1f}/s {:>10} {:>10} {:>10} {:>7.2f}%\n", index.names[i],
                       n.requests, static_cast<double>(n.requests) / seconds,
                       ms_text(n.duration.value_at_percentile(50)),
                       ms_text(n.duration.value_at_percentile(95)),
                       ms_text(n.duration.value_at_percentile(99)), percent(n.failed, n.requests));
  }
  return out;
}

std::string checks_section(const engine::PlanRunResult& r, const engine::PlanIndex& index) {
  if (index.checks.empty()) return "";
  int64_t passes = 0, fails = 0;
  std::string lines;
  for (size_t i = 0; i < index.checks.size(); ++i) {
    const engine::CheckStats& c = r.totals.checks[i];
    passes += c.passes;
    fails += c.fails;
    const engine::CheckId& id = index.checks[i];
    const std::string where = report::CheckOutcome{id.name, 0, 0, id.group, id.step}.where();
    lines += fmt::format("    {} {:<32} {:<28} ✓ {} ✗ {}\n", c.fails == 0 ? "✓" : "✗", id.name,
                         where, c.passes, c.fails);
  }
  return fmt::format("\n  checks: {:.2f}% ✓ {} ✗ {}\n{}", percent(passes, passes + fails), passes,
                     fails, lines);
}

// Extractions that found nothing leave empty variables behind, which later steps then send: say
// so, by request name, rather than let it pass as a mystery of the server's.
std::string extractions_section(const engine::PlanRunResult& r, const engine::PlanIndex& index) {
  int64_t total = 0;
  std::string by_name;
  for (size_t i = 0; i < index.names.size(); ++i) {
    const int64_t n = r.totals.names[i].extract_failures;
    if (n == 0) continue;
    total += n;
    by_name += fmt::format("{}{} {}", by_name.empty() ? "" : ", ", index.names[i], n);
  }
  if (total == 0) return "";
  return fmt::format(
      "\n  ⚠ extractions that found nothing: {} ({}); later steps used empty values\n", total,
      by_name);
}

// " (worst 30s window, ending at 42s; 3 of 40 failed)" for windowed thresholds.
std::string window_note(const engine::ThresholdReport& t) {
  if (t.threshold->window == 0 || t.windows_evaluated == 0) return "";
  return fmt::format(" (worst {} window, ending at {:.0f}s; {} of {} failed)",
                     engine::format_window(t.threshold->window),
                     static_cast<double>(t.observed_at) / kNanosPerSecond, t.windows_failed,
                     t.windows_evaluated);
}

// A threshold no sample reached is neither a pass nor (unless strict) a failure: "–  no data".
std::string thresholds_section(const engine::PlanRunResult& r, bool strict) {
  if (r.thresholds.empty()) return "";
  std::string out = "\n  thresholds:\n";
  for (const engine::ThresholdReport& t : r.thresholds) {
    const bool no_data = t.outcome.status == plan::ThresholdStatus::kNoData;
    const char* mark = threshold_fails(t, strict) ? "✗" : no_data ? "–" : "✓";
    const std::string observed = no_data
                                     ? (strict ? "no data (fails: strict thresholds)" : "no data")
                                     : fmt::format("observed {:.4g}", t.outcome.observed);
    out += fmt::format("    {} {:<36} {:<16} {}{}\n", mark, t.threshold->metric.key(),
                       t.threshold->expression.source, observed, window_note(t));
  }
  return out;
}

// A trend in k6's shape plus its sample count (sub-metric tables read it).
nlohmann::json trend_json(const HdrHistogram& h) {
  nlohmann::json out = report::trend_summary_json(h);
  out["count"] = h.count();
  return out;
}

// Custom metrics in k6's shapes, from the samples.
nlohmann::json custom_json(const plan::CustomMetric& m, const plan::MetricSamples& samples) {
  using plan::Aggregation;
  const plan::MetricSelector selector{m.name, {}};
  auto get = [&](Aggregation a, double p = 0) {
    return samples.aggregate(selector, a, p, 0).value_or(0.0);
  };
  switch (m.type) {
    case plan::MetricType::kCounter:
      return {{"count", get(Aggregation::kCount)}, {"rate", get(Aggregation::kRate)}};
    case plan::MetricType::kGauge:
      return {{"value", get(Aggregation::kValue)},
              {"min", get(Aggregation::kMin)},
              {"max", get(Aggregation::kMax)}};
    case plan::MetricType::kRate: {
      // k6's Rate: "passes" counts the non-zero samples, "fails" the zero ones.
      const double n = get(Aggregation::kCount), rate = get(Aggregation::kRate);
      const auto passes = static_cast<int64_t>(std::llround(rate * n));
      return {{"value", rate}, {"passes", passes}, {"fails", static_cast<int64_t>(n) - passes}};
    }
    default:
      return {{"avg", get(Aggregation::kAvg)},
              {"min", get(Aggregation::kMin)},
              {"med", get(Aggregation::kMed)},
              {"max", get(Aggregation::kMax)},
              {"p(90)", get(Aggregation::kPercentile, 90)},
              {"p(95)", get(Aggregation::kPercentile, 95)}};
  }
}

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

// k6's root_group: the plan's groups (from the group tags of its requests) and its checks, each
// under its group. k6 knows a check by group path and name, so the same check of two steps of one
// group is one entry there (the console and the results file keep them apart by step).
nlohmann::json root_group(const engine::PlanRunResult& r, const engine::PlanIndex& index) {
  std::vector<std::string> groups;
  for (const auto& flow : index.flows) {
    for (const engine::FlatStep& step : flow) {
      if (step.kind != engine::FlatStep::Kind::kRequest) continue;
      if (std::find(groups.begin(), groups.end(), step.group) == groups.end()) {
        groups.push_back(step.group);
      }
    }
  }
  std::vector<report::SummaryCheck> checks;
  for (size_t i = 0; i < index.checks.size() && i < r.totals.checks.size(); ++i) {
    const engine::CheckId& id = index.checks[i];
    auto same = std::find_if(checks.begin(), checks.end(), [&](const report::SummaryCheck& c) {
      return c.group == id.group && c.name == id.name;
    });
    if (same == checks.end())
      same = checks.insert(checks.end(), report::SummaryCheck{id.group, id.name, 0, 0});
    same->passes += r.totals.checks[i].passes;
    same->fails += r.totals.checks[i].fails;
  }
  groups.erase(std::remove(groups.begin(), groups.end(), std::string()), groups.end());
  return report::root_group_json(groups, checks);
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

std::string format_plan_summary(const engine::PlanRunResult& r, const engine::PlanIndex& index,
                                bool strict) {
  return names_table(r, index) + checks_section(r, index) + extractions_section(r, index) +
         thresholds_section(r, strict);
}

std::string plan_summary_json(const engine::PlanRunResult& r, const engine::PlanIndex& index,
                              const plan::Plan& plan) {
  nlohmann::json doc = nlohmann::json::parse(report::format_summary_json(r.run));
  doc["root_group"] = root_group(r, index);
  nlohmann::json& metrics = doc["metrics"];
  const double seconds = std::max(r.run.elapsed_seconds(), 1e-9);
  for (size_t i = 0; i < index.names.size(); ++i) {
    const engine::NameStats& n = r.totals.names[i];
    metrics[fmt::format("http_req_duration{{name:{}}}", index.names[i])] = trend_json(n.duration);
    metrics[fmt::format("http_reqs{{name:{}}}", index.names[i])] = {
        {"count", n.requests}, {"rate", static_cast<double>(n.requests) / seconds}};
    metrics[fmt::format("http_req_failed{{name:{}}}", index.names[i])] = {
        {"value", n.requests == 0 ? 0.0 : static_cast<double>(n.failed) / n.requests},
        {"passes", n.failed},
        {"fails", n.requests - n.failed}};
    if (n.extract_failures > 0) {
      metrics[fmt::format("extract_failures{{name:{}}}", index.names[i])] = {
          {"count", n.extract_failures},
          {"rate", static_cast<double>(n.extract_failures) / seconds}};
    }
  }
  int64_t extract_failures = 0;
  for (const engine::NameStats& n : r.totals.names) extract_failures += n.extract_failures;
  metrics["extract_failures"] = {{"count", extract_failures},
                                 {"rate", static_cast<double>(extract_failures) / seconds}};
  if (!index.checks.empty()) {
    int64_t passes = 0, fails = 0;
    for (const engine::CheckStats& c : r.totals.checks) passes += c.passes, fails += c.fails;
    metrics["checks"] = {{"value", passes + fails == 0 ? 0.0 : double(passes) / (passes + fails)},
                         {"passes", passes},
                         {"fails", fails}};
    nlohmann::json& list = doc["perfgate"]["checks"];
    list = nlohmann::json::array();
    for (size_t i = 0; i < index.checks.size(); ++i) {
      list.push_back({{"name", index.checks[i].name},
                      {"group", index.checks[i].group},
                      {"step", index.checks[i].step},
                      {"passes", r.totals.checks[i].passes},
                      {"fails", r.totals.checks[i].fails}});
    }
  }
  if (r.totals.group_duration.count() > 0) {
    metrics["group_duration"] = trend_json(r.totals.group_duration);
  }
  // Sub-metrics the thresholds declared, in k6's shapes (as k6's summary export lists them).
  for (size_t i = 0; i < index.subs.subs.size(); ++i) {
    const engine::SubMetric& sub = index.subs.subs[i];
    const engine::SubStats& s = r.totals.subs[i];
    if (s.samples == 0) continue;
    nlohmann::json& out = metrics[sub.key];
    if (s.trend) {
      out.update(trend_json(*s.trend));
    } else if (sub.source == engine::SubSource::kRequestFailed ||
               sub.source == engine::SubSource::kChecks) {
      out.update({{"value", s.total == 0 ? 0.0 : static_cast<double>(s.count) / s.total},
                  {"passes", s.count},
                  {"fails", s.total - s.count}});
    } else {
      out.update({{"count", s.count}, {"rate", static_cast<double>(s.count) / seconds}});
    }
  }
  // k6 always reports the duration of the responses it expected (200..399), thresholds or not.
  if (!metrics.contains(engine::kExpectedDurationKey)) {
    metrics[engine::kExpectedDurationKey] = trend_json(HdrHistogram::for_latency_micros());
  }
  for (const plan::CustomMetric& m : plan.metrics) metrics[m.name] = custom_json(m, r.custom);
  // k6's summary-export: "thresholds": {"<expression>": <true when it failed>}.
  for (const engine::ThresholdReport& t : r.thresholds) {
    metrics[t.threshold->metric.key()]["thresholds"][t.threshold->expression.source] =
        threshold_fails(t, plan.options.strict_thresholds);
  }
  nlohmann::json& info = doc["perfgate"]["plan"];
  info = {{"name", plan.name},
          {"file", plan.file},
          {"aborted", r.aborted},
          {"iterations_started_per_second", r.totals.starts_by_second}};
  if (r.aborted) {
    info["abort_reason"] = r.abort_reason;
    info["aborted_at_seconds"] = static_cast<double>(r.aborted_at) / kNanosPerSecond;
  }
  return doc.dump(2) + "\n";
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

// The plan's parts of the results file: per-name table, checks and thresholds, so --out json,
// html, junit and markdown show what the console summary shows.
void add_plan_outcomes(report::ResultsDocument& doc, const engine::PlanRunResult& r,
                       const engine::PlanIndex& index, const plan::Plan& plan) {
  doc.environment.plan = plan.file;
  doc.plan_metrics = plan_metric_results(plan, r);
  for (size_t i = 0; i < index.names.size(); ++i) {
    const engine::NameStats& n = r.totals.names[i];
    doc.names.push_back({index.names[i], n.requests, n.failed, n.duration});
  }
  for (size_t i = 0; i < index.checks.size(); ++i) {
    const engine::CheckId& id = index.checks[i];
    doc.checks.push_back(
        {id.name, r.totals.checks[i].passes, r.totals.checks[i].fails, id.group, id.step});
  }
  for (const engine::ThresholdReport& t : r.thresholds) {
    const auto type = plan::builtin_metric_type(t.threshold->metric.name);
    const bool is_time = type == plan::MetricType::kTrend &&
                         t.threshold->expression.aggregation != plan::Aggregation::kCount;
    const bool no_data = t.outcome.status == plan::ThresholdStatus::kNoData;
    doc.thresholds.push_back({t.threshold->metric.key(), t.threshold->expression.source,
                              !threshold_fails(t, plan.options.strict_thresholds),
                              no_data ? 0.0 : t.outcome.observed, is_time ? "ms" : "",
                              t.threshold->abort_on_fail, no_data});
  }
}

}  // namespace perfgate::cli
