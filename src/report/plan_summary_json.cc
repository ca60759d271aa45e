// The summary-export document of a plan run, from the results model (see summary_json.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/summary_json.h"

namespace perfgate::report {
namespace {

using nlohmann::json;
using results::ResultsDocument;

// A trend in k6's shape plus its sample count (sub-metric tables read it).
json trend_json(const HdrHistogram& h) {
  json out = trend_summary_json(h);
  out["count"] = h.count();
  return out;
}

double stat(const results::PlanMetric& m, std::string_view name) {
  for (const auto& [key, value] : m.stats) {
    if (key == name) return value;
  }
  return 0.0;  // a statistic of no samples: k6's summary export reports 0
}

// A custom metric in k6's shape: every statistic of its type, 0 when it had no samples.
json custom_json(const results::PlanMetric& m) {
  if (m.type == "counter") return {{"count", stat(m, "count")}, {"rate", stat(m, "rate")}};
  if (m.type == "gauge") {
    return {{"value", stat(m, "value")}, {"min", stat(m, "min")}, {"max", stat(m, "max")}};
  }
  if (m.type == "rate") {
    return {{"value", stat(m, "value")},
            {"passes", static_cast<int64_t>(std::llround(stat(m, "passes")))},
            {"fails", static_cast<int64_t>(std::llround(stat(m, "fails")))}};
  }
  json out = json::object();
  for (const char* s : {"avg", "min", "med", "max", "p(90)", "p(95)"}) out[s] = stat(m, s);
  return out;
}

// k6's root_group. k6 knows a check by group path and name, so the same check of two steps of
// one group is one entry there (the console and the results file keep them apart by step).
json root_group(const ResultsDocument& doc) {
  std::vector<SummaryCheck> checks;
  for (const results::CheckOutcome& c : doc.checks) {
    auto same = std::find_if(checks.begin(), checks.end(), [&](const SummaryCheck& s) {
      return s.group == c.group && s.name == c.name;
    });
    if (same == checks.end()) same = checks.insert(checks.end(), SummaryCheck{c.group, c.name});
    same->passes += c.passes;
    same->fails += c.fails;
  }
  std::vector<std::string> groups = doc.plan_run->groups;
  groups.erase(std::remove(groups.begin(), groups.end(), std::string()), groups.end());
  return root_group_json(groups, checks);
}

void add_names(const ResultsDocument& doc, double seconds, json& metrics) {
  int64_t extract_failures = 0;
  for (const results::NamedStats& n : doc.names) {
    metrics[fmt::format("http_req_duration{{name:{}}}", n.name)] = trend_json(n.duration);
    metrics[fmt::format("http_reqs{{name:{}}}", n.name)] = {
        {"count", n.requests}, {"rate", static_cast<double>(n.requests) / seconds}};
    metrics[fmt::format("http_req_failed{{name:{}}}", n.name)] = {
        {"value", n.requests == 0 ? 0.0 : static_cast<double>(n.failures) / n.requests},
        {"passes", n.failures},
        {"fails", n.requests - n.failures}};
    if (n.extract_failures > 0) {
      metrics[fmt::format("extract_failures{{name:{}}}", n.name)] = {
          {"count", n.extract_failures},
          {"rate", static_cast<double>(n.extract_failures) / seconds}};
    }
    extract_failures += n.extract_failures;
  }
  metrics["extract_failures"] = {{"count", extract_failures},
                                 {"rate", static_cast<double>(extract_failures) / seconds}};
}

void add_checks(const ResultsDocument& doc, json& out) {
  if (doc.checks.empty()) return;
  int64_t passes = 0, fails = 0;
  json list = json::array();
  for (const results::CheckOutcome& c : doc.checks) {
    passes += c.passes;
    fails += c.fails;
    list.push_back({{"name", c.name},
                    {"group", c.group},
                    {"step", c.step},
                    {"passes", c.passes},
                    {"fails", c.fails}});
  }
  out["metrics"]["checks"] = {
      {"value", passes + fails == 0 ? 0.0 : static_cast<double>(passes) / (passes + fails)},
      {"passes", passes},
      {"fails", fails}};
  out["perfgate"]["checks"] = std::move(list);
}

// Sub-metrics the thresholds declared, in k6's shapes (as k6's summary export lists them).
void add_sub_metrics(const results::PlanRunOutcome& plan, double seconds, json& metrics) {
  using Kind = results::SubMetricOutcome::Kind;
  for (const results::SubMetricOutcome& s : plan.sub_metrics) {
    if (s.samples == 0) continue;
    json& out = metrics[s.key];
    if (s.kind == Kind::kTrend) {
      out.update(trend_json(s.trend));
    } else if (s.kind == Kind::kRate) {
      out.update({{"value", s.total == 0 ? 0.0 : static_cast<double>(s.count) / s.total},
                  {"passes", s.count},
                  {"fails", s.total - s.count}});
    } else {
      out.update({{"count", s.count}, {"rate", static_cast<double>(s.count) / seconds}});
    }
  }
  if (!metrics.contains(results::kExpectedDurationKey)) {
    metrics[results::kExpectedDurationKey] = trend_json(HdrHistogram::for_latency_micros());
  }
}

json plan_info(const ResultsDocument& doc) {
  const results::PlanRunOutcome& plan = *doc.plan_run;
  json info = {{"name", plan.name},
               {"file", doc.environment.plan},
               {"aborted", plan.aborted},
               {"iterations_started_per_second", plan.iterations_started_per_second}};
  if (plan.aborted) {
    info["abort_reason"] = plan.abort_reason;
    info["aborted_at_seconds"] = plan.aborted_at_seconds;
  }
  return info;
}

}  // namespace

std::string format_plan_summary_json(const ResultsDocument& doc) {
  json out = summary_json(doc.run);
  const results::PlanRunOutcome& plan = *doc.plan_run;
  out["root_group"] = root_group(doc);
  json& metrics = out["metrics"];
  const double seconds = std::max(doc.run.elapsed_seconds(), 1e-9);
  add_names(doc, seconds, metrics);
  add_checks(doc, out);
  if (plan.group_duration.count() > 0) metrics["group_duration"] = trend_json(plan.group_duration);
  add_sub_metrics(plan, seconds, metrics);
  for (const results::PlanMetric& m : doc.plan_metrics) {
    if (m.name != "group_duration") metrics[m.name] = custom_json(m);
  }
  // k6's summary-export: "thresholds": {"<expression>": <true when it failed>}.
  for (const results::ThresholdOutcome& t : doc.thresholds) {
    metrics[t.metric]["thresholds"][t.expression] = !t.passed;
  }
  out["perfgate"]["plan"] = plan_info(doc);
  return out.dump(2) + "\n";
}

}  // namespace perfgate::report
