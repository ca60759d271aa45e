#include "monitor/metrics.h"

namespace perfgate::monitor {
namespace {

std::optional<double> cgroup_field(const TargetPoint& p, std::optional<double> CgroupPoint::*f) {
  if (!p.cgroup) return std::nullopt;
  return (*p.cgroup).*f;
}

}  // namespace

const std::vector<TargetMetric>& target_metrics() {
  static const std::vector<TargetMetric> kMetrics = {
      {"cpu_percent", "%",
       [](const TargetPoint& p) -> std::optional<double> { return p.cpu_percent; }},
      {"cpu_user_percent", "%",
       [](const TargetPoint& p) -> std::optional<double> { return p.cpu_user_percent; }},
      {"cpu_system_percent", "%",
       [](const TargetPoint& p) -> std::optional<double> { return p.cpu_system_percent; }},
      {"rss_bytes", "bytes",
       [](const TargetPoint& p) -> std::optional<double> { return p.rss_bytes; }},
      {"pss_bytes", "bytes", [](const TargetPoint& p) { return p.pss_bytes; }},
      {"uss_bytes", "bytes", [](const TargetPoint& p) { return p.uss_bytes; }},
      {"threads", "", [](const TargetPoint& p) -> std::optional<double> { return p.threads; }},
      {"open_fds", "", [](const TargetPoint& p) { return p.open_fds; }},
      {"processes", "", [](const TargetPoint& p) -> std::optional<double> { return p.processes; }},
      {"ctx_switches_voluntary_per_s", "1/s",
       [](const TargetPoint& p) -> std::optional<double> {
         return p.ctx_switches_voluntary_per_s;
       }},
      {"ctx_switches_involuntary_per_s", "1/s",
       [](const TargetPoint& p) -> std::optional<double> {
         return p.ctx_switches_involuntary_per_s;
       }},
      {"disk_read_bytes_per_s", "bytes/s",
       [](const TargetPoint& p) { return p.disk_read_bytes_per_s; }},
      {"disk_write_bytes_per_s", "bytes/s",
       [](const TargetPoint& p) { return p.disk_write_bytes_per_s; }},
      {"net_rx_bytes_per_s", "bytes/s", [](const TargetPoint& p) { return p.net_rx_bytes_per_s; }},
      {"net_tx_bytes_per_s", "bytes/s", [](const TargetPoint& p) { return p.net_tx_bytes_per_s; }},
      {"cgroup_memory_bytes", "bytes",
       [](const TargetPoint& p) { return cgroup_field(p, &CgroupPoint::memory_current_bytes); }},
      {"cgroup_cpu_percent", "%",
       [](const TargetPoint& p) { return cgroup_field(p, &CgroupPoint::cpu_percent); }},
      {"cgroup_throttled_percent", "%",
       [](const TargetPoint& p) { return cgroup_field(p, &CgroupPoint::throttled_percent); }},
      {"cgroup_cpu_pressure_percent", "%",
       [](const TargetPoint& p) { return cgroup_field(p, &CgroupPoint::cpu_pressure_percent); }},
      {"cgroup_memory_pressure_percent", "%",
       [](const TargetPoint& p) { return cgroup_field(p, &CgroupPoint::memory_pressure_percent); }},
      {"cgroup_io_pressure_percent", "%",
       [](const TargetPoint& p) { return cgroup_field(p, &CgroupPoint::io_pressure_percent); }},
  };
  return kMetrics;
}

const std::vector<HostMetric>& host_metrics() {
  static const std::vector<HostMetric> kMetrics = {
      {"host_cpu_percent", "%", false,
       [](const HostPoint& p) -> std::optional<double> { return p.cpu_percent; }},
      {"host_load1", "", false, [](const HostPoint& p) { return p.load1; }},
      {"host_mem_available_bytes", "bytes", false,
       [](const HostPoint& p) { return p.mem_available_bytes; }},
      {"host_tcp_retransmits", "", true, [](const HostPoint& p) { return p.tcp_retransmits; }},
      {"host_listen_overflows", "", true, [](const HostPoint& p) { return p.listen_overflows; }},
      {"host_listen_drops", "", true, [](const HostPoint& p) { return p.listen_drops; }},
      {"host_syn_queue_full_drops", "", true,
       [](const HostPoint& p) { return p.syn_queue_full_drops; }},
  };
  return kMetrics;
}

}  // namespace perfgate::monitor
