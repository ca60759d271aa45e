// Readers of one process's, the host's and a cgroup's counters from the file system. Every
// reader takes the root it reads from ("/proc", a cgroup directory) so that tests can point it
// at a fake tree; in production the root is "/proc".
//
// Counters are raw and cumulative (CPU ticks, bytes since start); turning two readings into
// rates is the Sampler's job. A field the kernel does not offer or we may not read is nullopt
// and shows up as "not available" rather than as zero.
//
// Thread-safety: stateless functions; safe from any thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "monitor/proc_parse.h"

namespace perfgate::monitor {

// The whole content of a small file (a /proc or cgroup file; st_size is 0 there, so we read
// until EOF). nullopt when it cannot be opened or read.
std::optional<std::string> read_small_file(const std::string& path);

struct ProcessCounters {
  pid_t pid = 0;
  std::string comm;
  uint64_t start_ticks = 0;  // with pid: identity of this incarnation
  uint64_t utime_ticks = 0, stime_ticks = 0;
  uint64_t rss_bytes = 0;                        // VmRSS of /proc/PID/status, what ps and top print
  std::optional<uint64_t> pss_bytes, uss_bytes;  // smaps_rollup: Pss; Private_Clean+Private_Dirty
  int64_t threads = 0;
  int cpus_allowed = 0;  // from Cpus_allowed_list; 0 when unknown
  std::optional<int64_t> open_fds;
  uint64_t ctx_voluntary = 0, ctx_involuntary = 0;
  std::optional<uint64_t> read_bytes, write_bytes;  // /proc/PID/io storage bytes
  std::optional<std::string> netns;  // "net:[inode]"; processes sharing it share net/dev
  std::optional<NetDevTotals> net;
};

// Reads /proc/PID/{stat,status,smaps_rollup,io,fd,net/dev}. Fails only when the process is gone
// or its stat/status cannot be read; optional parts that cannot be read are left empty.
Result<ProcessCounters> read_process(const std::string& proc_root, pid_t pid);

// True when the process is gone or a zombie (exited, not yet reaped by its parent).
bool process_exited(const std::string& proc_root, pid_t pid);

// Pids of all processes whose command name (/proc/PID/comm, up to 15 chars) or first word of
// the command line's basename equals `name`.
std::vector<pid_t> find_processes_by_name(const std::string& proc_root, const std::string& name);

struct HostCounters {
  std::vector<CpuTimes> cpus;  // [0] aggregate, then each core
  std::optional<LoadAverage> load;
  std::optional<uint64_t> mem_total_bytes, mem_available_bytes;
  std::optional<int64_t> tcp_retrans_segs, tcp_out_segs;
  std::optional<int64_t> listen_overflows, listen_drops, req_queue_full_drops;
};

HostCounters read_host(const std::string& proc_root);

// A cgroup directory, v2 (unified) or v1 (one controller hierarchy); what is present is read.
struct CgroupCounters {
  std::vector<pid_t> pids;                 // cgroup.procs
  std::optional<uint64_t> cpu_usage_usec;  // v2 cpu.stat usage_usec; v1 cpuacct.usage / 1000
  std::optional<uint64_t> nr_throttled;    // cpu.stat
  std::optional<uint64_t> throttled_usec;  // v2 throttled_usec; v1 throttled_time / 1000
  std::optional<double> cpu_limit_cores;   // v2 cpu.max; v1 cfs_quota_us / cfs_period_us
  std::optional<uint64_t> memory_current_bytes, memory_peak_bytes, memory_limit_bytes;
  std::optional<uint64_t> cpu_pressure_us, memory_pressure_us, io_pressure_us;  // "some" totals
};

// Fails when the directory has no cgroup.procs (not a cgroup, or gone).
Result<CgroupCounters> read_cgroup(const std::string& directory);

}  // namespace perfgate::monitor
