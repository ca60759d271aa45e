// Command-line overrides of a plan; see overrides.h.
#include "plan/overrides.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "core/units.h"
#include "plan/schedule.h"

namespace perfgate::plan {
namespace {

constexpr std::array<std::string_view, 9> kSystemTags = {
    "name",  "scenario", "method",     "status",           "group",
    "check", "url",      "error_code", "expected_response"};

// The plan's options.vus shortcut scenario (k6's "default" scenario derived from options).
Scenario* shortcut_scenario(Plan& plan) {
  if (plan.scenarios.size() != 1 || plan.scenarios[0].name != "default") return nullptr;
  Scenario& s = plan.scenarios[0];
  return is_arrival_rate(s.executor) ? nullptr : &s;
}

// The VUs the replacement scenario starts from when --vus is not given: options.vus, else 1.
std::int64_t default_vus(Plan& plan) {
  const Scenario* s = shortcut_scenario(plan);
  if (s == nullptr) return 1;
  return s->executor == ExecutorKind::kRampingVus ? s->start_vus : s->vus;
}

Result<std::vector<FlowChoice>> replacement_flows(const Plan& plan) {
  for (size_t i = 0; i < plan.flows.size(); ++i) {
    if (plan.flows[i].name == "default") return std::vector<FlowChoice>{{i, 1}};
  }
  if (plan.flows.size() == 1) return std::vector<FlowChoice>{{0, 1}};
  const auto same = [](const std::vector<FlowChoice>& a, const std::vector<FlowChoice>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const FlowChoice& x, const FlowChoice& y) {
                        return x.flow == y.flow && x.weight == y.weight;
                      });
  };
  if (!plan.scenarios.empty() &&
      std::all_of(plan.scenarios.begin(), plan.scenarios.end(),
                  [&](const Scenario& s) { return same(s.flows, plan.scenarios[0].flows); })) {
    return plan.scenarios[0].flows;
  }
  return make_error(
      "--duration, --iterations and --stage replace the plan's scenarios with one, but its "
      "scenarios run different flows, so which one it should run is not clear",
      "name the flow to run `default`, or change the scenarios in the plan");
}

Result<Scenario> replacement_scenario(Plan& plan, const PlanOverrides& o) {
  if (!o.stages.empty() && (o.duration || o.iterations)) {
    return make_error("--stage excludes --duration and --iterations",
                      "stages give the run its length (ramping-vus), as in k6");
  }
  const std::int64_t vus = o.vus.value_or(default_vus(plan));
  if (vus < (o.stages.empty() ? 1 : 0)) {
    return make_error(fmt::format("--vus {} is too low", vus),
                      o.stages.empty() ? "give at least 1 VU" : "give 0 or more start VUs");
  }
  auto flows = replacement_flows(plan);
  if (!flows) return flows.error();
  Scenario s;
  s.name = "default";
  s.pos = plan.scenarios.empty() ? SourcePos{plan.file} : plan.scenarios[0].pos;
  s.flows = std::move(*flows);
  if (!o.stages.empty()) {
    s.executor = ExecutorKind::kRampingVus;
    s.start_vus = vus;
    s.stages = o.stages;
  } else if (o.iterations) {
    s.executor = ExecutorKind::kSharedIterations;
    s.vus = vus;
    s.iterations = *o.iterations;
    if (o.duration) s.max_duration = *o.duration;
    if (s.iterations < s.vus) {
      return make_error(fmt::format("--iterations {} is below --vus {}", s.iterations, s.vus),
                        "every VU needs at least one iteration (k6 refuses this too)");
    }
  } else {
    s.executor = ExecutorKind::kConstantVus;
    s.vus = vus;
    s.duration = *o.duration;
  }
  if (regular_duration(s) <= 0) {
    return make_error("the overrides give the run zero length", "give a duration above 0");
  }
  return s;
}

// unique-per-VU data must have a row for every VU the new scenario may run.
Result<void> check_unique_feeders(const Plan& plan, const Scenario& s) {
  for (const FlowChoice& c : s.flows) {
    for (size_t f : plan.flows[c.flow].feeders) {
      const Feeder& feeder = plan.feeders[f];
      if (feeder.mode == FeederMode::kUniquePerVu &&
          static_cast<std::int64_t>(feeder.rows.size()) < max_vus(s)) {
        return make_error(fmt::format("{} VUs need {} rows of data \"{}\" (mode unique), it has {}",
                                      max_vus(s), max_vus(s), feeder.name, feeder.rows.size()),
                          "lower --vus, or add rows");
      }
    }
  }
  return {};
}

}  // namespace

Result<Stage> parse_stage_flag(std::string_view text) {
  const auto bad = [&] {
    return make_error(fmt::format("invalid --stage \"{}\"", text),
                      "write DURATION:TARGET, e.g. --stage 30s:50 (repeat it for more stages)");
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad();
  auto duration = parse_duration(text.substr(0, colon));
  if (!duration || *duration < 0) return bad();
  const std::string_view target = text.substr(colon + 1);
  Stage stage;
  stage.duration = *duration;
  auto [end, ec] = std::from_chars(target.data(), target.data() + target.size(), stage.target);
  if (ec != std::errc() || end != target.data() + target.size() || stage.target < 0) return bad();
  return stage;
}

Result<std::pair<std::string, std::string>> parse_tag_flag(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return make_error(fmt::format("invalid --tag \"{}\"", text), "write NAME=VALUE");
  }
  std::string name(text.substr(0, eq));
  if (std::find(kSystemTags.begin(), kSystemTags.end(), name) != kSystemTags.end()) {
    return make_error(fmt::format("--tag {}: perfgate sets the \"{}\" tag itself", name, name),
                      "choose another tag name");
  }
  return std::pair{std::move(name), std::string(text.substr(eq + 1))};
}

Result<std::pair<std::string, std::string>> parse_env_flag(std::string_view text) {
  const size_t eq = text.find('=');
  const std::string_view name = text.substr(0, std::min(eq, text.size()));
  const bool valid = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                     });
  if (eq == std::string_view::npos || !valid) {
    return make_error(fmt::format("invalid -e \"{}\"", text),
                      "write KEY=VALUE with KEY made of letters, digits and _, e.g. -e "
                      "BASE_URL=http://127.0.0.1:8080");
  }
  return std::pair{std::string(name), std::string(text.substr(eq + 1))};
}

Result<void> apply_overrides(Plan& plan, const PlanOverrides& o) {
  std::vector<Scenario> scenarios = plan.scenarios;
  if (o.replaces_scenarios()) {
    auto s = replacement_scenario(plan, o);
    if (!s) return s.error();
    if (auto ok = check_unique_feeders(plan, *s); !ok) return ok.error();
    scenarios = {std::move(*s)};
  } else if (o.vus) {
    Scenario* s = shortcut_scenario(plan);
    if (s == nullptr) {
      return make_error(
          "--vus alone cannot change a plan with its own scenarios (each scenario sets its VUs)",
          "add --duration, --iterations or --stage to replace them with one scenario, as k6 "
          "does, or change vus: in the plan");
    }
    if (*o.vus < 1) return make_error("--vus must be at least 1");
    Scenario changed = *s;
    (changed.executor == ExecutorKind::kRampingVus ? changed.start_vus : changed.vus) = *o.vus;
    if (changed.executor == ExecutorKind::kSharedIterations && changed.iterations < *o.vus) {
      return make_error(
          fmt::format("--vus {} is above the plan's {} iterations", *o.vus, changed.iterations));
    }
    if (auto ok = check_unique_feeders(plan, changed); !ok) return ok.error();
    scenarios = {std::move(changed)};
  }
  for (Scenario& s : scenarios) {
    for (const auto& [key, value] : o.tags) s.tags[key] = value;
  }
  plan.scenarios = std::move(scenarios);
  return {};
}

}  // namespace perfgate::plan
