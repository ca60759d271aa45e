#include "cli/trial_monitor.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/units.h"
#include "monitor/findings.h"
#include "monitor/report_json.h"
#include "monitor/run_evidence.h"
#include "monitor/series_stats.h"

namespace perfgate::cli {
namespace {

using analysis::capacity::TrialResources;

constexpr double kCpuLimitFraction = 0.80;  // of the usable cores
constexpr double kThrottledLimitPercent = 10;

const monitor::Finding* finding_for(const monitor::MonitorReport& report, const std::string& id,
                                    const std::string& subject) {
  for (const monitor::Finding& f : report.findings) {
    if (f.id == id && f.subject == subject) return &f;
  }
  return nullptr;
}

// The steady part's samples (each covers the interval ending at its t_s); all but the baseline
// when the trial was too short to have one.
std::vector<const monitor::TargetPoint*> steady_points(const monitor::TargetReport& t, double from,
                                                       double to, double interval) {
  std::vector<const monitor::TargetPoint*> out;
  for (const monitor::TargetPoint& p : t.points) {
    if (p.t_s > from + 1e-6 && p.t_s <= to + 0.5 * interval) out.push_back(&p);
  }
  if (out.empty()) {
    for (size_t i = 1; i < t.points.size(); ++i) out.push_back(&t.points[i]);
  }
  return out;
}

void name_limit(const monitor::MonitorReport& report, const monitor::TargetReport& t,
                TrialResources& r) {
  if (const auto* f = finding_for(report, "target_exited", t.label)) {
    r.limit = "target_exited";
    r.limit_detail = "exited or became unreadable " + f->summary;
  } else if (const auto* m = finding_for(report, "memory_near_limit", t.label)) {
    r.limit = "memory";
    r.limit_detail = "ran out of memory: " + m->summary;
  } else if (r.throttled_percent >= kThrottledLimitPercent) {
    r.limit = "cpu_quota";
    r.limit_detail =
        fmt::format("ran out of its CPU quota: throttled {:.0f}% of the time", r.throttled_percent);
  } else if (r.cpu_cores_usable > 0 &&
             r.cpu_percent >= kCpuLimitFraction * 100 * r.cpu_cores_usable) {
    r.limit = "cpu";
    r.limit_detail = fmt::format("ran out of CPU: {:.0f}% of {:.3g} usable core(s)", r.cpu_percent,
                                 r.cpu_cores_usable);
  } else if (r.listen_drops > 0) {
    r.limit = "listen_queue";
    r.limit_detail = fmt::format(
        "did not accept connections fast enough: the kernel dropped {:.0f} connection attempts "
        "(listen queue full)",
        r.listen_drops);
  }
}

}  // namespace

Result<TrialMonitorOptions> parse_trial_monitor(const std::vector<std::string>& specs,
                                                const std::string& interval) {
  TrialMonitorOptions o;
  for (const std::string& spec : specs) {
    auto target = monitor::parse_target(spec);
    if (!target) return make_error("--monitor: " + target.error().describe());
    if (auto exists = monitor::check_target_exists(*target); !exists) {
      return make_error("--monitor: " + exists.error().describe());
    }
    o.targets.push_back(*target);
  }
  auto every = parse_duration(interval);
  if (!every) return make_error("--monitor-interval: " + every.error().describe());
  if (*every < 10 * kNanosPerMilli) return make_error("--monitor-interval must be at least 10ms");
  o.interval = *every;
  return o;
}

TrialResources summarize_resources(const monitor::MonitorReport& report, double steady_from_s,
                                   double steady_to_s) {
  TrialResources r;
  const auto t = std::find_if(report.targets.begin(), report.targets.end(),
                              [](const monitor::TargetReport& x) { return !x.is_self; });
  if (t == report.targets.end()) return r;
  r.watched = true;
  r.target = t->label;
  std::vector<double> cpu;
  double throttled_sum = 0;
  int throttled_samples = 0;
  for (const monitor::TargetPoint* p :
       steady_points(*t, steady_from_s, steady_to_s, report.interval_s)) {
    cpu.push_back(p->cpu_percent);
    r.cpu_cores_usable = std::max(r.cpu_cores_usable, p->cpu_cores_usable);
    r.rss_bytes_max = std::max(r.rss_bytes_max, p->rss_bytes);
    if (p->open_fds) r.open_fds_max = std::max(r.open_fds_max, *p->open_fds);
    if (p->cgroup && p->cgroup->throttled_percent) {
      throttled_sum += *p->cgroup->throttled_percent;  // the kernel books it in bursts: a mean
      ++throttled_samples;
    }
  }
  r.cpu_percent = monitor::percentile(cpu, 50);
  r.throttled_percent = throttled_samples > 0 ? throttled_sum / throttled_samples : 0;
  for (const monitor::HostPoint& h : report.host) {
    r.listen_drops += h.listen_overflows.value_or(0) + h.syn_queue_full_drops.value_or(0);
  }
  for (const monitor::Finding& f : report.findings) r.findings.push_back(f.id + ": " + f.summary);
  name_limit(report, *t, r);
  return r;
}

TrialMonitor::TrialMonitor(const TrialMonitorOptions& options) {
  if (options.targets.empty()) return;
  monitor::MonitorOptions m;
  m.interval = options.interval;
  monitor_ = std::make_unique<monitor::Monitor>(options.targets, m);
}

void TrialMonitor::start() {
  if (!monitor_) return;
  monitor_->start();
  run_started_ = SteadyClock::monotonic_now();
}

nlohmann::json TrialMonitor::finish(const results::RunResult& run, double warmup_s, double end_s,
                                    TrialResources* resources) {
  if (!monitor_) return nullptr;
  monitor::MonitorReport report = monitor_->stop();
  const double offset = monitor_->seconds_since_start(run_started_);
  const monitor::LoadEvidence evidence = monitor::evidence_from_run(run, offset);
  report.findings = monitor::find_findings(report, &evidence);
  *resources = summarize_resources(report, offset + warmup_s, offset + end_s);
  monitor_.reset();
  return monitor::to_json(report);
}

}  // namespace perfgate::cli
