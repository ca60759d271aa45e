// Parsers for the text files of /proc and cgroup v1/v2 that the monitor samples. They take the
// file's content and return plain counters, so tests feed them literal text; reading the files
// is process_reader / host_reader / cgroup_reader's job.
//
// Units are the kernel's unless a field name says otherwise: CPU times in clock ticks
// (USER_HZ) from /proc, microseconds from cgroup v2 cpu.stat; sizes in bytes.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::monitor {

// /proc/PID/stat: the fields we use (the command name may contain spaces and parentheses).
struct ProcStat {
  std::string comm;
  char state = '?';
  uint64_t utime_ticks = 0;
  uint64_t stime_ticks = 0;
  int64_t num_threads = 0;
  uint64_t start_ticks = 0;  // since boot; with the pid, identifies one process incarnation
};
std::optional<ProcStat> parse_proc_stat(std::string_view text);

// "Key: value [kB]" files (/proc/PID/status, smaps_rollup, /proc/meminfo, /proc/PID/io with ':'),
// values in kB converted to bytes. Non-numeric values (Name, Cpus_allowed_list) are skipped.
std::map<std::string, uint64_t, std::less<>> parse_key_values(std::string_view text);

// The raw text value of one "Key:\tvalue" line of /proc/PID/status (e.g. Cpus_allowed_list).
std::string status_field(std::string_view text, std::string_view key);

// "0-3,8,10-11" -> 7. Returns 0 on malformed input.
int count_cpu_list(std::string_view list);

// /proc/PID/net/dev: bytes summed over all interfaces, loopback included (load tests against
// 127.0.0.1 only show up there).
struct NetDevTotals {
  uint64_t rx_bytes = 0;
  uint64_t tx_bytes = 0;
};
std::optional<NetDevTotals> parse_net_dev(std::string_view text);

// /proc/stat "cpu" lines: index 0 is the aggregate line, then cpu0, cpu1, ... (in jiffies).
struct CpuTimes {
  uint64_t busy = 0;   // user+nice+system+irq+softirq+steal
  uint64_t total = 0;  // busy + idle + iowait
};
std::vector<CpuTimes> parse_host_cpu(std::string_view text);

// /proc/net/snmp and /proc/net/netstat: pairs of "Prefix: names..." / "Prefix: values..." lines,
// flattened to "Prefix.Name" -> value (e.g. "Tcp.RetransSegs", "TcpExt.ListenOverflows").
std::map<std::string, int64_t, std::less<>> parse_snmp_table(std::string_view text);

// /proc/loadavg: the 1, 5 and 15 minute load averages.
struct LoadAverage {
  double one = 0, five = 0, fifteen = 0;
};
std::optional<LoadAverage> parse_loadavg(std::string_view text);

// PSI files (/proc/pressure/*, cgroup *.pressure): the "some" line's total stall time (µs).
std::optional<uint64_t> parse_pressure_some_total_us(std::string_view text);

// Flat "key value" lines (cgroup cpu.stat, memory.stat).
std::map<std::string, uint64_t, std::less<>> parse_flat_keyed(std::string_view text);

// A single number, or "max" (cgroup v2 limits) -> nullopt.
std::optional<uint64_t> parse_single_number(std::string_view text);

// cgroup v2 cpu.max ("max 100000" / "50000 100000") -> usable cores, nullopt when unlimited.
std::optional<double> parse_cpu_max(std::string_view text);

}  // namespace perfgate::monitor
