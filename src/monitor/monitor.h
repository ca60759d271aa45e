// Monitor: watches the system under test (and the host, and perfgate itself) from its own
// thread while a load test runs, and hands back a MonitorReport at the end.
//
//   monitor::Monitor m({*parse_target("cmd:nginx"), Target::self()}, {.interval =
//   kNanosPerSecond}); m.start();                      // samples at once (baseline), then every
//   interval
//   ... run the load test ...
//   MonitorReport r = m.stop();     // last sample, leak analysis, resource findings
//   r.findings = find_findings(r, &load_evidence);   // with the run's numbers (findings.h)
//
// The sampling thread reads /proc and cgroup files only; it never touches the engine's data and
// takes no lock the engine takes. Its own CPU time is measured (CLOCK_THREAD_CPUTIME_ID) and
// reported in MonitorReport::cost. Sample times are CLOCK_MONOTONIC, as SteadyClock gives them.
//
// Thread-safety: start(), stop() and seconds_since_start() from one owning thread. on_sample
// runs on the sampling thread with the report being built; it must not keep the reference.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "monitor/leak.h"
#include "monitor/monitor_report.h"
#include "monitor/sampler.h"
#include "monitor/target.h"

namespace perfgate::monitor {

struct MonitorOptions {
  Nanos interval = kNanosPerSecond;
  SamplerOptions sampler;
  LeakOptions leak;
  std::function<void(const MonitorReport&)> on_sample;  // after each sample but the baseline
};

class Monitor {
 public:
  Monitor(std::vector<Target> targets, MonitorOptions options = {});
  ~Monitor();  // stops the thread if still running
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  // Starts the sampling thread. REQUIRES: not started yet.
  void start();

  // Stops sampling (with one last sample), analyses leaks and the resource findings, and
  // returns the report. Returns an empty report when start() was never called.
  MonitorReport stop();

  // Seconds between start() and a CLOCK_MONOTONIC time, for aligning LoadInterval::t_s.
  double seconds_since_start(Nanos monotonic_now) const;

 private:
  void run();

  MonitorOptions options_;
  Sampler sampler_;
  Nanos started_at_ = 0;
  int64_t started_unix_ns_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  double thread_cpu_seconds_ = 0;  // written by the thread before it exits
};

}  // namespace perfgate::monitor
