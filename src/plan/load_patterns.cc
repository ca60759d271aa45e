// Load-pattern shorthands: `pattern:` on a ramping-vus or ramping-arrival-rate scenario expands
// into ordinary k6 stages, so the engine and the schedules only ever see stages.
//
//   step:  levels [a, b, c], hold, ramp (default 0: jump) → ramp to a, hold, ramp to b, hold, ...
//   spike: baseline, peak, warmup, rise, hold, fall, recovery → baseline for warmup, rise to peak,
//          hold, fall back to baseline, stay for recovery
//   soak:  target, rampUp, hold, rampDown → ramp up, hold for a long time, ramp down to 0
#include <fmt/format.h>

#include "plan/loader_internal.h"

namespace perfgate::plan::detail {
namespace {

struct PatternFields {
  std::map<std::string, YAML::Node> values;
  bool has(const std::string& key) const { return values.count(key) > 0; }
};

std::optional<Nanos> need_duration(LoadContext& ctx, const PatternFields& f, const YAML::Node& at,
                                   const std::string& key, std::optional<Nanos> fallback) {
  if (f.has(key)) return ctx.reader.duration(f.values.at(key), "pattern." + key);
  if (!fallback)
    ctx.reader.error(at, fmt::format("the pattern needs {}", key), fmt::format("add {}: 30s", key));
  return fallback;
}

std::optional<std::int64_t> need_int(LoadContext& ctx, const PatternFields& f, const YAML::Node& at,
                                     const std::string& key) {
  if (f.has(key)) return ctx.reader.integer(f.values.at(key), "pattern." + key);
  ctx.reader.error(at, fmt::format("the pattern needs {}", key), fmt::format("add {}: 10", key));
  return std::nullopt;
}

bool expand_step(LoadContext& ctx, const PatternFields& f, const YAML::Node& at, Scenario& s) {
  auto hold = need_duration(ctx, f, at, "hold", std::nullopt);
  auto ramp = need_duration(ctx, f, at, "ramp", Nanos{0});
  if (!f.has("levels")) {
    ctx.reader.error(at, "the step pattern needs levels", "add levels: [10, 20, 30]");
    return false;
  }
  const YAML::Node levels = f.values.at("levels");
  if (!ctx.reader.expect_sequence(levels, "pattern.levels") || !hold || !ramp) return false;
  if (levels.size() == 0) {
    ctx.reader.error(levels, "pattern.levels is empty", "add levels: [10, 20, 30]");
    return false;
  }
  for (const YAML::Node& level : levels) {
    auto target = ctx.reader.integer(level, "a level");
    if (!target) return false;
    if (*ramp > 0)
      s.stages.push_back({*ramp, *target, ctx.reader.pos(level)});
    else
      s.stages.push_back({0, *target, ctx.reader.pos(level)});
    s.stages.push_back({*hold, *target, ctx.reader.pos(level)});
  }
  return true;
}

bool expand_spike(LoadContext& ctx, const PatternFields& f, const YAML::Node& at, Scenario& s,
                  std::int64_t& start) {
  auto baseline = need_int(ctx, f, at, "baseline");
  auto peak = need_int(ctx, f, at, "peak");
  auto warmup = need_duration(ctx, f, at, "warmup", 30 * kSecond);
  auto rise = need_duration(ctx, f, at, "rise", 10 * kSecond);
  auto hold = need_duration(ctx, f, at, "hold", 30 * kSecond);
  auto fall = need_duration(ctx, f, at, "fall", rise);
  auto recovery = need_duration(ctx, f, at, "recovery", 60 * kSecond);
  if (!baseline || !peak || !warmup || !rise || !hold || !fall || !recovery) return false;
  if (*peak <= *baseline) {
    ctx.reader.error(
        at, fmt::format("a spike's peak ({}) must exceed its baseline ({})", *peak, *baseline));
    return false;
  }
  const SourcePos pos = ctx.reader.pos(at);
  start = *baseline;
  s.stages = {{*warmup, *baseline, pos},
              {*rise, *peak, pos},
              {*hold, *peak, pos},
              {*fall, *baseline, pos},
              {*recovery, *baseline, pos}};
  return true;
}

bool expand_soak(LoadContext& ctx, const PatternFields& f, const YAML::Node& at, Scenario& s) {
  auto target = need_int(ctx, f, at, "target");
  auto ramp_up = need_duration(ctx, f, at, "rampUp", 60 * kSecond);
  auto hold = need_duration(ctx, f, at, "hold", std::nullopt);
  auto ramp_down = need_duration(ctx, f, at, "rampDown", ramp_up);
  if (!target || !ramp_up || !hold || !ramp_down) return false;
  const SourcePos pos = ctx.reader.pos(at);
  s.stages = {{*ramp_up, *target, pos}, {*hold, *target, pos}, {*ramp_down, 0, pos}};
  return true;
}

}  // namespace

void load_pattern(LoadContext& ctx, Scenario& s, const YAML::Node& node, bool start_given) {
  static const std::vector<std::string_view> kKeys = {
      "type", "levels", "hold",     "ramp",   "baseline", "peak",    "warmup",
      "rise", "fall",   "recovery", "target", "rampUp",   "rampDown"};
  static const std::map<std::string, std::vector<std::string_view>> kByType = {
      {"step", {"type", "levels", "hold", "ramp"}},
      {"spike", {"type", "baseline", "peak", "warmup", "rise", "hold", "fall", "recovery"}},
      {"soak", {"type", "target", "rampUp", "hold", "rampDown"}}};
  PatternFields fields;
  ctx.reader.for_each(node, "pattern", kKeys,
                      [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
                        fields.values[key] = value;
                      });
  if (!node.IsMap()) return;
  if (!fields.has("type")) {
    ctx.reader.error(node, "the pattern has no type", "add type: step, spike or soak");
    return;
  }
  auto type = ctx.reader.string(fields.values["type"], "pattern.type");
  if (!type) return;
  auto allowed = kByType.find(*type);
  if (allowed == kByType.end()) {
    ctx.reader.error(fields.values["type"], fmt::format("unknown pattern \"{}\"", *type),
                     suggest(*type, {"step", "spike", "soak"}));
    return;
  }
  for (const auto& [key, value] : fields.values) {
    const auto& ok = allowed->second;
    if (std::find(ok.begin(), ok.end(), key) == ok.end()) {
      ctx.reader.error(value, fmt::format("\"{}\" does not apply to the {} pattern", key, *type));
    }
  }
  std::int64_t start = 0;
  bool expanded = false;
  if (*type == "step")
    expanded = expand_step(ctx, fields, node, s);
  else if (*type == "spike")
    expanded = expand_spike(ctx, fields, node, s, start);
  else
    expanded = expand_soak(ctx, fields, node, s);
  if (!expanded) return;
  s.pattern = *type;
  if (!start_given) {
    if (s.executor == ExecutorKind::kRampingVus)
      s.start_vus = start;
    else
      s.start_rate = start;
  }
}

}  // namespace perfgate::plan::detail
