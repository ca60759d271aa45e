#include "monitor_fixture.h"

#include "fixture.h"
#include "monitor/findings.h"
#include "monitor/leak.h"
#include "monitor/report_json.h"

namespace perfgate::report::testing {
namespace {

using monitor::TargetPoint;

TargetPoint app_point(int t) {
  TargetPoint p;
  p.t_s = t;
  p.processes = 2;
  p.cpu_percent = 20.0 * t;
  p.cpu_user_percent = 15.0 * t;
  p.cpu_system_percent = 5.0 * t;
  p.cpu_cores_usable = 2;
  // 5 MB/s with a little deterministic noise, so the leak fit has residuals.
  p.rss_bytes = 100e6 + 5e6 * t + ((t * 37) % 5) * 0.1e6;
  p.threads = 8;
  p.open_fds = 40 + t;
  p.disk_read_bytes_per_s = 1000.0 * t;
  p.disk_write_bytes_per_s = 500;
  p.net_rx_bytes_per_s = 2e6;
  p.net_tx_bytes_per_s = 3e6;
  monitor::CgroupPoint cgroup;
  cgroup.memory_current_bytes = p.rss_bytes + 10e6;
  cgroup.memory_limit_bytes = 180e6;
  cgroup.cpu_percent = p.cpu_percent + 5;
  p.cgroup = cgroup;
  return p;
}

TargetPoint self_point(int t) {
  TargetPoint p;
  p.t_s = t;
  p.processes = 1;
  p.cpu_percent = 50;
  p.cpu_cores_usable = 2;
  p.rss_bytes = 30e6;
  p.threads = 4;
  return p;
}

monitor::MonitorReport make_monitor_report(int64_t run_start_unix_ns) {
  monitor::MonitorReport r;
  r.interval_s = 1;
  r.duration_s = kMonitorSamples;
  r.started_unix_ns = run_start_unix_ns - static_cast<int64_t>(kMonitorLeadSeconds * 1e9);
  r.host_cores = 2;
  monitor::TargetReport app{"cgroup:/sys/fs/cgroup/app", "app <cgroup> & co", false};
  monitor::TargetReport self{"self", "perfgate (self)", true};
  monitor::TargetReport worker{"pid:4242", "pid 4242 (worker)", false};
  for (int t = 1; t <= kMonitorSamples; ++t) {
    app.points.push_back(app_point(t));
    if (t != 6) self.points.push_back(self_point(t));
    if (t <= 4) worker.points.push_back(self_point(t));
    monitor::HostPoint host;
    host.t_s = t;
    host.cpu_percent = 60 + t;
    host.core_cpu_percent = {55.0 + t, 65.0 + t};
    host.load1 = 1.5;
    r.host.push_back(host);
  }
  worker.events.push_back({4.5, "exited", "pid 4242 exited"});
  r.targets = {app, self, worker};
  r.cost = {kMonitorSamples, 0.012, 12.0};
  monitor::analyze_leaks(r);
  r.findings = monitor::find_findings(r, nullptr);
  return r;
}

}  // namespace

ResultsDocument make_fixture_with_monitor() {
  ResultsDocument doc = make_fixture();
  doc.monitor = monitor::to_json(make_monitor_report(doc.run.meta.start_unix_nanos));
  return doc;
}

}  // namespace perfgate::report::testing
