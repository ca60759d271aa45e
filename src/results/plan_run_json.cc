#include "results/plan_run_json.h"

#include <fmt/format.h>

#include "results/json_integers.h"
#include "stats/hdr_encoding.h"

namespace perfgate::results {
namespace {

using nlohmann::json;

constexpr std::string_view kind_name(SubMetricOutcome::Kind kind) {
  switch (kind) {
    case SubMetricOutcome::Kind::kTrend:
      return "trend";
    case SubMetricOutcome::Kind::kRate:
      return "rate";
    case SubMetricOutcome::Kind::kCounter:
      return "counter";
  }
  return "counter";
}

Result<SubMetricOutcome::Kind> kind_from(const std::string& name, const std::string& key) {
  for (auto kind : {SubMetricOutcome::Kind::kTrend, SubMetricOutcome::Kind::kRate,
                    SubMetricOutcome::Kind::kCounter}) {
    if (kind_name(kind) == name) return kind;
  }
  return make_error(fmt::format(
      "malformed results file: plan_run.sub_metrics[\"{}\"].kind \"{}\" is not trend, rate or "
      "counter",
      key, name));
}

json sub_metric_json(const SubMetricOutcome& s) {
  json out = {{"key", s.key},
              {"kind", kind_name(s.kind)},
              {"count", s.count},
              {"total", s.total},
              {"samples", s.samples}};
  if (s.kind == SubMetricOutcome::Kind::kTrend) out["trend"] = trend_to_json(s.trend);
  return out;
}

Result<SubMetricOutcome> sub_metric_from(const json& j) {
  SubMetricOutcome s;
  s.key = j.value("key", "");
  auto kind = kind_from(j.value("kind", "counter"), s.key);
  if (!kind) return kind.error();
  s.kind = *kind;
  s.count = json_integer_at<int64_t>(j, "count", 0);
  s.total = json_integer_at<int64_t>(j, "total", 0);
  s.samples = json_integer_at<int64_t>(j, "samples", 0);
  if (s.kind == SubMetricOutcome::Kind::kTrend && j.contains("trend")) {
    auto h = trend_from_json(j["trend"], "plan_run.sub_metrics[\"" + s.key + "\"].trend");
    if (!h) return h.error();
    s.trend = std::move(h).value();
  }
  return s;
}

}  // namespace

json trend_to_json(const HdrHistogram& h) {
  return {{"unit", "us"},
          {"count", h.count()},
          {"min", h.min()},
          {"max", h.max()},
          {"mean", h.mean()},
          {"stddev", h.stddev()},
          {"p50", h.value_at_percentile(50)},
          {"p90", h.value_at_percentile(90)},
          {"p95", h.value_at_percentile(95)},
          {"p99", h.value_at_percentile(99)},
          {"p99_9", h.value_at_percentile(99.9)},
          {"histogram", encode_compressed_base64(h)}};
}

Result<HdrHistogram> trend_from_json(const json& trend, std::string_view what) {
  auto it = trend.find("histogram");
  if (!trend.is_object() || it == trend.end() || !it->is_string()) {
    return make_error(fmt::format("malformed results file: {} has no \"histogram\"", what));
  }
  auto decoded = decode_compressed_base64(it->get<std::string>());
  if (!decoded) {
    return make_error(
        fmt::format("malformed results file: histogram of {}: {}", what, decoded.error().message));
  }
  return std::move(decoded).value();
}

json plan_run_to_json(const PlanRunOutcome& plan) {
  json out = {{"name", plan.name},
              {"groups", plan.groups},
              {"sub_metrics", json::array()},
              {"group_duration", trend_to_json(plan.group_duration)},
              {"iterations_started_per_second", plan.iterations_started_per_second},
              {"aborted", plan.aborted}};
  for (const SubMetricOutcome& s : plan.sub_metrics)
    out["sub_metrics"].push_back(sub_metric_json(s));
  if (plan.aborted) {
    out["abort_reason"] = plan.abort_reason;
    out["aborted_at_s"] = plan.aborted_at_seconds;
  }
  return out;
}

Result<PlanRunOutcome> plan_run_from_json(const json& j) {
  PlanRunOutcome plan;
  plan.name = j.value("name", "");
  plan.groups = j.value("groups", std::vector<std::string>{});
  for (const json& s : j.value("sub_metrics", json::array())) {
    auto sub = sub_metric_from(s);
    if (!sub) return sub.error();
    plan.sub_metrics.push_back(std::move(sub).value());
  }
  if (j.contains("group_duration")) {
    auto h = trend_from_json(j["group_duration"], "plan_run.group_duration");
    if (!h) return h.error();
    plan.group_duration = std::move(h).value();
  }
  for (const json& n : j.value("iterations_started_per_second", json::array())) {
    plan.iterations_started_per_second.push_back(
        json_integer<int64_t>(n, "iterations_started_per_second"));
  }
  plan.aborted = j.value("aborted", false);
  plan.abort_reason = j.value("abort_reason", "");
  plan.aborted_at_seconds = j.value("aborted_at_s", 0.0);
  return plan;
}

}  // namespace perfgate::results
