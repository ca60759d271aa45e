// `perfgate stress`: steps the load up until a breaking point, then measures recovery at the
// normal load (analysis/capacity/stress_search.h).
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "analysis/capacity/capacity_console.h"
#include "analysis/capacity/capacity_json.h"
#include "analysis/capacity/stress_search.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/trial_command.h"
#include "core/units.h"

namespace perfgate::cli {
namespace {

constexpr const char* kStressHelp =
    "Step the load up (arrival rate by default; VUs with --vus) until the target breaks: an SLO\n"
    "fails, errors surge, timeouts pile up or throughput stops rising. Then drop back to the\n"
    "normal (first) load and measure how long latency and errors take to return to their\n"
    "pre-stress band. See docs/capacity.md.\n\n"
    "Examples:\n"
    "  perfgate stress http://127.0.0.1:8080/ --rate 100 --step-factor 1.5 --slo 'p(95)<500ms'\n"
    "  perfgate stress plan.yaml --vus 10 --recovery 60s -d 20s\n\n"
    "Exit codes: 0 done (whether or not it broke), 1 runtime error, 2 bad input, 105 interrupted.";

struct StressCommandOptions {
  TrialCommandOptions trial;
  std::string rate = "50";
  int vus = 0;
  double step_factor = 1.5;
  std::string max_rate;
  int max_steps = 20;
  std::string recovery = "30s";
  std::string budget = "15m";
};

Result<analysis::capacity::StressOptions> stress_options(const StressCommandOptions& o,
                                                         const PreparedTrials& p) {
  analysis::capacity::StressOptions s;
  s.slos = p.slos;
  s.duration_seconds = p.duration_seconds;
  s.warmup_seconds = p.warmup_seconds;
  s.step_factor = o.step_factor;
  s.max_steps = o.max_steps;
  s.vus_mode = o.vus > 0;
  if (s.vus_mode) {
    s.start = o.vus;
  } else {
    auto rate = parse_rate(o.rate);
    if (!rate || *rate <= 0) return make_error("--rate: expected a rate such as 100 or 100/s");
    s.start = *rate;
  }
  if (!o.max_rate.empty()) {
    auto max = parse_rate(o.max_rate);
    if (!max || *max <= 0) return make_error("--max-load: expected a number");
    s.max_load = *max;
  }
  auto recovery = parse_duration(o.recovery);
  if (!recovery || *recovery < 3 * kNanosPerSecond) {
    return make_error("--recovery: expected a duration of at least 3s");
  }
  s.recovery_window_seconds = static_cast<double>(*recovery) / kNanosPerSecond;
  auto budget = parse_duration(o.budget);
  if (!budget) return make_error("--budget: " + budget.error().describe());
  s.budget_seconds = static_cast<double>(*budget) / kNanosPerSecond;
  return s;
}

}  // namespace

int stress_main(const std::vector<std::string>& args) {
  CLI::App app(kStressHelp, "perfgate stress");
  StressCommandOptions o;
  add_trial_options(app, o.trial, true);
  app.add_option("-r,--rate", o.rate, "normal load and first step: arrivals per second (50)");
  app.add_option("--vus", o.vus, "step VUs (closed model) from this many instead of the rate")
      ->check(CLI::PositiveNumber);
  app.add_option("--step-factor", o.step_factor, "each step multiplies the load (default 1.5)")
      ->check(CLI::Range(1.05, 100.0));
  app.add_option("--max-load", o.max_rate, "stop stepping above this rate (or VU count)");
  app.add_option("--max-steps", o.max_steps, "most steps (default 20)")->check(CLI::Range(1, 100));
  app.add_option("--recovery", o.recovery,
                 "observation window at the normal load after the break (default 30s)");
  app.add_option("--budget", o.budget, "most time the steps may take (default 15m)");
  if (int rc = parse_arguments(app, args); rc >= 0) return rc;
  auto prepared = prepare_trials(o.trial, "stress", args);
  if (!prepared) {
    fmt::print(stderr, "error: {}\n", prepared.error().describe());
    return kExitUsage;
  }
  auto options = stress_options(o, *prepared);
  if (!options) {
    fmt::print(stderr, "error: {}\n", options.error().describe());
    return kExitUsage;
  }
  install_trial_signal_handlers();
  auto result = analysis::capacity::run_stress(*prepared->runner, *options);
  restore_trial_signal_handlers();
  if (!result) {
    fmt::print(stderr, "error: {}\n", result.error().describe());
    return trial_interrupt_flag().load() ? kExitInterrupted : kExitRuntimeError;
  }
  fmt::print("{}", analysis::capacity::format_stress(*result));
  if (!prepared->json_out.empty() || !prepared->html_out.empty()) {
    const nlohmann::json& representative = result->steps.back().stats.results;
    auto ok = write_search_results(prepared->json_out, prepared->html_out, representative, "stress",
                                   analysis::capacity::stress_json(*result));
    if (!ok) {
      fmt::print(stderr, "error: {}\n", ok.error().describe());
      return kExitRuntimeError;
    }
  }
  return kExitOk;
}

}  // namespace perfgate::cli
