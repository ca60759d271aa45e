// options.thresholds: k6's short form ["p(95)<200"] and long form {threshold, abortOnFail,
// delayAbortEval, window}, validated against the metric's type.
#include <fmt/format.h>

#include "plan/loader_internal.h"

namespace perfgate::plan::detail {
namespace {

std::optional<MetricType> metric_type(const LoadContext& ctx, const std::string& name) {
  for (const CustomMetric& m : ctx.plan.metrics) {
    if (m.name == name) return m.type;
  }
  return builtin_metric_type(name);
}

std::string applicable(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "count, rate";
    case MetricType::kGauge:
      return "value, min, max";
    case MetricType::kRate:
      return "rate";
    default:
      return "avg, min, max, med, p(N), count";
  }
}

void load_one(LoadContext& ctx, const MetricSelector& metric, MetricType type,
              const YAML::Node& item) {
  Threshold t;
  t.metric = metric;
  t.pos = ctx.reader.pos(item);
  std::optional<YAML::Node> expression;  // yaml-cpp nodes alias: bind once, never reassign
  if (!item.IsMap()) expression = item;
  if (item.IsMap()) {
    ctx.reader.for_each(item, "a threshold",
                        {"threshold", "abortOnFail", "delayAbortEval", "window"},
                        [&](const std::string& key, const YAML::Node&, const YAML::Node& v) {
                          if (key == "threshold")
                            expression = v;
                          else if (key == "abortOnFail")
                            t.abort_on_fail = ctx.reader.boolean(v, key).value_or(false);
                          else if (key == "delayAbortEval")
                            t.delay_abort_eval = ctx.reader.duration(v, key).value_or(0);
                          else
                            t.window = ctx.reader.duration(v, key).value_or(0);
                        });
    if (!expression) {
      ctx.reader.error(item, "a threshold needs threshold:",
                       "write {threshold: \"p(95)<200\", abortOnFail: true}");
      return;
    }
  }
  auto text = ctx.reader.string(*expression, "threshold");
  if (!text) return;
  auto parsed = parse_threshold_expression(*text);
  if (!parsed) return ctx.reader.error(*expression, parsed.error().message, parsed.error().hint);
  if (!aggregation_applies(type, parsed->aggregation)) {
    std::string agg(aggregation_name(parsed->aggregation));
    if (parsed->aggregation == Aggregation::kPercentile)
      agg = fmt::format("p({:g})", parsed->percentile);
    return ctx.reader.error(
        *expression,
        fmt::format("{} does not apply to {} (a {} metric)", agg, metric.name,
                    metric_type_name(type)),
        fmt::format("{} metrics take: {}", metric_type_name(type), applicable(type)));
  }
  t.expression = std::move(*parsed);
  ctx.plan.options.thresholds.push_back(std::move(t));
}

}  // namespace

void load_thresholds(LoadContext& ctx, const YAML::Node& node) {
  ctx.reader.for_each(
      node, "options.thresholds", {},
      [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
        auto metric = parse_metric_selector(key);
        if (!metric) return ctx.reader.error(key_node, metric.error().message, metric.error().hint);
        auto type = metric_type(ctx, metric->name);
        if (!type) {
          std::vector<std::string_view> names = builtin_metric_names();
          for (const CustomMetric& m : ctx.plan.metrics) names.push_back(m.name);
          return ctx.reader.error(
              key_node, fmt::format("unknown metric \"{}\"", metric->name),
              closest_match(metric->name, names).empty()
                  ? "use a built-in metric, a sut_* monitoring metric, or declare it under metrics:"
                  : suggest(metric->name, names));
        }
        if (value.IsSequence()) {
          if (value.size() == 0) ctx.reader.error(value, fmt::format("no thresholds for {}", key));
          for (const YAML::Node& item : value) load_one(ctx, *metric, *type, item);
        } else {
          load_one(ctx, *metric, *type, value);
        }
      });
}

}  // namespace perfgate::plan::detail
