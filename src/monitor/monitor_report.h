// MonitorReport: everything the monitor observed during one run, as plain data — resource series
// per target and for the host, target events (exits, unreadable files), the leak analysis per
// target, the sampler's own cost and the findings. It is what `perfgate run` stores in its results
// and what `perfgate monitor` writes as JSON (see report_json.h) and prints (console_block.h).
//
// Units: times `t_s` in seconds since the monitor started; CPU in percent of ONE core (200% = two
// cores busy, as top prints it); sizes in bytes; rates per second over the preceding interval.
// Optional fields are absent when the kernel does not offer them or they could not be read.
//
// Thread-safety: plain value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace perfgate::monitor {

struct CgroupPoint {
  std::optional<double> memory_current_bytes, memory_peak_bytes, memory_limit_bytes;
  std::optional<double> cpu_limit_cores;
  std::optional<double> cpu_percent;           // cgroup CPU usage, incl. exited processes
  std::optional<double> throttled_periods;     // nr_throttled increase in the interval
  std::optional<double> throttled_percent;     // throttled time / interval, in %
  std::optional<double> cpu_pressure_percent;  // PSI "some" stall time / interval, in %
  std::optional<double> memory_pressure_percent;
  std::optional<double> io_pressure_percent;
};

// One sample of one target (summed over its processes).
struct TargetPoint {
  double t_s = 0;
  int processes = 0;
  double cpu_percent = 0;  // user + system
  double cpu_user_percent = 0;
  double cpu_system_percent = 0;
  double cpu_cores_usable = 0;  // ceiling for cpu_percent / 100: min(allowed CPUs, threads, quota)
  double rss_bytes = 0;
  std::optional<double> pss_bytes, uss_bytes;
  double threads = 0;
  std::optional<double> open_fds;
  double ctx_switches_voluntary_per_s = 0;
  double ctx_switches_involuntary_per_s = 0;
  std::optional<double> disk_read_bytes_per_s, disk_write_bytes_per_s;
  std::optional<double> net_rx_bytes_per_s, net_tx_bytes_per_s;  // of the target's netns
  std::optional<CgroupPoint> cgroup;
};

struct TargetEvent {
  double t_s = 0;
  std::string kind;    // "exited", "unreadable", "appeared", "no_process", "recovered"
  std::string detail;  // a sentence for people, with the pid
};

// The memory-leak verdict for one target (see leak.h for the rule).
struct LeakAnalysis {
  bool analysed = false;  // false: too few steady-state points; `reason` says why
  std::string reason;
  std::string memory_metric;  // "rss_bytes" (or "memory_current_bytes" for cgroups)
  double warmup_s = 0;        // points before this were ignored
  int points = 0;
  double slope_mb_per_hour = 0;  // MB = 10^6 bytes
  double ci_low_mb_per_hour = 0;
  double ci_high_mb_per_hour = 0;
  double n_effective = 0;
  double threshold_mb_per_hour = 0;
  bool suspected = false;
};

struct TargetReport {
  std::string spec;   // as given: "pid:1234", "cmd:nginx", "cgroup:/sys/...", "self"
  std::string label;  // for people: "nginx (cmd, 4 processes)", "pid 1234 (sleep)"
  bool is_self = false;
  std::vector<TargetPoint> points;
  std::vector<TargetEvent> events;
  LeakAnalysis leak;
};

struct HostPoint {
  double t_s = 0;
  double cpu_percent = 0;  // all cores, 0..100
  std::vector<double> core_cpu_percent;
  std::optional<double> load1, load5, load15;
  std::optional<double> mem_available_bytes, mem_total_bytes;
  std::optional<double> tcp_retransmits;       // RetransSegs increase in the interval
  std::optional<double> listen_overflows;      // TcpExt.ListenOverflows increase
  std::optional<double> listen_drops;          // TcpExt.ListenDrops increase (incl. SYN drops)
  std::optional<double> syn_queue_full_drops;  // TcpExt.TCPReqQFullDrop increase
};

struct SamplerCost {
  int samples = 0;
  double cpu_seconds = 0;   // CPU time of the sampling thread (CLOCK_THREAD_CPUTIME_ID)
  double wall_seconds = 0;  // from start() to stop()
  double cpu_percent() const { return wall_seconds > 0 ? 100 * cpu_seconds / wall_seconds : 0; }
};

// A named conclusion with the numbers behind it (see findings.h for the catalogue).
struct Finding {
  std::string id;        // "leak_suspected", "target_cpu_bound", ...
  std::string severity;  // "critical", "warning", "info"
  std::string subject;   // the target label, "host", "generator" or "load"
  std::string summary;   // one specific sentence with the numbers
  std::vector<std::pair<std::string, double>> evidence;  // name -> number
  std::string recommendation;
};

struct MonitorReport {
  double interval_s = 1;
  double duration_s = 0;
  int64_t started_unix_ns = 0;
  int host_cores = 0;
  // Where HostPoint::cpu_percent came from (monitor/host_cpu.h): a precise cgroup counter, or
  // "/proc/stat (tick-sampled)" when none is readable. Per-core figures are always /proc/stat.
  std::string host_cpu_source;
  std::vector<TargetReport> targets;
  std::vector<HostPoint> host;
  SamplerCost cost;
  std::vector<Finding> findings;
};

}  // namespace perfgate::monitor
