// The report fixture with a monitor section, as `perfgate run --monitor` writes it: a synthetic
// MonitorReport passed through the monitor's own leak analysis, findings and JSON writer, so the
// HTML tests read exactly the field names the monitor produces (src/monitor/report_json.cc).
//
// The monitor starts 0.5 s before the load test and samples every second for 12 s:
//   - "app <cgroup> & co" (cgroup:/sys/fs/cgroup/app): RSS 100 MB + 5 MB/s (a leak), cgroup
//     memory 10 MB above RSS against a 180 MB limit (near it at the end), CPU 20%·t, fds 40 + t,
//     8 threads, disk and network I/O;
//   - "perfgate (self)": CPU 50%, RSS 30 MB, 4 threads, no open_fds (unreadable), and no sample
//     at t = 6 s;
//   - "pid 4242 (worker)": four samples, then it exits (an `exited` event).
#pragma once

#include "report/results_model.h"

namespace perfgate::report::testing {

inline constexpr double kMonitorLeadSeconds = 0.5;  // monitor start before the run's start
inline constexpr int kMonitorSamples = 12;

ResultsDocument make_fixture_with_monitor();

}  // namespace perfgate::report::testing
