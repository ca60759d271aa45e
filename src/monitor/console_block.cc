#include "monitor/console_block.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "core/units.h"
#include "monitor/series_stats.h"

namespace perfgate::monitor {
namespace {

template <typename Points, typename F>
SeriesSummary summary_of(const Points& points, F&& value) {
  std::vector<double> values;
  for (const auto& p : points) {
    if (auto v = value(p)) values.push_back(*v);
  }
  return summarize(values);
}

std::string leak_line(const LeakAnalysis& leak) {
  if (!leak.analysed) return fmt::format("leak: not analysed ({})", leak.reason);
  const std::string ci = std::isfinite(leak.ci_low_mb_per_hour)
                             ? fmt::format("95% CI {:+.2f} .. {:+.2f}", leak.ci_low_mb_per_hour,
                                           leak.ci_high_mb_per_hour)
                             : std::string("95% CI unbounded: too few independent samples");
  return fmt::format("leak: {} (slope {:+.2f} MB/h, {}, {} samples after {:.0f}s warm-up)",
                     leak.suspected ? "SUSPECTED" : "no", leak.slope_mb_per_hour, ci, leak.points,
                     leak.warmup_s);
}

std::string target_lines(const TargetReport& t) {
  if (t.points.empty()) return fmt::format("  {:<28} no samples\n", t.label);
  auto cpu = summary_of(
      t.points, [](const TargetPoint& p) -> std::optional<double> { return p.cpu_percent; });
  auto rss = summary_of(t.points,
                        [](const TargetPoint& p) -> std::optional<double> { return p.rss_bytes; });
  auto threads =
      summary_of(t.points, [](const TargetPoint& p) -> std::optional<double> { return p.threads; });
  auto fds = summary_of(t.points, [](const TargetPoint& p) { return p.open_fds; });
  std::string out = fmt::format(
      "  {:<28} cpu avg {:.1f}% max {:.1f}%   rss {} -> {} (max {})   threads {:.0f}   fds {}\n",
      t.label, cpu.avg, cpu.max, format_bytes(t.points.front().rss_bytes), format_bytes(rss.last),
      format_bytes(rss.max), threads.max, fds.count ? fmt::format("{:.0f}", fds.max) : "n/a");
  if (!t.is_self) out += fmt::format("  {:<28} {}\n", "", leak_line(t.leak));
  return out;
}

std::string host_line(const MonitorReport& report) {
  if (report.host.empty()) return "";
  auto cpu = summary_of(report.host,
                        [](const HostPoint& p) -> std::optional<double> { return p.cpu_percent; });
  auto avail = summary_of(report.host, [](const HostPoint& p) { return p.mem_available_bytes; });
  double retrans = 0, drops = 0;
  for (const HostPoint& p : report.host) {
    retrans += p.tcp_retransmits.value_or(0);
    drops += p.listen_overflows.value_or(0) + p.listen_drops.value_or(0);
  }
  return fmt::format(
      "  {:<28} cpu avg {:.1f}% max {:.1f}%   mem available min {}   tcp retransmits {:.0f}   "
      "listen drops {:.0f}\n  {:<28} host cpu from {}\n",
      fmt::format("host ({} cores)", report.host_cores), cpu.avg, cpu.max,
      avail.count ? format_bytes(avail.min) : "n/a", retrans, drops, "",
      report.host_cpu_source.empty() ? "n/a" : report.host_cpu_source);
}

}  // namespace

std::string format_live_line(const MonitorReport& report) {
  std::string line = fmt::format("{:>7.1f}s ", report.duration_s);
  for (const TargetReport& t : report.targets) {
    if (t.points.empty()) {
      line += fmt::format(" {} -- |", t.label);
      continue;
    }
    const TargetPoint& p = t.points.back();
    line += fmt::format(" {} cpu {:.0f}% rss {} thr {:.0f}", t.label, p.cpu_percent,
                        format_bytes(p.rss_bytes), p.threads);
    if (p.open_fds) line += fmt::format(" fds {:.0f}", *p.open_fds);
    line += " |";
  }
  if (!report.host.empty()) {
    const HostPoint& h = report.host.back();
    line += fmt::format(" host cpu {:.0f}%", h.cpu_percent);
    if (h.mem_available_bytes) line += " avail " + format_bytes(*h.mem_available_bytes);
  }
  return line;
}

std::string format_console_block(const MonitorReport& report) {
  std::string out = fmt::format(
      "monitor: {} samples every {}, sampler used {:.3f}% CPU\n", report.cost.samples,
      format_duration(static_cast<Nanos>(report.interval_s * 1e9)), report.cost.cpu_percent());
  for (const TargetReport& t : report.targets) out += target_lines(t);
  out += host_line(report);
  bool header = false;
  for (const TargetReport& t : report.targets) {
    for (const TargetEvent& e : t.events) {
      if (!header) out += "  events\n";
      header = true;
      out += fmt::format("    {:>7.1f}s  {}: {}\n", e.t_s, t.label, e.detail);
    }
  }
  out += report.findings.empty() ? "  findings: none\n" : "  findings\n";
  for (const Finding& f : report.findings) {
    out += fmt::format("    [{}] {} — {}: {}\n      -> {}\n", f.severity, f.id, f.subject,
                       f.summary, f.recommendation);
  }
  return out;
}

}  // namespace perfgate::monitor
