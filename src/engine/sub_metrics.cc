// SubMetrics: declaring and compiling tag-filtered sub-metrics; see sub_metrics.h.
#include "engine/sub_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "engine/plan_index.h"

namespace perfgate::engine {
namespace {

using results::Trend;

// What a built-in metric name counts, or nothing for names sub-metrics do not cover.
std::optional<SubMetric> sub_metric_for(const plan::MetricSelector& selector) {
  SubMetric sub;
  sub.selector = selector;
  sub.key = selector.key();
  const std::string& name = selector.name;
  for (size_t t = 0; t < results::kTrendCount; ++t) {
    if (results::kTrendNames[t] != name) continue;
    sub.trend = static_cast<Trend>(t);
    sub.source = sub.trend == Trend::kIterationDuration ? SubSource::kIterationDuration
                                                        : SubSource::kRequestTrend;
    return sub;
  }
  static const std::pair<std::string_view, SubSource> kSources[] = {
      {"http_reqs", SubSource::kRequests},
      {"http_req_failed", SubSource::kRequestFailed},
      {"checks", SubSource::kChecks},
      {"data_sent", SubSource::kDataSent},
      {"data_received", SubSource::kDataReceived},
      {"iterations", SubSource::kIterations},
      {"dropped_iterations", SubSource::kDroppedIterations},
      {"group_duration", SubSource::kGroupDuration}};
  for (const auto& [known, source] : kSources) {
    if (known != name) continue;
    sub.source = source;
    return sub;
  }
  return std::nullopt;
}

bool is_iteration_source(SubSource source) {
  return source == SubSource::kIterations || source == SubSource::kIterationDuration ||
         source == SubSource::kDroppedIterations;
}

// A user tag of the scenario: present and equal.
bool scenario_tag_matches(const plan::Scenario& scenario, const std::string& key,
                          const std::string& value) {
  auto it = scenario.tags.find(key);
  return it != scenario.tags.end() && it->second == value;
}

// The conditions under which `step`'s samples in `scenario` belong to `sub`, or nothing when
// they never do.
std::optional<SubMatch> match_request(const SubMetric& sub, size_t id,
                                      const plan::Scenario& scenario, const FlatStep& step,
                                      const std::vector<CheckId>& checks,
                                      const plan::Redactor& redactor) {
  SubMatch match;
  match.sub = id;
  const plan::RequestStep& request = *step.request;
  for (const auto& [key, value] : sub.selector.tags) {
    if (key == "scenario") {
      if (value != scenario.name) return std::nullopt;
    } else if (key == "name") {
      if (value != request.name) return std::nullopt;
    } else if (key == "method") {
      if (value != request.method) return std::nullopt;
    } else if (key == "group") {
      if (value != step.group) return std::nullopt;
    } else if (key == "url") {
      if (!step.literal_url) {
        match.url = value;
      } else if (redactor.text(url_tag(step.url)) != value) {
        return std::nullopt;
      }
    } else if (key == "status") {
      int code = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), code);
      if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
      match.status = code;
    } else if (key == "expected_response") {
      if (value != "true" && value != "false") return std::nullopt;
      match.expected = value == "true";
    } else if (key == "check") {
      const bool has = std::any_of(step.check_ids.begin(), step.check_ids.end(),
                                   [&](size_t c) { return checks[c].name == value; });
      if (sub.source != SubSource::kChecks || !has) return std::nullopt;
      match.check = value;
    } else if (auto own = request.tags.find(key); own != request.tags.end()) {
      if (own->second != value) return std::nullopt;
    } else if (!scenario_tag_matches(scenario, key, value)) {
      return std::nullopt;
    }
  }
  if (sub.source == SubSource::kChecks && step.check_ids.empty()) return std::nullopt;
  return match;
}

// group_duration samples carry the group's path, the scenario and the scenario's tags.
std::optional<SubMatch> match_group(const SubMetric& sub, size_t id, const plan::Scenario& scenario,
                                    const FlatStep& end) {
  for (const auto& [key, value] : sub.selector.tags) {
    const bool holds = key == "group"      ? value == end.group
                       : key == "scenario" ? value == scenario.name
                                           : scenario_tag_matches(scenario, key, value);
    if (!holds) return std::nullopt;
  }
  return SubMatch{id};
}

bool match_iteration(const SubMetric& sub, const plan::Scenario& scenario) {
  return std::all_of(sub.selector.tags.begin(), sub.selector.tags.end(), [&](const auto& tag) {
    return tag.first == "scenario" ? tag.second == scenario.name
                                   : scenario_tag_matches(scenario, tag.first, tag.second);
  });
}

bool is_custom(const plan::Plan& plan, const std::string& name) {
  return std::any_of(plan.metrics.begin(), plan.metrics.end(),
                     [&](const plan::CustomMetric& m) { return m.name == name; });
}

void declare_subs(const plan::Plan& plan, SubMetricIndex& index) {
  const plan::MetricSelector expected{"http_req_duration", {{"expected_response", "true"}}};
  if (auto sub = sub_metric_for(expected)) index.subs.push_back(std::move(*sub));
  for (const plan::Threshold& t : plan.options.thresholds) {
    if (t.metric.tags.empty() || is_custom(plan, t.metric.name) || index.find(t.metric)) continue;
    if (t.metric.name == "extract_failures" && t.metric.tags.size() == 1 &&
        t.metric.tags[0].first == "name") {
      continue;  // counted per request name already (NameStats)
    }
    if (auto sub = sub_metric_for(t.metric)) {
      index.subs.push_back(std::move(*sub));
    } else {
      index.warnings.push_back(
          fmt::format("threshold on {}: {} cannot be narrowed by tags here; it will have no data",
                      t.metric.key(), t.metric.name));
    }
  }
}

}  // namespace

std::optional<size_t> SubMetricIndex::find(const plan::MetricSelector& selector) const {
  const std::string key = selector.key();
  for (size_t i = 0; i < subs.size(); ++i) {
    if (subs[i].key == key) return i;
  }
  return std::nullopt;
}

SubMetricIndex build_sub_metrics(const plan::Plan& plan,
                                 const std::vector<std::vector<FlatStep>>& flat,
                                 const std::vector<CheckId>& checks) {
  SubMetricIndex index;
  index.redactor = plan::Redactor::for_plan(plan);
  index.flows = flat.size();
  declare_subs(plan, index);
  index.requests.resize(plan.scenarios.size() * flat.size());
  index.iterations.resize(plan.scenarios.size());
  std::vector<bool> matched(index.subs.size(), false);
  for (size_t s = 0; s < plan.scenarios.size(); ++s) {
    const plan::Scenario& scenario = plan.scenarios[s];
    for (size_t f = 0; f < flat.size(); ++f)
      index.requests[s * flat.size() + f].resize(flat[f].size());
    for (size_t id = 0; id < index.subs.size(); ++id) {
      const SubMetric& sub = index.subs[id];
      if (is_iteration_source(sub.source)) {
        if (match_iteration(sub, scenario)) index.iterations[s].push_back(id), matched[id] = true;
        continue;
      }
      for (const plan::FlowChoice& choice : scenario.flows) {
        const std::vector<FlatStep>& steps = flat[choice.flow];
        for (size_t k = 0; k < steps.size(); ++k) {
          const bool group_sub = sub.source == SubSource::kGroupDuration;
          const FlatStep::Kind kind =
              group_sub ? FlatStep::Kind::kGroupEnd : FlatStep::Kind::kRequest;
          if (steps[k].kind != kind) continue;
          auto match = group_sub
                           ? match_group(sub, id, scenario, steps[k])
                           : match_request(sub, id, scenario, steps[k], checks, index.redactor);
          if (!match) continue;
          auto& list = index.requests[s * flat.size() + choice.flow][k];
          const bool dup =
              std::any_of(list.begin(), list.end(), [&](const SubMatch& m) { return m.sub == id; });
          if (!dup) list.push_back(std::move(*match));
          matched[id] = true;
        }
      }
    }
  }
  for (size_t id = 0; id < index.subs.size(); ++id) {
    if (matched[id] || index.subs[id].key == kExpectedDurationKey) continue;
    index.warnings.push_back(fmt::format(
        "threshold on {} matches no {} of this plan, so it will have no data (requests carry "
        "scenario, name, method, group, status, expected_response, url, their step's and their "
        "scenario's tags)",
        index.subs[id].key,
        is_iteration_source(index.subs[id].source)           ? "iteration"
        : index.subs[id].source == SubSource::kGroupDuration ? "group"
                                                             : "request"));
  }
  return index;
}

void SubStats::add(const SubStats& other) {
  if (trend && other.trend) trend->add(*other.trend);
  count += other.count;
  total += other.total;
  samples += other.samples;
}

void SubStats::reset() {
  if (trend) trend->reset();
  count = total = samples = 0;
}

std::vector<SubStats> make_sub_stats(const SubMetricIndex& index) {
  std::vector<SubStats> stats(index.subs.size());
  for (size_t i = 0; i < index.subs.size(); ++i) {
    if (index.subs[i].is_trend()) stats[i].trend.emplace(HdrHistogram::for_latency_micros());
  }
  return stats;
}

}  // namespace perfgate::engine
