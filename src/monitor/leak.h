// Memory-leak detection: the least-squares slope of a target's memory over the steady part of
// the run, with a 95% confidence interval (see linear_fit.h for the correction for
// autocorrelated samples), in MB per hour (MB = 10^6 bytes).
//
// The rule (documented in docs/monitoring.md):
//   1. Warm-up: points before `warmup_s` are ignored — by default the first 20% of the monitored
//      span (caches fill, pools grow, JITs compile); `perfgate run` passes the end of its ramp-up.
//   2. At least `min_points` (8) points and 3 sampling intervals of span must remain.
//   3. Memory is RSS (sum over the target's processes); for a cgroup target whose
//      memory.current is readable, memory.current.
//   4. "Leak suspected" only when the interval lies entirely above zero AND the slope exceeds
//      `threshold_mb_per_hour` (default 1 MB/hour). A negative or insignificant slope never is.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>

#include "monitor/monitor_report.h"

namespace perfgate::monitor {

struct LeakOptions {
  std::optional<double> warmup_s;  // absolute end of warm-up; default: warmup_fraction
  double warmup_fraction = 0.2;    // of the span between the first and the last point
  int min_points = 8;
  double threshold_mb_per_hour = 1.0;
  double confidence = 0.95;
};

LeakAnalysis analyze_leak(const TargetReport& target, double interval_s,
                          const LeakOptions& options = {});

// Fills `leak` of every target of the report.
void analyze_leaks(MonitorReport& report, const LeakOptions& options = {});

}  // namespace perfgate::monitor
