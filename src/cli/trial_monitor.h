// TrialMonitor: `--monitor` for capacity, stress and scale. Each trial gets its own monitor
// (monitor/monitor.h) over the targets given, started right before the trial's run and stopped
// right after it; the trial keeps the monitor's report in its results document (as `perfgate run
// --monitor` does) and a summary of the watched target's resources (TrialResources,
// analysis/capacity/trial.h) that names the resource that ran out, if one did.
//
// Thread-safety: one thread (the trial runner's); the monitor samples on its own thread.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/capacity/trial.h"
#include "core/clock.h"
#include "core/result.h"
#include "monitor/monitor.h"
#include "monitor/target.h"
#include "results/run_result.h"

namespace perfgate::cli {

struct TrialMonitorOptions {
  std::vector<monitor::Target> targets;  // empty: no monitoring
  Nanos interval = kNanosPerSecond;
};

// Parses --monitor specs and --monitor-interval; checks that pid and cgroup targets exist now.
Result<TrialMonitorOptions> parse_trial_monitor(const std::vector<std::string>& specs,
                                                const std::string& interval);

// The resources of the first watched target that is not perfgate itself, over the steady part
// [steady_from_s, steady_to_s] (seconds on the monitor's axis), with the report's findings.
analysis::capacity::TrialResources summarize_resources(const monitor::MonitorReport& report,
                                                       double steady_from_s, double steady_to_s);

class TrialMonitor {
 public:
  explicit TrialMonitor(const TrialMonitorOptions& options);
  bool active() const { return monitor_ != nullptr; }
  // Starts sampling; the run's t = 0 is taken as now.
  void start();
  // Stops sampling, finds the findings with the run's numbers, and returns the report as JSON
  // (the results document's `monitor` object); fills `resources` for the steady part
  // [warmup_s, end_s] of the run's time axis. Returns null when not active.
  nlohmann::json finish(const results::RunResult& run, double warmup_s, double end_s,
                        analysis::capacity::TrialResources* resources);

 private:
  std::unique_ptr<monitor::Monitor> monitor_;
  Nanos run_started_ = 0;
};

}  // namespace perfgate::cli
