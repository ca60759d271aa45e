// Scenarios: executors with k6's options and defaults, load-pattern shorthands, flow selection.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "plan/loader_internal.h"
#include "plan/schedule.h"

namespace perfgate::plan::detail {

struct ExecutorInfo {
  ExecutorKind kind;
  std::string_view name;
  std::vector<std::string_view> options;  // beyond the common ones
};

const std::vector<ExecutorInfo>& executors() {
  static const std::vector<ExecutorInfo> kExecutors = {
      {ExecutorKind::kConstantVus, "constant-vus", {"vus", "duration"}},
      {ExecutorKind::kRampingVus,
       "ramping-vus",
       {"startVUs", "stages", "gracefulRampDown", "pattern"}},
      {ExecutorKind::kConstantArrivalRate,
       "constant-arrival-rate",
       {"rate", "timeUnit", "duration", "preAllocatedVUs", "maxVUs", "arrival", "seed"}},
      {ExecutorKind::kRampingArrivalRate,
       "ramping-arrival-rate",
       {"startRate", "timeUnit", "stages", "preAllocatedVUs", "maxVUs", "arrival", "seed",
        "pattern"}},
      {ExecutorKind::kPerVuIterations, "per-vu-iterations", {"vus", "iterations", "maxDuration"}},
      {ExecutorKind::kSharedIterations, "shared-iterations", {"vus", "iterations", "maxDuration"}},
  };
  return kExecutors;
}

namespace {

const std::vector<std::string_view> kCommonOptions = {
    "executor", "startTime", "gracefulStop", "tags", "env", "exec", "flows", "http"};

std::vector<std::string_view> all_scenario_keys() {
  std::vector<std::string_view> keys = kCommonOptions;
  for (const ExecutorInfo& e : executors()) {
    for (std::string_view o : e.options) {
      if (std::find(keys.begin(), keys.end(), o) == keys.end()) keys.push_back(o);
    }
  }
  return keys;
}

std::string join(const std::vector<std::string_view>& words) {
  std::string out;
  for (std::string_view w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

std::map<std::string, std::string> load_string_map(LoadContext& ctx, const YAML::Node& node,
                                                   const std::string& what) {
  std::map<std::string, std::string> out;
  ctx.reader.for_each(node, what, {},
                      [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
                        if (auto text = ctx.reader.string(value, what + "." + key))
                          out[key] = *text;
                      });
  return out;
}

std::vector<Stage> load_stages(LoadContext& ctx, const YAML::Node& node, const std::string& what) {
  std::vector<Stage> stages;
  if (!ctx.reader.expect_sequence(node, what)) return stages;
  for (const YAML::Node& item : node) {
    Stage stage{0, 0, ctx.reader.pos(item)};
    bool has_duration = false, has_target = false;
    ctx.reader.for_each(item, "a stage", {"duration", "target"},
                        [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
                          if (key == "duration") {
                            has_duration = true;
                            if (auto d = ctx.reader.duration(value, "stage duration"))
                              stage.duration = *d;
                          } else {
                            has_target = true;
                            if (auto t = ctx.reader.integer(value, "stage target"))
                              stage.target = *t;
                          }
                        });
    if (item.IsMap() && !has_duration) {
      ctx.reader.error(item, "a stage without a duration never ends",
                       "write {duration: 30s, target: 10}");
    }
    if (item.IsMap() && !has_target) {
      ctx.reader.error(item, "a stage needs a target", "write {duration: 30s, target: 10}");
    }
    stages.push_back(stage);
  }
  return stages;
}

void load_flow_choices(LoadContext& ctx, size_t index, const YAML::Node& node) {
  const auto add = [&](const YAML::Node& at, std::string flow, const YAML::Node* weight_node) {
    double weight = 1;
    if (weight_node) {
      auto w = ctx.reader.number(*weight_node, "flow weight");
      if (!w) return;
      if (*w <= 0) {
        ctx.reader.error(*weight_node, fmt::format("flow weight must be positive, got {}", *w),
                         "drop the flow from the scenario instead of giving it weight 0");
        return;
      }
      weight = *w;
    }
    ctx.flow_refs.push_back({index, std::move(flow), weight, ctx.reader.pos(at)});
  };
  if (node.IsMap()) {  // flows: {browse: 70, buy: 30}
    ctx.reader.for_each(node, "flows", {},
                        [&](const std::string& key, const YAML::Node& key_node,
                            const YAML::Node& value) { add(key_node, key, &value); });
    return;
  }
  if (!ctx.reader.expect_sequence(node, "flows")) return;
  for (const YAML::Node& item : node) {  // flows: [{flow: browse, weight: 3}, buy]
    if (item.IsScalar()) {
      add(item, item.Scalar(), nullptr);
      continue;
    }
    std::string name;
    std::optional<YAML::Node> weight;
    ctx.reader.for_each(item, "a flow choice", {"flow", "weight"},
                        [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
                          if (key == "flow")
                            name = ctx.reader.string(value, "flow").value_or("");
                          else
                            weight = value;
                        });
    if (item.IsMap() && name.empty()) {
      ctx.reader.error(item, "a flow choice needs a flow name", "write {flow: browse, weight: 3}");
    } else if (item.IsMap()) {
      add(item, name, weight ? &*weight : nullptr);
    }
  }
}

}  // namespace

void load_pattern(LoadContext& ctx, Scenario& s, const YAML::Node& node,
                  bool start_given);  // load_patterns.cc

std::optional<HttpVersion> read_http_version(YamlReader& r, const YAML::Node& v) {
  auto text = r.string(v, "http");
  if (!text) return std::nullopt;
  if (*text == "auto") return HttpVersion::kAuto;
  if (*text == "http1") return HttpVersion::kHttp1;
  if (*text == "http2") return HttpVersion::kHttp2;
  r.error(v, fmt::format("unknown http \"{}\"", *text), suggest(*text, {"auto", "http1", "http2"}));
  return std::nullopt;
}

namespace {

// Reads one option that applies to the scenario's executor.
void load_option(LoadContext& ctx, Scenario& s, size_t index, const std::string& key,
                 const YAML::Node& v, bool& start_given) {
  YamlReader& r = ctx.reader;
  const auto set_int = [&](std::int64_t& field, std::int64_t min) {
    if (auto x = r.integer(v, key, min)) field = *x;
  };
  const auto set_duration = [&](Nanos& field) {
    if (auto x = r.duration(v, key)) field = *x;
  };
  if (key == "startTime")
    set_duration(s.start_time);
  else if (key == "gracefulStop")
    set_duration(s.graceful_stop);
  else if (key == "gracefulRampDown")
    set_duration(s.graceful_ramp_down);
  else if (key == "duration")
    set_duration(s.duration);
  else if (key == "maxDuration")
    set_duration(s.max_duration);
  else if (key == "timeUnit")
    set_duration(s.time_unit);
  else if (key == "vus")
    set_int(s.vus, 1);
  else if (key == "startVUs") {
    set_int(s.start_vus, 0);
    start_given = true;
  } else if (key == "startRate") {
    set_int(s.start_rate, 0);
    start_given = true;
  } else if (key == "rate")
    set_int(s.rate, 1);
  else if (key == "preAllocatedVUs")
    set_int(s.pre_allocated_vus, 0);
  else if (key == "maxVUs")
    set_int(s.max_vus, 0);
  else if (key == "iterations")
    set_int(s.iterations, 1);
  else if (key == "seed") {
    if (auto x = r.integer(v, key, 0)) s.seed = static_cast<std::uint64_t>(*x);
  } else if (key == "stages")
    s.stages = load_stages(ctx, v, "stages");
  else if (key == "tags")
    s.tags = load_string_map(ctx, v, "tags");
  else if (key == "env")
    s.env = load_string_map(ctx, v, "env");
  else if (key == "exec") {
    if (auto flow = r.string(v, "exec")) ctx.flow_refs.push_back({index, *flow, 1, r.pos(v)});
  } else if (key == "flows")
    load_flow_choices(ctx, index, v);
  else if (key == "http") {
    if (auto version = read_http_version(r, v)) s.http = *version;
  } else if (key == "arrival") {
    auto mode = r.string(v, "arrival");
    if (mode == "poisson")
      s.arrival = ArrivalMode::kPoisson;
    else if (mode == "uniform")
      s.arrival = ArrivalMode::kUniform;
    else if (mode)
      r.error(v, fmt::format("unknown arrival \"{}\"", *mode),
              suggest(*mode, {"uniform", "poisson"}));
  }
}

void validate_scenario(LoadContext& ctx, const Scenario& s, const YAML::Node& node,
                       const std::set<std::string>& given) {
  YamlReader& r = ctx.reader;
  const auto require = [&](std::string_view key, std::string_view example) {
    if (!given.count(std::string(key))) {
      r.error(node,
              fmt::format("scenario \"{}\" ({}) needs {}", s.name, executor_name(s.executor), key),
              fmt::format("add {}", example));
    }
  };
  switch (s.executor) {
    case ExecutorKind::kConstantVus:
      require("duration", "duration: 30s");
      break;
    case ExecutorKind::kRampingVus:
      if (!given.count("pattern")) require("stages", "stages: [{duration: 30s, target: 10}]");
      break;
    case ExecutorKind::kConstantArrivalRate:
      require("rate", "rate: 50");
      require("duration", "duration: 30s");
      require("preAllocatedVUs", "preAllocatedVUs: 10");
      break;
    case ExecutorKind::kRampingArrivalRate:
      if (!given.count("pattern")) require("stages", "stages: [{duration: 30s, target: 100}]");
      require("preAllocatedVUs", "preAllocatedVUs: 10");
      break;
    case ExecutorKind::kSharedIterations:
      if (s.iterations < s.vus) {
        r.error(node,
                fmt::format("scenario \"{}\": iterations ({}) cannot be fewer than vus ({})",
                            s.name, s.iterations, s.vus),
                "raise iterations or lower vus (as k6 requires)");
      }
      break;
    default:
      break;
  }
  if (given.count("maxVUs") && s.max_vus < s.pre_allocated_vus) {
    r.error(node,
            fmt::format("scenario \"{}\": maxVUs ({}) is below preAllocatedVUs ({})", s.name,
                        s.max_vus, s.pre_allocated_vus),
            "maxVUs is the ceiling; make it at least preAllocatedVUs");
  }
  if (given.count("timeUnit") && s.time_unit <= 0) {
    r.error(node, fmt::format("scenario \"{}\": timeUnit must be more than 0", s.name));
  }
  if (max_vus(s) > kMaxVus) {
    r.error(node, fmt::format("scenario \"{}\" asks for {} VUs; the limit is {}", s.name,
                              max_vus(s), kMaxVus));
  }
  const bool has_length = given.count("duration") || given.count("stages") ||
                          given.count("pattern") || is_iteration_based(s.executor);
  if (has_length && regular_duration(s) <= 0) {
    r.error(node, fmt::format("scenario \"{}\" has zero length", s.name),
            "give it a positive duration or stages whose durations add up to more than 0");
  }
}

}  // namespace

bool is_iteration_based(ExecutorKind kind) {
  return kind == ExecutorKind::kPerVuIterations || kind == ExecutorKind::kSharedIterations;
}

void load_scenario(LoadContext& ctx, const std::string& name, const YAML::Node& key_node,
                   const YAML::Node& node) {
  YamlReader& r = ctx.reader;
  if (!r.expect_map(node, fmt::format("scenario \"{}\"", name))) return;
  Scenario s;
  s.name = name;
  s.pos = r.pos(key_node);
  const YAML::Node executor = node["executor"];
  const ExecutorInfo* info = nullptr;
  if (!executor) {
    if (!node["pattern"]) {
      r.error(key_node, fmt::format("scenario \"{}\" has no executor", name),
              "add executor: constant-vus (or ramping-vus, constant-arrival-rate, "
              "ramping-arrival-rate, per-vu-iterations, shared-iterations)");
      return;
    }
    info = &executors()[1];  // a bare pattern ramps VUs
  } else if (auto kind = r.string(executor, "executor")) {
    for (const ExecutorInfo& e : executors()) {
      if (e.name == *kind) info = &e;
    }
    if (!info) {
      std::vector<std::string_view> names;
      for (const ExecutorInfo& e : executors()) names.push_back(e.name);
      r.error(executor, fmt::format("unknown executor \"{}\"", *kind), suggest(*kind, names));
      return;
    }
  } else {
    return;
  }
  s.executor = info->kind;
  const size_t index = ctx.plan.scenarios.size();
  std::set<std::string> given;
  bool start_given = false;
  const size_t errors_before = r.error_count();
  std::optional<YAML::Node> pattern;
  const std::string what = fmt::format("scenario \"{}\"", name);
  r.for_each(
      node, what, all_scenario_keys(),
      [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
        const bool common =
            std::find(kCommonOptions.begin(), kCommonOptions.end(), key) != kCommonOptions.end();
        if (!common &&
            std::find(info->options.begin(), info->options.end(), key) == info->options.end()) {
          r.error(k, fmt::format("option \"{}\" does not apply to executor {}", key, info->name),
                  fmt::format("{} takes: {} (and the common {})", info->name, join(info->options),
                              join(kCommonOptions)));
          return;
        }
        given.insert(key);
        if (key == "pattern")
          pattern = v;
        else if (key != "executor")
          load_option(ctx, s, index, key, v, start_given);
      });
  if (given.count("exec") && given.count("flows")) {
    r.error(key_node, fmt::format("scenario \"{}\" has both exec and flows", name),
            "use exec: for one flow, flows: for a weighted mix");
  }
  if (pattern) {
    if (given.count("stages")) {
      r.error(*pattern, fmt::format("scenario \"{}\" has both pattern and stages", name),
              "a pattern expands into stages; keep one of them");
    } else {
      load_pattern(ctx, s, *pattern, start_given);
    }
  }
  if (!given.count("maxVUs")) s.max_vus = s.pre_allocated_vus;
  // Skip whole-scenario checks when an option was already wrong: they would only echo it.
  if (r.error_count() == errors_before) validate_scenario(ctx, s, key_node, given);
  ctx.plan.scenarios.push_back(std::move(s));
}

void load_scenarios(LoadContext& ctx, const YAML::Node& node) {
  ctx.reader.for_each(node, "options.scenarios", {},
                      [&](const std::string& key, const YAML::Node& key_node,
                          const YAML::Node& value) { load_scenario(ctx, key, key_node, value); });
  if (node.IsMap() && node.size() == 0) {
    ctx.reader.error(node, "options.scenarios is empty", "add at least one scenario");
  }
}

void load_shortcut_scenario(LoadContext& ctx, const YAML::Node& options) {
  YamlReader& r = ctx.reader;
  Scenario s;
  s.name = "default";
  s.pos = r.pos(options);
  bool ok = true;
  // k6's rules: stages exclude duration and iterations; iterations with duration is
  // shared-iterations bounded by maxDuration = duration.
  for (const char* other : {"duration", "iterations"}) {
    if (options["stages"] && options[other]) {
      r.error(options[other],
              fmt::format("options.stages and options.{} exclude each other", other),
              "stages give the run its length (ramping-vus); use options.scenarios for more "
              "than one shape");
      return;
    }
  }
  if (options["stages"]) {
    s.executor = ExecutorKind::kRampingVus;
    s.stages = load_stages(ctx, options["stages"], "options.stages");
  } else if (options["iterations"]) {
    s.executor = ExecutorKind::kSharedIterations;
    if (auto n = r.integer(options["iterations"], "options.iterations", 1)) s.iterations = *n;
    if (options["duration"]) {
      if (auto d = r.duration(options["duration"], "options.duration")) s.max_duration = *d;
    }
  } else if (options["duration"]) {
    s.executor = ExecutorKind::kConstantVus;
    if (auto d = r.duration(options["duration"], "options.duration")) s.duration = *d;
  } else {
    r.error(options, "the plan has no scenarios",
            "add options.scenarios, or options.vus with options.duration");
    return;
  }
  if (options["vus"]) {
    if (auto v = r.integer(options["vus"], "options.vus", 1))
      s.vus = *v;
    else
      ok = false;
  }
  if (s.executor == ExecutorKind::kRampingVus && options["vus"]) s.start_vus = s.vus;
  if (ok && s.executor == ExecutorKind::kSharedIterations && s.iterations < s.vus) {
    r.error(options["iterations"],
            fmt::format("options.iterations ({}) is below options.vus ({})", s.iterations, s.vus),
            "every VU needs at least one iteration (k6 rejects this too)");
    ok = false;
  }
  if (ok && regular_duration(s) <= 0) {
    r.error(options, "the plan has zero length",
            "give options.duration or stages a positive duration");
  }
  ctx.plan.scenarios.push_back(std::move(s));
}

}  // namespace perfgate::plan::detail

namespace perfgate::plan {

std::string_view executor_name(ExecutorKind kind) {
  for (const auto& e : detail::executors()) {
    if (e.kind == kind) return e.name;
  }
  return "?";
}

bool is_arrival_rate(ExecutorKind kind) {
  return kind == ExecutorKind::kConstantArrivalRate || kind == ExecutorKind::kRampingArrivalRate;
}

}  // namespace perfgate::plan
