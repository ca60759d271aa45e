// The plan flags shared by `run plan.yaml` and `plan --check/--explain`; see plan_flags.h.
#include "cli/plan_flags.h"

#include <fmt/format.h>

#include <cstdlib>

#include "core/units.h"
#include "engine/plan_index.h"
#include "net/socket.h"
#include "plan/schedule.h"

namespace perfgate::cli {
namespace {

Result<double> duration_scale(double given) {
  if (given < 0) return make_error("--duration-scale must be above 0");
  if (given > 0) return given;
  const char* env = std::getenv("PERFGATE_DURATION_SCALE");
  if (env == nullptr || *env == '\0') return 1.0;
  char* end = nullptr;
  const double value = std::strtod(env, &end);
  if (end == env || *end != '\0' || value <= 0) {
    return make_error(fmt::format("PERFGATE_DURATION_SCALE=\"{}\" is not a number above 0", env));
  }
  return value;
}

Result<plan::PlanOverrides> parse_overrides(const PlanFlags& f) {
  plan::PlanOverrides o;
  if (f.vus_given) o.vus = f.vus;
  if (!f.duration.empty()) {
    auto d = parse_duration(f.duration);
    if (!d) return make_error(fmt::format("--duration: {}", d.error().message), d.error().hint);
    if (*d <= 0) return make_error("--duration must be above 0");
    o.duration = *d;
  }
  if (f.iterations < 0) return make_error("--iterations must be at least 1");
  if (f.iterations > 0) o.iterations = f.iterations;
  for (const std::string& text : f.stages) {
    auto stage = plan::parse_stage_flag(text);
    if (!stage) return stage.error();
    o.stages.push_back(*stage);
  }
  for (const std::string& text : f.tags) {
    auto tag = plan::parse_tag_flag(text);
    if (!tag) return tag.error();
    o.tags[tag->first] = tag->second;
  }
  return o;
}

}  // namespace

void add_plan_flags(CLI::App& app, PlanFlags& f) {
  app.add_option("-u,--vus", f.vus,
                 "VUs of the one scenario that -d, -i or --stage make (k6's shortcut; default "
                 "options.vus or 1); alone, the VUs of a plan written with options.vus")
      ->each([&f](const std::string&) { f.vus_given = true; });
  app.add_option("-d,--duration", f.duration,
                 "replace the plan's scenarios with one constant-vus scenario this long (k6)");
  app.add_option("-i,--iterations", f.iterations,
                 "replace the plan's scenarios with one shared-iterations scenario (k6)");
  app.add_option("-s,--stage", f.stages,
                 "DURATION:TARGET, repeatable: replace the scenarios with one ramping-vus "
                 "scenario (k6)")
      ->allow_extra_args(false);
  app.add_option("-e,--env", f.env,
                 "KEY=VALUE: a plan variable ${KEY}, ahead of the environment (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--tag", f.tags,
                 "NAME=VALUE: a tag on every sample (repeatable); testid=X also names the run "
                 "in live outputs")
      ->allow_extra_args(false);
  add_traceparent_flag(app, f.traceparent);
  app.add_option("--duration-scale", f.duration_scale,
                 "multiply every duration, stage, startTime and gracefulStop (not think times, "
                 "which keep the load per VU) e.g. 0.1; default $PERFGATE_DURATION_SCALE or 1");
}

Result<PlanSetup> parse_plan_flags(const PlanFlags& flags) {
  PlanSetup setup;
  auto scale = duration_scale(flags.duration_scale);
  if (!scale) return scale.error();
  setup.duration_scale = *scale;
  auto overrides = parse_overrides(flags);
  if (!overrides) return overrides.error();
  setup.overrides = std::move(*overrides);
  setup.traceparent = flags.traceparent;
  for (const std::string& text : flags.env) {
    auto kv = plan::parse_env_flag(text);
    if (!kv) return kv.error();
    setup.env[kv->first] = kv->second;
  }
  return setup;
}

plan::LoadResult load_plan_with(const std::string& path, const PlanSetup& setup) {
  plan::EnvLookup process = plan::process_env();
  const std::map<std::string, std::string> given = setup.env;
  return plan::load_plan_file(
      path,
      [given, process](const std::string& name) -> std::optional<std::string> {
        auto it = given.find(name);
        if (it != given.end()) return it->second;
        return process(name);
      },
      setup.reflection);
}

std::optional<plan::Diagnostic> check_file_limit(const plan::Plan& plan) {
  constexpr std::int64_t kSpareFiles = 64;  // listeners, logs, output files, the resolver
  std::int64_t vus = 0;
  const plan::Scenario* busiest = nullptr;
  for (const plan::Scenario& s : plan.scenarios) {
    const std::int64_t n = plan::segment_vus(s, plan.segment);
    vus += n;
    if (busiest == nullptr || n > plan::segment_vus(*busiest, plan.segment)) busiest = &s;
  }
  const long limit = net::raise_open_file_limit();
  if (limit < 0 || busiest == nullptr || vus + kSpareFiles <= limit) return std::nullopt;
  plan::Diagnostic d;
  d.pos = busiest->pos;
  d.message = fmt::format(
      "the scenarios may run {} VUs at once, each with its own connection, but the open-file "
      "limit is {} (about {} are needed)",
      vus, limit, vus + kSpareFiles);
  d.hint =
      "raise it with 'ulimit -n' (or LimitNOFILE= in a unit file), lower the VUs, or split the run "
      "across processes with --execution-segment (docs/distributed.md)";
  return d;
}

Result<void> finish_plan(plan::Plan& plan, const PlanSetup& setup) {
  if (setup.duration_scale != 1.0) engine::scale_plan_durations(plan, setup.duration_scale);
  if (auto ok = apply_traceparent_flag(plan, setup.traceparent); !ok) return ok;
  return plan::apply_overrides(plan, setup.overrides);
}

void add_traceparent_flag(CLI::App& app, double& ratio) {
  app.add_option("--traceparent", ratio,
                 "RATIO: a W3C traceparent header on every request, RATIO (0..1) of them marked "
                 "sampled; the results list the slowest trace ids per request name");
}

Result<void> apply_traceparent_flag(plan::Plan& plan, double ratio) {
  if (ratio < 0) return {};
  if (ratio > 1) return make_error("--traceparent takes a sampling ratio between 0 and 1");
  plan.options.tracing = true;
  plan.options.trace_sampling = ratio;
  return {};
}

}  // namespace perfgate::cli
