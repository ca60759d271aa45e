// What the engine's coordinator reports while a run goes on. The engine itself is run_plan()
// (engine/plan_run.h): one-liners run as one-step plans (engine/one_liner.h).
//
// Thread-safety: a LiveStatus is handed to a callback on the coordinator thread and is valid
// during the call.
#pragma once

#include "core/clock.h"
#include "results/run_result.h"

namespace perfgate::engine {

struct PlanMetrics;
struct PlanIndex;

// What the coordinator knows after each second, for live progress lines and live outputs.
struct LiveStatus {
  Nanos elapsed = 0;
  Nanos duration = 0;
  const results::TimeSeriesPoint* last_second = nullptr;
  const results::MetricSet* totals = nullptr;
  const PlanMetrics* interval = nullptr;  // the second just collected, by name and check
  const PlanIndex* index = nullptr;       // names and checks of `interval`
};

}  // namespace perfgate::engine
