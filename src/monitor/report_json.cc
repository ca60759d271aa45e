#include "monitor/report_json.h"

#include <cmath>
#include <map>

#include "core/atomic_file.h"
#include "monitor/metrics.h"
#include "monitor/series_stats.h"

namespace perfgate::monitor {
namespace {

using nlohmann::json;

void put(json& j, const char* key, const std::optional<double>& v) {
  if (v) j[key] = *v;
}

json trend(const std::vector<double>& values) {
  const SeriesSummary s = summarize(values);
  return json{{"avg", s.avg}, {"min", s.min}, {"med", s.med}, {"max", s.max}, {"p(95)", s.p95}};
}

json point_json(const TargetPoint& p) {
  json j;
  j["t_s"] = p.t_s;
  for (const TargetMetric& m : target_metrics()) {
    if (auto v = m.value(p)) j[std::string(m.name)] = *v;
  }
  j["cpu_cores_usable"] = p.cpu_cores_usable;
  if (p.cgroup) {
    put(j, "cgroup_memory_peak_bytes", p.cgroup->memory_peak_bytes);
    put(j, "cgroup_memory_limit_bytes", p.cgroup->memory_limit_bytes);
    put(j, "cgroup_cpu_limit_cores", p.cgroup->cpu_limit_cores);
    put(j, "cgroup_throttled_periods", p.cgroup->throttled_periods);
  }
  return j;
}

json host_point_json(const HostPoint& p) {
  json j{{"t_s", p.t_s}, {"cpu_percent", p.cpu_percent}, {"core_cpu_percent", p.core_cpu_percent}};
  put(j, "load1", p.load1);
  put(j, "load5", p.load5);
  put(j, "load15", p.load15);
  put(j, "mem_available_bytes", p.mem_available_bytes);
  put(j, "mem_total_bytes", p.mem_total_bytes);
  put(j, "tcp_retransmits", p.tcp_retransmits);
  put(j, "listen_overflows", p.listen_overflows);
  put(j, "listen_drops", p.listen_drops);
  put(j, "syn_queue_full_drops", p.syn_queue_full_drops);
  return j;
}

json leak_json(const LeakAnalysis& l) {
  json j{{"analysed", l.analysed},
         {"suspected", l.suspected},
         {"reason", l.reason},
         {"memory_metric", l.memory_metric},
         {"warmup_s", l.warmup_s},
         {"points", l.points},
         {"threshold_mb_per_hour", l.threshold_mb_per_hour}};
  if (l.analysed) {
    j["slope_mb_per_hour"] = l.slope_mb_per_hour;
    // JSON has no infinity: an unbounded interval is written as null.
    j["ci_low_mb_per_hour"] =
        std::isfinite(l.ci_low_mb_per_hour) ? json(l.ci_low_mb_per_hour) : json(nullptr);
    j["ci_high_mb_per_hour"] =
        std::isfinite(l.ci_high_mb_per_hour) ? json(l.ci_high_mb_per_hour) : json(nullptr);
    j["n_effective"] = l.n_effective;
  }
  return j;
}

json target_json(const TargetReport& t) {
  json points = json::array();
  for (const TargetPoint& p : t.points) points.push_back(point_json(p));
  json events = json::array();
  for (const TargetEvent& e : t.events) {
    events.push_back({{"t_s", e.t_s}, {"kind", e.kind}, {"detail", e.detail}});
  }
  return json{{"spec", t.spec},   {"label", t.label}, {"self", t.is_self},
              {"series", points}, {"events", events}, {"leak", leak_json(t.leak)}};
}

json finding_json(const Finding& f) {
  json evidence = json::object();
  for (const auto& [name, value] : f.evidence) evidence[name] = value;
  return json{{"id", f.id},           {"severity", f.severity},
              {"subject", f.subject}, {"summary", f.summary},
              {"evidence", evidence}, {"recommendation", f.recommendation}};
}

// Per metric, the per-sample values of a set of targets summed at each sample time; a sample
// time where some target lacks the value is left out.
std::vector<double> summed_series(const std::vector<const TargetReport*>& targets,
                                  const TargetMetric& metric) {
  std::map<double, std::pair<double, size_t>> by_time;
  for (const TargetReport* t : targets) {
    for (const TargetPoint& p : t->points) {
      if (auto v = metric.value(p)) {
        auto& [sum, n] = by_time[p.t_s];
        sum += *v;
        ++n;
      }
    }
  }
  std::vector<double> values;
  for (const auto& [t, entry] : by_time) {
    if (entry.second == targets.size()) values.push_back(entry.first);
  }
  return values;
}

void add_target_metrics(json& out, const std::string& prefix, const std::string& tag,
                        const std::vector<const TargetReport*>& targets) {
  for (const TargetMetric& m : target_metrics()) {
    std::vector<double> values = summed_series(targets, m);
    if (!values.empty()) out[prefix + std::string(m.name) + tag] = trend(values);
  }
  double worst = 0;
  bool any = false, suspected = false;
  for (const TargetReport* t : targets) {
    if (!t->leak.analysed) continue;
    worst = any ? std::max(worst, t->leak.slope_mb_per_hour) : t->leak.slope_mb_per_hour;
    any = true;
    suspected = suspected || t->leak.suspected;
  }
  if (any) {
    out[prefix + "rss_slope_mb_per_hour" + tag] = json{{"value", worst}};
    out[prefix + "leak_suspected" + tag] = json{{"value", suspected ? 1 : 0}};
  }
}

}  // namespace

json metrics_json(const MonitorReport& report) {
  json out = json::object();
  std::vector<const TargetReport*> sut, self;
  for (const TargetReport& t : report.targets) (t.is_self ? self : sut).push_back(&t);
  if (!sut.empty()) add_target_metrics(out, "sut_", "", sut);
  if (sut.size() > 1) {
    for (const TargetReport* t : sut)
      add_target_metrics(out, "sut_", "{target:" + t->spec + "}", {t});
  }
  if (!self.empty()) add_target_metrics(out, "generator_", "", self);
  for (const HostMetric& m : host_metrics()) {
    std::vector<double> values;
    for (const HostPoint& p : report.host) {
      if (auto v = m.value(p)) values.push_back(*v);
    }
    if (values.empty()) continue;
    if (m.counter) {
      double count = 0;
      for (double v : values) count += v;
      out[std::string(m.name)] =
          json{{"count", count}, {"rate", report.duration_s > 0 ? count / report.duration_s : 0}};
    } else {
      out[std::string(m.name)] = trend(values);
    }
  }
  out["monitor_sampler_cpu_percent"] = json{{"value", report.cost.cpu_percent()}};
  return out;
}

json to_json(const MonitorReport& report) {
  json targets = json::array();
  for (const TargetReport& t : report.targets) targets.push_back(target_json(t));
  json host = json::array();
  for (const HostPoint& p : report.host) host.push_back(host_point_json(p));
  json findings = json::array();
  for (const Finding& f : report.findings) findings.push_back(finding_json(f));
  return json{
      {"interval_s", report.interval_s},
      {"duration_s", report.duration_s},
      {"started_unix_ns", report.started_unix_ns},
      {"sampler",
       {{"samples", report.cost.samples},
        {"cpu_seconds", report.cost.cpu_seconds},
        {"wall_seconds", report.cost.wall_seconds},
        {"cpu_percent", report.cost.cpu_percent()}}},
      {"host",
       {{"cores", report.host_cores}, {"cpu_source", report.host_cpu_source}, {"series", host}}},
      {"targets", targets},
      {"findings", findings},
      {"metrics", metrics_json(report)},
  };
}

Result<void> write_json(const MonitorReport& report, const std::string& path) {
  return write_file_atomically(path, to_json(report).dump(2) + "\n");
}

}  // namespace perfgate::monitor
