// Trials: one short load run at a chosen load, as the capacity search, the stress ramp and the
// scalability sweep see it. The searches only talk to a TrialRunner, so they are tested with a
// fake runner on simulated outcomes; the real runner (cli/trial_runner.h) runs a plan on the
// engine and is the only code that knows the engine's API.
//
// Units: rates per second, latencies milliseconds, times seconds.
// Thread-safety: plain values; a TrialRunner is used from one thread.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.h"

namespace perfgate::analysis::capacity {

// The load of one trial: an open-model arrival rate, or (vus > 0) a closed-model VU count.
struct TrialLoad {
  double rate = 0;  // iterations per second (open model)
  int vus = 0;      // closed model when > 0
  double duration_seconds = 10;
  double warmup_seconds = 2;  // excluded from every statistic below
};

// One second of a trial (the interval ending at t_seconds since the trial's start).
struct TrialSecond {
  double t_seconds = 0;
  int64_t requests = 0;
  int64_t errors = 0;
  double p95_ms = 0;
};

// With --monitor: the first watched target (never perfgate itself) during one trial. Figures are
// over the steady part (medians of the samples; maxima for sizes; throttling: the mean); `limit`
// names the resource that ran out, checked in this order: "target_exited" (it exited or became
// unreadable), "memory" (cgroup memory near its limit), "cpu_quota" (cgroup CPU throttled >= 10% of
// the time), "cpu" (CPU >= 80% of the cores it can use), "listen_queue" (the kernel dropped
// connection attempts); empty when none did. `findings` are the monitor's ("id: summary",
// monitor/findings.h).
struct TrialResources {
  bool watched = false;
  std::string target;           // the target's label
  double cpu_percent = 0;       // percent of one core (200 = two cores busy)
  double cpu_cores_usable = 0;  // what it can use: min(allowed CPUs, threads, quota)
  double rss_bytes_max = 0;
  double open_fds_max = -1;      // -1: not readable
  double throttled_percent = 0;  // cgroup CPU throttling, mean; 0 without a cgroup
  double listen_drops = 0;       // host-wide accept-queue overflows and SYN drops
  std::string limit;             // see above; "" when no resource ran out
  std::string limit_detail;      // "ran out of CPU: 97% of 1 usable core", "exited at 3.2 s"
  std::vector<std::string> findings;
};

// "<label> ran out of CPU: 97% of 1 usable core" or, with no limit, its figures; "" when nothing
// was watched.
std::string describe_resources(const TrialResources& resources);

// A trial's numbers over its steady part (after the warm-up), except elapsed_seconds and series.
struct TrialStats {
  TrialLoad load;
  double elapsed_seconds = 0;  // wall time the trial took, warm-up included
  double steady_seconds = 0;   // the span the statistics cover
  int64_t requests = 0;
  int64_t failed = 0;
  double achieved_rate = 0;  // requests ended per second
  double error_rate = 0;     // failed / requests (0 without requests)
  double avg_ms = 0, p50_ms = 0, p90_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0;
  int64_t timeouts = 0;                   // request and connect timeouts
  std::map<std::string, int64_t> errors;  // by class (kErrorClassNames), non-zero only
  // The generator's own limits (engine/health.h): dropped iterations and schedule lag mean the
  // offered load was not the configured one; CPU saturation means latencies include perfgate.
  int64_t dropped_iterations = 0;
  double schedule_lag_p99_ms = 0;  // steady part: the median of the per-second p99s
  double generator_cpu_percent = 0;
  bool generator_saturated = false;   // CPU at or above the engine's bound
  std::vector<std::string> warnings;  // the engine's health sentences
  std::vector<TrialSecond> series;    // every second, warm-up included
  TrialResources resources;           // with --monitor
  nlohmann::json results;             // the ordinary results document of the run (may be null)
};

class TrialRunner {
 public:
  virtual ~TrialRunner() = default;
  // Runs one trial. Errors: the run could not start or was interrupted.
  virtual Result<TrialStats> run(const TrialLoad& load) = 0;
  // Lets the target drain (no load) for `seconds`; returns the seconds actually spent.
  virtual double pause(double seconds) { return seconds; }
};

}  // namespace perfgate::analysis::capacity
