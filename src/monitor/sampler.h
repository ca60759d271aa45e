// Sampler: turns successive readings of /proc and cgroup files into the points of a
// MonitorReport. Each sample() reads every target and the host once; rates (CPU %, context
// switches, disk and network bytes per second) come from the difference with the previous
// reading, so the first sample only sets the baseline.
//
// A process is identified by pid + start time, so a recycled pid is not mistaken for the old
// process. Processes that appear between samples contribute gauges at once and rates from their
// second sample; a process that exits or cannot be read is reported as a TargetEvent and the
// others go on being sampled.
//
// Thread-safety: none; one thread (the monitor thread, or a test) calls sample().
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "monitor/host_cpu.h"
#include "monitor/monitor_report.h"
#include "monitor/proc_reader.h"
#include "monitor/target.h"

namespace perfgate::monitor {

struct SamplerOptions {
  std::string proc_root = "/proc";
  std::string cgroup_root = "/sys/fs/cgroup";  // where host_cpu.h looks for precise host CPU
  pid_t self_pid = 0;                          // 0: getpid()
  long clock_ticks = 0;                        // USER_HZ; 0: sysconf(_SC_CLK_TCK)
};

class Sampler {
 public:
  Sampler(std::vector<Target> targets, SamplerOptions options = {});

  // Reads everything once at monotonic time `now`. The first call fixes t = 0.
  void sample(Nanos now);

  // The report so far (points, events, host series); findings and leak analysis are not filled.
  const MonitorReport& report() const { return report_; }
  MonitorReport take_report() { return std::move(report_); }

 private:
  struct TargetState {
    Target target;
    std::map<pid_t, ProcessCounters> last;
    std::map<std::string, NetDevTotals> last_net;  // by network namespace
    std::optional<CgroupCounters> last_cgroup;
    std::optional<Nanos> last_time;
    bool missing = false;
    bool reported_unreadable = false;
  };

  std::vector<pid_t> resolve(TargetState& state, std::optional<CgroupCounters>& cgroup, double t);
  void sample_target(size_t index, Nanos now, double t);
  TargetPoint make_point(const TargetState& state, const std::map<pid_t, ProcessCounters>& now,
                         const std::optional<CgroupCounters>& cgroup, double dt_s) const;
  void add_net_rates(const TargetState& state, const std::map<pid_t, ProcessCounters>& now,
                     double dt_s, TargetPoint& point) const;
  void sample_host(Nanos now, double t);
  void add_event(size_t index, double t, std::string kind, std::string detail);

  SamplerOptions options_;
  std::vector<TargetState> states_;
  MonitorReport report_;
  std::optional<Nanos> start_;
  std::optional<HostCounters> last_host_;
  std::optional<HostCpuReading> last_host_cpu_;
  std::optional<Nanos> last_host_time_;
};

// "pid 1234 (sleep)" style label for a target, given the first process read (may be null).
std::string describe_target(const Target& target, const ProcessCounters* first);

}  // namespace perfgate::monitor
