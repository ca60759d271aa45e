// `perfgate capacity TARGET --slo ...`: the highest open-model arrival rate that meets every SLO
// (analysis/capacity/capacity_search.h), in the console and in `--out json=FILE`.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "analysis/capacity/capacity_console.h"
#include "analysis/capacity/capacity_json.h"
#include "analysis/capacity/capacity_search.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/trial_command.h"
#include "core/units.h"

namespace perfgate::cli {
namespace {

constexpr const char* kCapacityHelp =
    "Find the highest arrival rate (open model) at which every SLO holds: short trials grow the\n"
    "rate geometrically until one fails, then bisect; trials near an SLO's bound are repeated\n"
    "and the majority decides; warm-up is left out of each trial. Says whether the target or\n"
    "the load generator limited the answer. See docs/capacity.md.\n\n"
    "Examples:\n"
    "  perfgate capacity http://127.0.0.1:8080/ --slo 'p(95)<200ms' --slo 'http_req_failed<1%'\n"
    "  perfgate capacity plan.yaml --slo 'p(99)<1s' --budget 10m --resolution 2% -d 15s\n\n"
    "Exit codes: 0 an answer was found, 1 runtime error, 2 bad input, 105 interrupted.";

struct CapacityCommandOptions {
  TrialCommandOptions trial;
  std::string budget = "10m";
  std::string resolution = "2%";
  std::string start_rate = "50";
  std::string max_rate;
  double growth = 2;
  int confirm = 3;
  std::string cooldown = "2s";
};

Result<double> parse_fraction(const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return make_error(fmt::format("'{}' is not a number", text));
  if (std::string(end) == "%")
    v /= 100;
  else if (*end != '\0')
    return make_error(fmt::format("'{}' is not a number or percentage", text));
  if (v <= 0 || v >= 1) return make_error(fmt::format("'{}' must be between 0 and 100%", text));
  return v;
}

Result<analysis::capacity::CapacityOptions> search_options(const CapacityCommandOptions& o,
                                                           const PreparedTrials& p) {
  analysis::capacity::CapacityOptions s;
  s.slos = p.slos;
  s.duration_seconds = p.duration_seconds;
  s.warmup_seconds = p.warmup_seconds;
  s.growth = o.growth;
  s.confirm = o.confirm;
  auto budget = parse_duration(o.budget);
  if (!budget) return make_error("--budget: " + budget.error().describe());
  s.budget_seconds = static_cast<double>(*budget) / kNanosPerSecond;
  auto cooldown = parse_duration(o.cooldown);
  if (!cooldown) return make_error("--cooldown: " + cooldown.error().describe());
  s.cooldown_seconds = static_cast<double>(*cooldown) / kNanosPerSecond;
  auto resolution = parse_fraction(o.resolution);
  if (!resolution) return make_error("--resolution: " + resolution.error().describe());
  s.resolution = *resolution;
  auto start = parse_rate(o.start_rate);
  if (!start || *start <= 0) return make_error("--start-rate: expected a rate such as 50 or 50/s");
  s.start_rate = *start;
  if (!o.max_rate.empty()) {
    auto max = parse_rate(o.max_rate);
    if (!max || *max <= 0) return make_error("--max-rate: expected a rate such as 5000/s");
    s.max_rate = *max;
  }
  return s;
}

}  // namespace

int capacity_main(const std::vector<std::string>& args) {
  CLI::App app(kCapacityHelp, "perfgate capacity");
  CapacityCommandOptions o;
  add_trial_options(app, o.trial, true);
  app.add_option("--budget", o.budget, "most time the whole search may take (default 10m)");
  app.add_option("--resolution", o.resolution,
                 "stop when the bracket is this close, e.g. 2% (default)");
  app.add_option("--start-rate", o.start_rate, "first trial's rate (default 50/s)");
  app.add_option("--max-rate", o.max_rate, "never offer more than this rate");
  app.add_option("--growth", o.growth, "rate factor while bracketing (default 2)")
      ->check(CLI::Range(1.05, 100.0));
  app.add_option("--confirm", o.confirm,
                 "trials per point near an SLO's bound; the majority decides (default 3)")
      ->check(CLI::Range(1, 9));
  app.add_option("--cooldown", o.cooldown,
                 "pause after a failing trial so the target drains (default 2s; counts in the "
                 "budget)");
  if (int rc = parse_arguments(app, args); rc >= 0) return rc;
  if (o.trial.slos.empty()) {
    fmt::print(stderr, "error: capacity needs at least one --slo, e.g. --slo 'p(95)<200ms'\n");
    return kExitUsage;
  }
  auto prepared = prepare_trials(o.trial, "capacity", args);
  if (!prepared) {
    fmt::print(stderr, "error: {}\n", prepared.error().describe());
    return kExitUsage;
  }
  auto options = search_options(o, *prepared);
  if (!options) {
    fmt::print(stderr, "error: {}\n", options.error().describe());
    return kExitUsage;
  }
  install_trial_signal_handlers();
  auto result = analysis::capacity::search_capacity(*prepared->runner, *options);
  restore_trial_signal_handlers();
  if (!result) {
    fmt::print(stderr, "error: {}\n", result.error().describe());
    return trial_interrupt_flag().load() ? kExitInterrupted : kExitRuntimeError;
  }
  fmt::print("{}", analysis::capacity::format_capacity(*result));
  if (!prepared->json_out.empty() || !prepared->html_out.empty()) {
    nlohmann::json representative;
    for (const auto& t : result->trials) {
      if (t.passed && t.stats.load.rate == result->sustainable_rate) {
        representative = t.stats.results;
      }
    }
    if (representative.is_null() && !result->trials.empty()) {
      representative = result->trials.back().stats.results;
    }
    auto ok =
        write_search_results(prepared->json_out, prepared->html_out, representative, "capacity",
                             analysis::capacity::capacity_json(*result, *options));
    if (!ok) {
      fmt::print(stderr, "error: {}\n", ok.error().describe());
      return kExitRuntimeError;
    }
  }
  return kExitOk;
}

}  // namespace perfgate::cli
