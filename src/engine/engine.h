// Engine: runs one load test. The calling thread becomes the coordinator: it starts one Worker
// thread per --threads, collects every worker's MetricShard once a second (a lock-free flip, see
// metric_shard.h) into the per-second time series and the run's totals, reports live progress,
// watches for an interrupt, and after the end (plus the in-flight grace period) returns the
// RunResult with the generator's self-check filled in.
//
// Thread-safety: run() is called from one thread; `interrupt` may be set from a signal handler.
#pragma once

#include <atomic>
#include <functional>

#include "core/result.h"
#include "engine/config.h"
#include "results/run_result.h"

namespace perfgate::engine {

// What the coordinator knows after each second, for live progress lines.
struct LiveStatus {
  Nanos elapsed = 0;
  Nanos duration = 0;
  const results::TimeSeriesPoint* last_second = nullptr;
  const results::MetricSet* totals = nullptr;
};

struct RunHooks {
  // Set (from anywhere, e.g. a SIGINT handler) to stop the run early; results are still produced
  // and RunResult::interrupted is set.
  const std::atomic<bool>* interrupt = nullptr;
  // Called on the coordinator thread after each collected second.
  std::function<void(const LiveStatus&)> on_second;
};

// Runs the test described by `config`. `meta` is copied into the result (the engine fills in
// start time, elapsed time and the model's numbers). Errors only for a run that cannot start.
Result<results::RunResult> run(const EngineConfig& config, const results::RunMetadata& meta,
                               const RunHooks& hooks);

}  // namespace perfgate::engine
