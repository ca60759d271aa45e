// Flows and their link to scenarios: which flow each scenario runs, with what weights.
#include <fmt/format.h>

#include <cmath>

#include "plan/flow_loader.h"
#include "plan/schedule.h"

namespace perfgate::plan::detail {
namespace {

// Scenarios that will run flow `name` (named by exec/flows, or implicitly when they name none).
std::vector<size_t> scenarios_running(const LoadContext& ctx, const std::string& name,
                                      bool implicit_target) {
  std::vector<size_t> out;
  for (size_t i = 0; i < ctx.plan.scenarios.size(); ++i) {
    bool names_any = false, names_it = false;
    for (const PendingFlowRef& ref : ctx.flow_refs) {
      if (ref.scenario != i) continue;
      names_any = true;
      names_it |= ref.flow == name;
    }
    if (names_it || (!names_any && implicit_target)) out.push_back(i);
  }
  return out;
}

// Env keys every scenario running the flow defines (a flow may read them as {{KEY}}).
std::set<std::string> common_env(LoadContext& ctx, const std::vector<size_t>& scenarios) {
  std::set<std::string> keys;
  for (size_t n = 0; n < scenarios.size(); ++n) {
    std::set<std::string> these;
    for (const auto& [key, value] : ctx.plan.scenarios[scenarios[n]].env) these.insert(key);
    if (n == 0)
      keys = these;
    else {
      std::set<std::string> both;
      for (const std::string& k : keys) {
        if (these.count(k)) both.insert(k);
      }
      keys = both;
    }
  }
  for (const std::string& k : keys) ctx.plan.variables[ctx.slot(k)].scenario_env = true;
  return keys;
}

void load_flow_data(LoadContext& ctx, FlowScope& scope, Flow& flow, const YAML::Node& node) {
  const auto add = [&](const YAML::Node& item) {
    auto name = ctx.reader.string(item, "data");
    if (!name) return;
    for (size_t i = 0; i < ctx.plan.feeders.size(); ++i) {
      if (ctx.plan.feeders[i].name == *name) {
        scope.feeders.insert(i);
        flow.feeders.push_back(i);
        for (size_t c = 0; c < ctx.plan.feeders[i].columns.size(); ++c) {
          const int slot = ctx.slot(ctx.plan.feeders[i].columns[c]);
          ctx.plan.variables[slot].feeder_columns.emplace_back(i, c);
        }
        return;
      }
    }
    std::vector<std::string_view> names;
    for (const Feeder& f : ctx.plan.feeders) names.push_back(f.name);
    ctx.reader.error(item, fmt::format("flow \"{}\" uses unknown data \"{}\"", flow.name, *name),
                     names.empty() ? "declare it under data:" : suggest(*name, names));
  };
  if (node.IsSequence())
    for (const YAML::Node& item : node) add(item);
  else
    add(node);
}

}  // namespace

void load_flows(LoadContext& ctx, const YAML::Node& node) {
  const bool single = node.IsMap() && node.size() == 1;
  ctx.reader.for_each(
      node, "flows", {},
      [&](const std::string& name, const YAML::Node& key_node, const YAML::Node& value) {
        Flow flow{name, {}, {}, ctx.reader.pos(key_node)};
        FlowLoader loader{ctx, {}};
        const auto runners = scenarios_running(ctx, name, single || name == "default");
        loader.scope.env = common_env(ctx, runners);
        if (value.IsSequence()) {
          loader.steps(value, flow.steps);
        } else {
          std::optional<YAML::Node> steps, data;
          ctx.reader.for_each(value, fmt::format("flow \"{}\"", name), {"steps", "data"},
                              [&](const std::string& key, const YAML::Node&, const YAML::Node& v) {
                                (key == "steps" ? steps : data) = v;
                              });
          if (data) load_flow_data(ctx, loader.scope, flow, *data);
          if (steps)
            loader.steps(*steps, flow.steps);
          else if (value.IsMap())
            ctx.reader.error(key_node, fmt::format("flow \"{}\" has no steps", name),
                             "add steps: with at least one request");
        }
        ctx.plan.flows.push_back(std::move(flow));
      });
  if (node.IsMap() && node.size() == 0) ctx.reader.error(node, "flows is empty");
}

namespace {

void check_weights(LoadContext& ctx, const Scenario& s) {
  if (s.flows.size() < 2) return;
  double sum = 0;
  bool fractions = true;
  for (const FlowChoice& c : s.flows) {
    sum += c.weight;
    fractions &= c.weight <= 1;
  }
  if (fractions && std::fabs(sum - 1) > 1e-6) {
    ctx.reader.error(s.pos,
                     fmt::format("the flow weights of scenario \"{}\" look like fractions "
                                 "but sum to {:g}",
                                 s.name, sum),
                     "make them sum to 1, or use relative whole numbers like 3 and 1");
  } else if (sum > 95 && sum < 105 && std::fabs(sum - 100) > 1e-6) {
    ctx.reader.error(s.pos,
                     fmt::format("the flow weights of scenario \"{}\" look like "
                                 "percentages but sum to {:g}",
                                 s.name, sum),
                     "make them sum to 100");
  }
}

void check_unique_feeders(LoadContext& ctx, const Scenario& s) {
  for (const FlowChoice& c : s.flows) {
    for (size_t f : ctx.plan.flows[c.flow].feeders) {
      const Feeder& feeder = ctx.plan.feeders[f];
      const auto vus = max_vus(s);
      if (feeder.mode == FeederMode::kUniquePerVu &&
          static_cast<std::int64_t>(feeder.rows.size()) < vus) {
        ctx.reader.error(s.pos,
                         fmt::format("scenario \"{}\" may run {} VUs but data \"{}\" has only "
                                     "{} rows for mode unique",
                                     s.name, vus, feeder.name, feeder.rows.size()),
                         "add rows, lower the VUs, or use mode: sequential");
      }
    }
  }
}

}  // namespace

void link_flows(LoadContext& ctx) {
  std::vector<std::string_view> names;
  for (const Flow& f : ctx.plan.flows) names.push_back(f.name);
  for (const PendingFlowRef& ref : ctx.flow_refs) {
    const auto it = std::find(names.begin(), names.end(), ref.flow);
    if (it == names.end()) {
      ctx.reader.error(ref.pos, fmt::format("unknown flow \"{}\"", ref.flow),
                       names.empty() ? "define it under flows:" : suggest(ref.flow, names));
      continue;
    }
    ctx.plan.scenarios[ref.scenario].flows.push_back(
        FlowChoice{static_cast<size_t>(it - names.begin()), ref.weight});
  }
  for (size_t i = 0; i < ctx.plan.scenarios.size(); ++i) {
    Scenario& s = ctx.plan.scenarios[i];
    const bool named = std::any_of(ctx.flow_refs.begin(), ctx.flow_refs.end(),
                                   [&](const PendingFlowRef& r) { return r.scenario == i; });
    if (!named) {
      auto def = std::find(names.begin(), names.end(), "default");
      if (names.size() == 1)
        s.flows.push_back({0, 1});
      else if (def != names.end())
        s.flows.push_back({static_cast<size_t>(def - names.begin()), 1});
      else if (!names.empty()) {
        ctx.reader.error(s.pos,
                         fmt::format("scenario \"{}\" does not say which flow to run", s.name),
                         "add exec: <flow> or flows: {a: 3, b: 1}, or name a flow default");
      }
    }
    check_weights(ctx, s);
    check_unique_feeders(ctx, s);
  }
}

}  // namespace perfgate::plan::detail
