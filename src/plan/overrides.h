// Command-line overrides of a loaded plan, with k6's meanings (`k6 run -u -d -i -s --tag`):
//   - --duration, --iterations or --stage replace ALL of the plan's scenarios with one scenario
//     named "default" (k6's execution shortcuts), derived as k6 derives it:
//       --stage D:T ...            ramping-vus, startVUs = --vus (else options.vus, else 1)
//       --iterations N [-d D]      shared-iterations over --vus VUs, maxDuration = D (else 10m)
//       --duration D               constant-vus with --vus VUs
//     --stage excludes --duration and --iterations (k6 refuses the mix too).
//   - --vus alone changes the VUs of a plan written with the options.vus shortcut (its single
//     "default" scenario); a plan with its own scenarios is refused, not silently ignored.
//   - --tag k=v adds a tag to every scenario, so every sample carries it and threshold selectors
//     can name it.
// The replacement scenario runs the flow named "default", else the only flow, else the flows of
// the plan's scenarios when they all run the same ones; otherwise the override is refused.
//
// Thread-safety: pure functions over a Plan the caller owns.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "plan/plan.h"

namespace perfgate::plan {

struct PlanOverrides {
  std::optional<std::int64_t> vus;
  std::optional<Nanos> duration;
  std::optional<std::int64_t> iterations;
  std::vector<Stage> stages;
  std::map<std::string, std::string> tags;

  // Whether the scenarios are replaced (k6's shortcuts given on the command line).
  bool replaces_scenarios() const { return duration || iterations || !stages.empty(); }
  bool empty() const { return !vus && !replaces_scenarios() && tags.empty(); }
};

// "10s:50" -> a stage of 10 s ramping to 50. Errors name the flag and show the shape.
Result<Stage> parse_stage_flag(std::string_view text);
// "k=v" -> {k, v}. Tags perfgate sets itself (name, scenario, method, status, group, check, url,
// expected_response, error_code) are refused.
Result<std::pair<std::string, std::string>> parse_tag_flag(std::string_view text);
// "KEY=VALUE" -> {KEY, VALUE}; KEY is an environment variable name.
Result<std::pair<std::string, std::string>> parse_env_flag(std::string_view text);

// Applies `overrides` to `plan` (see the top of this file). Errors leave `plan` unchanged.
Result<void> apply_overrides(Plan& plan, const PlanOverrides& overrides);

}  // namespace perfgate::plan
