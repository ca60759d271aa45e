#include "monitor/proc_reader.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace perfgate::monitor {
namespace {

std::optional<uint64_t> lookup(const std::map<std::string, uint64_t, std::less<>>& map,
                               std::string_view key) {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> lookup(const std::map<std::string, int64_t, std::less<>>& map,
                              std::string_view key) {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

// Entries of a directory other than "." and "..", or -1 when it cannot be listed.
int64_t count_entries(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return -1;
  int64_t n = 0;
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++n;
  }
  ::closedir(dir);
  return n;
}

std::optional<std::string> read_link(const std::string& path) {
  char buffer[256];
  ssize_t n = ::readlink(path.c_str(), buffer, sizeof(buffer));
  if (n <= 0) return std::nullopt;
  return std::string(buffer, static_cast<size_t>(n));
}

void read_optional_parts(const std::string& dir, ProcessCounters& c) {
  if (auto rollup = read_small_file(dir + "/smaps_rollup")) {
    auto kv = parse_key_values(*rollup);
    c.pss_bytes = lookup(kv, "Pss");
    auto clean = lookup(kv, "Private_Clean"), dirty = lookup(kv, "Private_Dirty");
    if (clean && dirty) c.uss_bytes = *clean + *dirty;
  }
  if (auto io = read_small_file(dir + "/io")) {
    auto kv = parse_key_values(*io);
    c.read_bytes = lookup(kv, "read_bytes");
    c.write_bytes = lookup(kv, "write_bytes");
  }
  if (int64_t fds = count_entries(dir + "/fd"); fds >= 0) c.open_fds = fds;
  c.netns = read_link(dir + "/ns/net");
  if (auto dev = read_small_file(dir + "/net/dev")) {
    if (auto totals = parse_net_dev(*dev)) c.net = *totals;
  }
}

std::vector<pid_t> parse_pid_list(std::string_view text) {
  std::vector<pid_t> pids;
  size_t i = 0;
  while (i < text.size()) {
    pid_t pid = 0;
    bool digits = false;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      pid = pid * 10 + (text[i++] - '0');
      digits = true;
    }
    if (digits) pids.push_back(pid);
    ++i;
  }
  return pids;
}

}  // namespace

std::optional<std::string> read_small_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string content;
  char buffer[8192];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return content;
}

Result<ProcessCounters> read_process(const std::string& proc_root, pid_t pid) {
  const std::string dir = fmt::format("{}/{}", proc_root, pid);
  auto stat_text = read_small_file(dir + "/stat");
  auto status_text = read_small_file(dir + "/status");
  if (!stat_text || !status_text) {
    return make_error(fmt::format("process {} cannot be read: {}", pid, std::strerror(errno)));
  }
  auto stat = parse_proc_stat(*stat_text);
  if (!stat) return make_error(fmt::format("process {}: malformed {}/stat", pid, dir));
  if (stat->state == 'Z' || stat->state == 'X') {
    return make_error(fmt::format("process {} has exited (zombie)", pid));
  }
  ProcessCounters c;
  c.pid = pid;
  c.comm = stat->comm;
  c.start_ticks = stat->start_ticks;
  c.utime_ticks = stat->utime_ticks;
  c.stime_ticks = stat->stime_ticks;
  c.threads = stat->num_threads;
  auto status = parse_key_values(*status_text);
  c.rss_bytes = lookup(status, "VmRSS").value_or(0);
  c.ctx_voluntary = lookup(status, "voluntary_ctxt_switches").value_or(0);
  c.ctx_involuntary = lookup(status, "nonvoluntary_ctxt_switches").value_or(0);
  c.cpus_allowed = count_cpu_list(status_field(*status_text, "Cpus_allowed_list"));
  read_optional_parts(dir, c);
  return c;
}

bool process_exited(const std::string& proc_root, pid_t pid) {
  auto text = read_small_file(fmt::format("{}/{}/stat", proc_root, pid));
  if (!text) return errno == ENOENT || errno == ESRCH;
  auto stat = parse_proc_stat(*text);
  return stat && (stat->state == 'Z' || stat->state == 'X');
}

std::vector<pid_t> find_processes_by_name(const std::string& proc_root, const std::string& name) {
  std::vector<pid_t> pids;
  DIR* dir = ::opendir(proc_root.c_str());
  if (dir == nullptr) return pids;
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    const std::string base = proc_root + "/" + entry->d_name;
    auto comm = read_small_file(base + "/comm");
    if (!comm) continue;
    while (!comm->empty() && comm->back() == '\n') comm->pop_back();
    bool match = *comm == name;
    if (!match && name.size() > 15 && name.compare(0, comm->size(), *comm) == 0) {
      // comm is truncated to 15 characters: confirm with argv[0]'s basename.
      auto cmdline = read_small_file(base + "/cmdline");
      std::string argv0 = cmdline ? std::string(cmdline->c_str()) : std::string();
      match = argv0.substr(argv0.rfind('/') + 1) == name;
    }
    if (match) pids.push_back(static_cast<pid_t>(std::atoi(entry->d_name)));
  }
  ::closedir(dir);
  return pids;
}

HostCounters read_host(const std::string& proc_root) {
  HostCounters h;
  if (auto stat = read_small_file(proc_root + "/stat")) h.cpus = parse_host_cpu(*stat);
  if (auto load = read_small_file(proc_root + "/loadavg")) h.load = parse_loadavg(*load);
  if (auto mem = read_small_file(proc_root + "/meminfo")) {
    auto kv = parse_key_values(*mem);
    h.mem_total_bytes = lookup(kv, "MemTotal");
    h.mem_available_bytes = lookup(kv, "MemAvailable");
  }
  if (auto snmp = read_small_file(proc_root + "/net/snmp")) {
    auto table = parse_snmp_table(*snmp);
    h.tcp_retrans_segs = lookup(table, "Tcp.RetransSegs");
    h.tcp_out_segs = lookup(table, "Tcp.OutSegs");
  }
  if (auto netstat = read_small_file(proc_root + "/net/netstat")) {
    auto table = parse_snmp_table(*netstat);
    h.listen_overflows = lookup(table, "TcpExt.ListenOverflows");
    h.listen_drops = lookup(table, "TcpExt.ListenDrops");
    h.req_queue_full_drops = lookup(table, "TcpExt.TCPReqQFullDrop");
  }
  return h;
}

Result<CgroupCounters> read_cgroup(const std::string& directory) {
  auto procs = read_small_file(directory + "/cgroup.procs");
  if (!procs) return make_error(fmt::format("cannot read {}/cgroup.procs", directory));
  CgroupCounters c;
  c.pids = parse_pid_list(*procs);
  auto file = [&](const char* name) { return read_small_file(directory + "/" + name); };
  if (auto stat = file("cpu.stat")) {
    auto kv = parse_flat_keyed(*stat);
    c.cpu_usage_usec = lookup(kv, "usage_usec");
    c.nr_throttled = lookup(kv, "nr_throttled");
    c.throttled_usec = lookup(kv, "throttled_usec");
    if (auto ns = lookup(kv, "throttled_time")) c.throttled_usec = *ns / 1000;  // v1
  }
  if (auto usage = file("cpuacct.usage")) {
    if (auto ns = parse_single_number(*usage)) c.cpu_usage_usec = *ns / 1000;
  }
  if (auto max = file("cpu.max")) c.cpu_limit_cores = parse_cpu_max(*max);
  auto quota = file("cpu.cfs_quota_us"), period = file("cpu.cfs_period_us");
  if (quota && period) c.cpu_limit_cores = parse_cpu_max(*quota + " " + *period);
  auto number = [&](const char* name) -> std::optional<uint64_t> {
    auto text = file(name);
    return text ? parse_single_number(*text) : std::nullopt;
  };
  c.memory_current_bytes = number("memory.current");
  c.memory_peak_bytes = number("memory.peak");
  c.memory_limit_bytes = number("memory.max");
  if (!c.memory_current_bytes) c.memory_current_bytes = number("memory.usage_in_bytes");
  if (!c.memory_peak_bytes) c.memory_peak_bytes = number("memory.max_usage_in_bytes");
  if (!c.memory_limit_bytes) {
    // v1 reports "no limit" as a page-aligned huge number.
    auto limit = number("memory.limit_in_bytes");
    if (limit && *limit < (uint64_t{1} << 62)) c.memory_limit_bytes = limit;
  }
  auto pressure = [&](const char* name) -> std::optional<uint64_t> {
    auto text = file(name);
    return text ? parse_pressure_some_total_us(*text) : std::nullopt;
  };
  c.cpu_pressure_us = pressure("cpu.pressure");
  c.memory_pressure_us = pressure("memory.pressure");
  c.io_pressure_us = pressure("io.pressure");
  return c;
}

}  // namespace perfgate::monitor
