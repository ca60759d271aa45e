// Findings: rules that turn the monitor's evidence (and, in `perfgate run`, the load test's
// numbers) into named conclusions, each with the numbers behind it and a specific
// recommendation. No rule fires without evidence: a rule whose inputs are missing stays silent.
//
// The catalogue (ids; thresholds in FindingOptions; docs/monitoring.md explains each):
//   target_cpu_bound        target CPU >= 85% of its usable cores while p95 latency rises
//   memory_near_limit       cgroup memory.current >= 90% of its limit
//   leak_suspected          the leak rule of leak.h
//   listen_queue_overflow   host ListenOverflows / ListenDrops / SYN-queue drops during the run
//   connect_dominates       connect + TLS >= 40% of mean request time (no keep-alive, pool full)
//   ttfb_dominates          waiting for the first byte >= 60% of it (server-side work)
//   receive_dominates       receiving the body >= 40% of it (payload size, bandwidth)
//   error_burst_at_load     error bursts in intervals above a load level, not below it
//   generator_saturated     the load generator's CPU or schedule lag limited the test
//   target_exited           a target exited or became unreadable during the run
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <vector>

#include "monitor/monitor_report.h"

namespace perfgate::monitor {

// One interval of the load test (usually 1 s), on the monitor's time axis: `t_s` is the END of
// the interval in seconds since Monitor::start() (Monitor::seconds_since_start converts).
struct LoadInterval {
  double t_s = 0;
  double load_level = 0;  // what the executor drives: target rate (req/s) or active VUs
  double requests = 0;    // completed in the interval
  double errors = 0;      // of those, failed
  std::optional<double> latency_p95_ms;
};

// The numbers of a load test that findings need; `perfgate run` fills it from its results.
// Everything is optional: a rule whose inputs are missing does not fire.
struct LoadEvidence {
  std::vector<LoadInterval> intervals;
  // Mean time per request in each phase, in ms (k6's http_req_connecting, tls_handshaking,
  // sending, waiting, receiving; total = http_req_duration plus connect and TLS when the tool
  // excludes them).
  std::optional<double> connect_ms, tls_ms, send_ms, wait_ms, receive_ms, total_ms;
  std::optional<double> requests_total, connections_opened;
  // Generator health: how late the scheduler started iterations, iterations it had to drop,
  // and its CPU (percent of one core) when known; else the "self" target's series is used.
  std::optional<double> schedule_lag_p99_ms, dropped_iterations;
  std::optional<double> generator_cpu_percent, generator_cores;
};

struct FindingOptions {
  double cpu_bound_fraction = 0.85;  // of usable cores
  double latency_rise_ratio = 1.25;  // hot-interval p95 / cool-interval p95
  double memory_limit_fraction = 0.90;
  double connect_share = 0.40;
  double ttfb_share = 0.60;
  double receive_share = 0.40;
  double min_phase_ms = 1.0;       // phases shorter than this are never "dominating"
  double error_burst_rate = 0.05;  // an interval with >= 5% errors ...
  double min_burst_errors = 5;     // ... and at least 5 of them is a burst
  double clean_error_rate = 0.01;
  double generator_cpu_fraction = 0.90;  // of the generator's cores
  double schedule_lag_p99_ms = 10;
};

// Every rule, in catalogue order. `load` may be null (standalone `perfgate monitor`).
std::vector<Finding> find_findings(const MonitorReport& report, const LoadEvidence* load,
                                   const FindingOptions& options = {});

// The rules one by one (for tests and for callers that want a subset).
std::vector<Finding> find_cpu_bound(const MonitorReport& report, const LoadEvidence& load,
                                    const FindingOptions& options);
std::vector<Finding> find_memory_near_limit(const MonitorReport& report,
                                            const FindingOptions& options);
std::vector<Finding> find_leaks(const MonitorReport& report);
std::optional<Finding> find_listen_overflow(const MonitorReport& report);
std::vector<Finding> find_phase_dominance(const LoadEvidence& load, const FindingOptions& options);
std::optional<Finding> find_error_burst_at_load(const LoadEvidence& load,
                                                const FindingOptions& options);
std::optional<Finding> find_generator_saturated(const MonitorReport& report,
                                                const LoadEvidence* load,
                                                const FindingOptions& options);
std::vector<Finding> find_target_exits(const MonitorReport& report);

}  // namespace perfgate::monitor
