// What `perfgate capacity`, `stress` and `scale` share: the target (a URL or a plan file), the
// per-trial options borrowed from `run` (-d, --warmup, --threads, --timeout, --max-vus,
// --monitor), the
// SLO list, signal handling, and the results file (`--out json=FILE`, and the HTML report with
// `--out html=FILE`): the ordinary results
// document of one representative trial at the top level, plus the search's own object
// ("capacity", "stress" or "scalability") holding every trial with its results.
//
// Thread-safety: main thread only.
#pragma once

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/capacity/slo.h"
#include "cli/trial_runner.h"
#include "core/result.h"

namespace CLI {
class App;
}

namespace perfgate::cli {

struct TrialCommandOptions {
  std::string target;  // URL or plan file
  std::string duration = "10s";
  std::string warmup = "2s";
  std::string timeout = "5s";
  int threads = 0;  // 0: number of CPUs
  int max_vus = 0;
  std::vector<std::string> outs;  // json=FILE
  std::vector<std::string> slos;
  std::vector<std::string> monitors;  // --monitor TARGET, repeatable (trial_monitor.h)
  std::string monitor_interval = "1s";
};

// Adds the target and the shared options; `with_slo` adds --slo.
void add_trial_options(CLI::App& app, TrialCommandOptions& o, bool with_slo,
                       bool target_required = true);

struct PreparedTrials {
  std::unique_ptr<EngineTrialRunner> runner;
  std::vector<analysis::capacity::Slo> slos;
  double duration_seconds = 0;
  double warmup_seconds = 0;
  std::string json_out;  // empty: none
  std::string html_out;  // empty: none
};

// Parses the shared options, loads the target and builds the runner (progress lines go to
// stdout after each trial). Errors: bad input, an invalid plan.
Result<PreparedTrials> prepare_trials(const TrialCommandOptions& o, const std::string& command,
                                      const std::vector<std::string>& args);

// Writes `representative` (a trial's results document; may be null) with `key: section` added
// to `json_path`, and the HTML report of that document (with the search's section) to
// `html_path`; an empty path is skipped.
Result<void> write_search_results(const std::string& json_path, const std::string& html_path,
                                  const nlohmann::json& representative, const std::string& key,
                                  const nlohmann::json& section);

// Set by SIGINT/SIGTERM while a search runs.
const std::atomic<bool>& trial_interrupt_flag();
void install_trial_signal_handlers();
void restore_trial_signal_handlers();

}  // namespace perfgate::cli
