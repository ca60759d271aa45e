// The resource rules of the findings catalogue (findings_load.cc has those that read the load
// test's numbers).
#include "monitor/findings.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/units.h"
#include "monitor/series_stats.h"

namespace perfgate::monitor {
namespace {

double sum_host(const MonitorReport& report, std::optional<double> HostPoint::*field) {
  double sum = 0;
  for (const HostPoint& p : report.host) sum += (p.*field).value_or(0);
  return sum;
}

}  // namespace

std::vector<Finding> find_memory_near_limit(const MonitorReport& report,
                                            const FindingOptions& options) {
  std::vector<Finding> out;
  for (const TargetReport& t : report.targets) {
    double worst_ratio = 0, current = 0, limit = 0, pressure = 0;
    for (const TargetPoint& p : t.points) {
      if (!p.cgroup || !p.cgroup->memory_current_bytes || !p.cgroup->memory_limit_bytes) continue;
      if (*p.cgroup->memory_limit_bytes <= 0) continue;
      const double ratio = *p.cgroup->memory_current_bytes / *p.cgroup->memory_limit_bytes;
      pressure = std::max(pressure, p.cgroup->memory_pressure_percent.value_or(0));
      if (ratio > worst_ratio) {
        worst_ratio = ratio;
        current = *p.cgroup->memory_current_bytes;
        limit = *p.cgroup->memory_limit_bytes;
      }
    }
    if (worst_ratio < options.memory_limit_fraction) continue;
    out.push_back(Finding{
        "memory_near_limit",
        worst_ratio >= 0.98 ? "critical" : "warning",
        t.label,
        fmt::format("memory reached {} of the cgroup limit {} ({:.0f}%); memory stall peaked at "
                    "{:.1f}% of the time",
                    format_bytes(current), format_bytes(limit), 100 * worst_ratio, pressure),
        {{"memory_current_bytes", current},
         {"memory_limit_bytes", limit},
         {"ratio", worst_ratio},
         {"memory_pressure_percent_max", pressure}},
        "raise the memory limit or cut the working set (cache sizes, buffers per connection); "
        "near the limit the kernel reclaims page cache and then OOM-kills"});
  }
  return out;
}

std::vector<Finding> find_leaks(const MonitorReport& report) {
  std::vector<Finding> out;
  for (const TargetReport& t : report.targets) {
    const LeakAnalysis& leak = t.leak;
    if (!leak.analysed || !leak.suspected) continue;
    out.push_back(Finding{
        "leak_suspected",
        "warning",
        t.label,
        fmt::format("{} grows {:.1f} MB/hour (95% CI {:.1f} .. {:.1f}) over {} samples after a "
                    "{:.0f}s warm-up",
                    leak.memory_metric == "rss_bytes" ? "RSS" : "cgroup memory",
                    leak.slope_mb_per_hour, leak.ci_low_mb_per_hour, leak.ci_high_mb_per_hour,
                    leak.points, leak.warmup_s),
        {{"slope_mb_per_hour", leak.slope_mb_per_hour},
         {"ci_low_mb_per_hour", leak.ci_low_mb_per_hour},
         {"ci_high_mb_per_hour", leak.ci_high_mb_per_hour},
         {"points", static_cast<double>(leak.points)},
         {"threshold_mb_per_hour", leak.threshold_mb_per_hour}},
        "take two heap profiles some minutes apart (heaptrack, jemalloc prof, valgrind massif) "
        "and diff them; look for caches without eviction and queues without bounds, then run a "
        "longer soak to confirm the growth does not level off"});
  }
  return out;
}

std::optional<Finding> find_listen_overflow(const MonitorReport& report) {
  const double overflows = sum_host(report, &HostPoint::listen_overflows);
  const double drops = sum_host(report, &HostPoint::listen_drops);
  const double syn = sum_host(report, &HostPoint::syn_queue_full_drops);
  if (overflows + drops + syn <= 0) return std::nullopt;
  return Finding{
      "listen_queue_overflow",
      "warning",
      "host",
      fmt::format("the kernel dropped connection attempts: {:.0f} accept-queue overflows, {:.0f} "
                  "listen drops, {:.0f} SYN-queue-full drops during the run",
                  overflows, drops, syn),
      {{"listen_overflows", overflows}, {"listen_drops", drops}, {"syn_queue_full_drops", syn}},
      "the listen backlog is too small or the server accepts too slowly: raise the backlog "
      "passed to listen() and net.core.somaxconn / net.ipv4.tcp_max_syn_backlog, or accept on "
      "more threads (SO_REUSEPORT)"};
}

std::vector<Finding> find_target_exits(const MonitorReport& report) {
  std::vector<Finding> out;
  for (const TargetReport& t : report.targets) {
    for (const TargetEvent& e : t.events) {
      if (e.kind != "exited" && e.kind != "unreadable" && e.kind != "no_process") continue;
      out.push_back(Finding{"target_exited",
                            "warning",
                            t.label,
                            fmt::format("at {:.1f}s: {}", e.t_s, e.detail),
                            {{"t_s", e.t_s}},
                            "check the target's logs (crash, OOM kill: dmesg) — figures after "
                            "this point do not include it"});
      break;  // one finding per target; the events list has the rest
    }
  }
  return out;
}

std::vector<Finding> find_findings(const MonitorReport& report, const LoadEvidence* load,
                                   const FindingOptions& options) {
  std::vector<Finding> out;
  auto append = [&](std::vector<Finding> more) {
    for (Finding& f : more) out.push_back(std::move(f));
  };
  if (load) append(find_cpu_bound(report, *load, options));
  append(find_memory_near_limit(report, options));
  append(find_leaks(report));
  if (auto f = find_listen_overflow(report)) out.push_back(std::move(*f));
  if (load) {
    append(find_phase_dominance(*load, options));
    if (auto f = find_error_burst_at_load(*load, options)) out.push_back(std::move(*f));
  }
  if (auto f = find_generator_saturated(report, load, options)) out.push_back(std::move(*f));
  append(find_target_exits(report));
  return out;
}

}  // namespace perfgate::monitor
