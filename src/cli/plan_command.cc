// `perfgate plan --check plan.yaml` validates a plan without sending traffic; `--explain` also
// prints the expanded scenarios, stages, a chart of load over time, thresholds and flows.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/github_actions.h"
#include "cli/plan_flags.h"
#include "engine/plan_index.h"
#include "plan/explain.h"
#include "plan/loader.h"
#include "plan/redact.h"

namespace perfgate::cli {

int plan_main(const std::vector<std::string>& args) {
  CLI::App app(
      "Validate a test plan, or explain what it will do, without sending any traffic.\n\n"
      "Examples:\n  perfgate plan --check examples/auth-login.yaml\n"
      "  perfgate plan --explain examples/stress-ramp.yaml\n"
      "  perfgate plan --explain examples/soak.yaml --duration-scale 0.1 -e SOAK_HOLD=1m\n\n"
      "The plan flags of `perfgate run` (-u, -d, -i, --stage, -e, --tag, --duration-scale) apply\n"
      "here too, so --explain shows the plan the run would run.",
      "perfgate plan");
  std::string check_path, explain_path;
  auto* check = app.add_option("--check", check_path, "validate the plan; exit 0 or 104");
  auto* explain = app.add_option("--explain", explain_path, "validate, then describe the plan");
  check->excludes(explain);
  explain->excludes(check);
  PlanFlags flags;
  add_plan_flags(app, flags);
  if (int rc = parse_arguments(app, args); rc >= 0) return rc;
  if (check_path.empty() && explain_path.empty()) {
    fmt::print(stderr, "error: give --check PLAN or --explain PLAN\n");
    return kExitUsage;
  }
  auto setup = parse_plan_flags(flags);
  if (!setup) {
    fmt::print(stderr, "error: {}\n", setup.error().describe());
    return kExitUsage;
  }

  const std::string& path = check_path.empty() ? explain_path : check_path;
  plan::LoadResult loaded = load_plan_with(path, *setup);
  if (loaded.ok()) {
    if (auto ok = finish_plan(loaded.plan, *setup); !ok) {
      fmt::print(stderr, "error: {}\n", ok.error().describe());
      return kExitUsage;
    }
  }
  if (!loaded.ok()) {
    const auto errors = loaded.diagnostics.sorted();
    for (const plan::Diagnostic& d : errors) fmt::print(stderr, "{}\n", d.format());
    annotate_plan_errors(loaded.diagnostics);
    fmt::print(stderr, "{}: {} error{}; the plan is invalid\n", path, errors.size(),
               errors.size() == 1 ? "" : "s");
    return kExitInvalidPlan;
  }
  // What `run` would refuse after loading (e.g. a URL the engine cannot use) is refused here too;
  // sub-metric filters that no sample can match get the same warnings `perfgate run` prints.
  auto index = engine::build_plan_index(loaded.plan, /*resolve_hosts=*/false);
  if (!index) {
    fmt::print(stderr, "{}: error: {}\n{}: the plan is invalid\n", path,
               plan::Redactor::for_plan(loaded.plan).text(index.error().describe()), path);
    return kExitInvalidPlan;
  }
  if (auto limit = check_file_limit(loaded.plan)) {
    fmt::print(stderr, "{}\n{}: 1 error; the plan is invalid\n", limit->format(), path);
    return kExitInvalidPlan;
  }
  for (const std::string& w : index->subs.warnings)
    fmt::print(stderr, "{}: warning: {}\n", path, w);
  if (!explain_path.empty()) {
    fmt::print("{}", plan::explain_plan(loaded.plan, plan::Redactor::for_plan(loaded.plan)));
  } else {
    fmt::print("{}: ok ({} scenario{}, {} flow{}, {} threshold{})\n", path,
               loaded.plan.scenarios.size(), loaded.plan.scenarios.size() == 1 ? "" : "s",
               loaded.plan.flows.size(), loaded.plan.flows.size() == 1 ? "" : "s",
               loaded.plan.options.thresholds.size(),
               loaded.plan.options.thresholds.size() == 1 ? "" : "s");
  }
  return kExitOk;
}

}  // namespace perfgate::cli
