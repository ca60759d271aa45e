// The plan flags `perfgate run plan.yaml` and `perfgate plan --check/--explain` share: k6's
// execution overrides (-u, -d, -i, --stage, --tag; see plan/overrides.h for what they do to a
// plan's scenarios), -e KEY=VALUE (plan environment variables, ahead of the process
// environment) and --duration-scale. Loading a plan through here gives every command the same
// plan for the same flags.
//
// Thread-safety: used on the main thread before a run.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "plan/loader.h"
#include "plan/overrides.h"

namespace perfgate::cli {

struct PlanFlags {
  std::int64_t vus = 0;
  bool vus_given = false;
  std::string duration;
  std::int64_t iterations = 0;
  std::vector<std::string> stages;  // "10s:50"
  std::vector<std::string> env;     // "KEY=VALUE"
  std::vector<std::string> tags;    // "k=v"
  double duration_scale = 0;        // 0: $PERFGATE_DURATION_SCALE or 1
  double traceparent = -1;          // --traceparent RATIO; < 0: not given
};

void add_plan_flags(CLI::App& app, PlanFlags& flags);

// The flags, checked (bad ones are usage errors, exit 2).
struct PlanSetup {
  plan::PlanOverrides overrides;
  std::map<std::string, std::string> env;
  double duration_scale = 1;
  double traceparent = -1;         // --traceparent RATIO; < 0: not given
  plan::ReflectionTls reflection;  // gRPC reflection at load: the run's --cacert / --insecure...
};

// --traceparent RATIO, k6's tracing option as a flag: W3C traceparent headers on every request,
// RATIO (0..1) of them marked sampled (options.tracing; engine/trace_context.h).
void add_traceparent_flag(CLI::App& app, double& ratio);
// Turns tracing on in `plan` for a given --traceparent (ratio < 0: not given, nothing changes).
Result<void> apply_traceparent_flag(plan::Plan& plan, double ratio);
Result<PlanSetup> parse_plan_flags(const PlanFlags& flags);

// Loads `path` with the setup's environment (-e first, then the process environment).
plan::LoadResult load_plan_with(const std::string& path, const PlanSetup& setup);

// What the machine cannot give the plan: more VUs (one connection each) than the open-file limit
// allows once raised to its hard limit. One diagnostic at the busiest scenario, or none. `run`
// and `plan --check` both refuse such a plan (exit 104) before any traffic.
std::optional<plan::Diagnostic> check_file_limit(const plan::Plan& plan);

// Scales the loaded plan's durations (think times excepted), then applies the overrides, whose
// durations are taken as given.
Result<void> finish_plan(plan::Plan& plan, const PlanSetup& setup);

}  // namespace perfgate::cli
