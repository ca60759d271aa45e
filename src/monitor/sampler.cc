#include "monitor/sampler.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

namespace perfgate::monitor {
namespace {

double delta(uint64_t now, uint64_t before) {
  return now >= before ? static_cast<double>(now - before) : 0.0;
}

template <typename T>
std::optional<double> opt_delta(const std::optional<T>& now, const std::optional<T>& before) {
  if (!now || !before) return std::nullopt;
  return *now >= *before ? static_cast<double>(*now - *before) : 0.0;
}

template <typename T>
std::optional<double> as_double(const std::optional<T>& v) {
  if (!v) return std::nullopt;
  return static_cast<double>(*v);
}

// Adds `value` into `sum`; a sum stays available only while every part is.
void add_optional(std::optional<double>& sum, const std::optional<double>& value) {
  if (sum && value) {
    *sum += *value;
  } else {
    sum.reset();
  }
}

CgroupPoint make_cgroup_point(const CgroupCounters& now, const CgroupCounters& before,
                              double dt_s) {
  CgroupPoint p;
  p.memory_current_bytes = as_double(now.memory_current_bytes);
  p.memory_peak_bytes = as_double(now.memory_peak_bytes);
  p.memory_limit_bytes = as_double(now.memory_limit_bytes);
  p.cpu_limit_cores = now.cpu_limit_cores;
  p.throttled_periods = opt_delta(now.nr_throttled, before.nr_throttled);
  const double interval_us = dt_s * 1e6;
  auto percent = [&](std::optional<double> us) -> std::optional<double> {
    if (!us) return std::nullopt;
    return 100.0 * *us / interval_us;
  };
  p.cpu_percent = percent(opt_delta(now.cpu_usage_usec, before.cpu_usage_usec));
  p.throttled_percent = percent(opt_delta(now.throttled_usec, before.throttled_usec));
  p.cpu_pressure_percent = percent(opt_delta(now.cpu_pressure_us, before.cpu_pressure_us));
  p.memory_pressure_percent = percent(opt_delta(now.memory_pressure_us, before.memory_pressure_us));
  p.io_pressure_percent = percent(opt_delta(now.io_pressure_us, before.io_pressure_us));
  return p;
}

}  // namespace

std::string describe_target(const Target& target, const ProcessCounters* first) {
  const std::string comm = first ? first->comm : "?";
  switch (target.kind) {
    case Target::Kind::kPid:
      return fmt::format("pid {} ({})", target.pid, comm);
    case Target::Kind::kCommand:
      return fmt::format("cmd {}", target.value);
    case Target::Kind::kCgroup:
      return fmt::format("cgroup {}", target.value);
    case Target::Kind::kSelf:
      return fmt::format("self (pid {})", first ? first->pid : ::getpid());
  }
  return target.spec;
}

Sampler::Sampler(std::vector<Target> targets, SamplerOptions options)
    : options_(std::move(options)) {
  if (options_.self_pid == 0) options_.self_pid = ::getpid();
  if (options_.clock_ticks == 0) options_.clock_ticks = ::sysconf(_SC_CLK_TCK);
  for (Target& t : targets) {
    TargetReport r;
    r.spec = t.spec;
    r.label = describe_target(t, nullptr);
    r.is_self = t.kind == Target::Kind::kSelf;
    report_.targets.push_back(std::move(r));
    states_.push_back(TargetState{std::move(t)});
  }
}

void Sampler::sample(Nanos now) {
  if (!start_) start_ = now;
  const double t = static_cast<double>(now - *start_) / 1e9;
  for (size_t i = 0; i < states_.size(); ++i) sample_target(i, now, t);
  sample_host(now, t);
  report_.duration_s = t;
}

void Sampler::add_event(size_t index, double t, std::string kind, std::string detail) {
  report_.targets[index].events.push_back(TargetEvent{t, std::move(kind), std::move(detail)});
}

std::vector<pid_t> Sampler::resolve(TargetState& state, std::optional<CgroupCounters>& cgroup,
                                    double t) {
  const Target& target = state.target;
  switch (target.kind) {
    case Target::Kind::kPid:
      return {target.pid};
    case Target::Kind::kSelf:
      return {options_.self_pid};
    case Target::Kind::kCommand:
      return find_processes_by_name(options_.proc_root, target.value);
    case Target::Kind::kCgroup: {
      auto read = read_cgroup(target.value);
      if (!read) {
        if (!state.reported_unreadable) {
          const size_t index = static_cast<size_t>(&state - states_.data());
          add_event(index, t, "unreadable", read.error().describe());
          state.reported_unreadable = true;
        }
        return {};
      }
      cgroup = std::move(*read);
      return cgroup->pids;
    }
  }
  return {};
}

void Sampler::sample_target(size_t index, Nanos now, double t) {
  TargetState& state = states_[index];
  std::optional<CgroupCounters> cgroup;
  std::map<pid_t, ProcessCounters> current;
  const bool single = state.target.kind == Target::Kind::kPid;
  for (pid_t pid : resolve(state, cgroup, t)) {
    auto counters = read_process(options_.proc_root, pid);
    if (counters) {
      current.emplace(pid, std::move(*counters));
    } else if (single && !state.missing) {
      const bool gone = process_exited(options_.proc_root, pid);
      add_event(index, t, gone ? "exited" : "unreadable", counters.error().describe());
    }
  }
  for (const auto& [pid, old] : state.last) {
    if (!single && !current.count(pid)) {
      add_event(index, t, "exited", fmt::format("process {} ({}) exited", pid, old.comm));
    }
  }
  if (state.last_time && !single) {
    for (const auto& [pid, c] : current) {
      if (!state.last.count(pid)) {
        add_event(index, t, "appeared", fmt::format("process {} ({}) appeared", pid, c.comm));
      }
    }
  }
  if (current.empty() && !cgroup) {
    if (!state.missing && !single && !state.reported_unreadable) {
      add_event(index, t, "no_process", fmt::format("no process matches {}", state.target.spec));
    }
    state.missing = true;
    state.last.clear();
    state.last_time.reset();
    return;
  }
  if (state.missing) add_event(index, t, "recovered", "the target can be read again");
  state.missing = false;
  state.reported_unreadable = false;
  if (report_.targets[index].points.empty() && !current.empty()) {
    report_.targets[index].label = describe_target(state.target, &current.begin()->second);
  }
  if (state.last_time) {
    const double dt_s = static_cast<double>(now - *state.last_time) / 1e9;
    TargetPoint point = make_point(state, current, cgroup, dt_s);
    point.t_s = t;
    report_.targets[index].points.push_back(std::move(point));
  }
  for (const auto& [pid, c] : current) {
    if (c.netns && c.net) state.last_net[*c.netns] = *c.net;
  }
  state.last = std::move(current);
  state.last_cgroup = std::move(cgroup);
  state.last_time = now;
}

TargetPoint Sampler::make_point(const TargetState& state,
                                const std::map<pid_t, ProcessCounters>& now,
                                const std::optional<CgroupCounters>& cgroup, double dt_s) const {
  TargetPoint p;
  double user_ticks = 0, system_ticks = 0, voluntary = 0, involuntary = 0;
  double read_bytes = 0, write_bytes = 0;
  bool io_known = true;
  std::optional<double> pss = 0.0, uss = 0.0, fds = 0.0;
  int max_cpus_allowed = 0;
  for (const auto& [pid, c] : now) {
    p.rss_bytes += static_cast<double>(c.rss_bytes);
    p.threads += static_cast<double>(c.threads);
    add_optional(pss, as_double(c.pss_bytes));
    add_optional(uss, as_double(c.uss_bytes));
    add_optional(fds, as_double(c.open_fds));
    max_cpus_allowed = std::max(max_cpus_allowed, c.cpus_allowed);
    auto it = state.last.find(pid);
    const bool same = it != state.last.end() && it->second.start_ticks == c.start_ticks;
    const ProcessCounters* before = same ? &it->second : nullptr;
    user_ticks += before ? delta(c.utime_ticks, before->utime_ticks) : 0;
    system_ticks += before ? delta(c.stime_ticks, before->stime_ticks) : 0;
    voluntary += before ? delta(c.ctx_voluntary, before->ctx_voluntary) : 0;
    involuntary += before ? delta(c.ctx_involuntary, before->ctx_involuntary) : 0;
    io_known = io_known && c.read_bytes && c.write_bytes;
    if (io_known && before && before->read_bytes && before->write_bytes) {
      read_bytes += delta(*c.read_bytes, *before->read_bytes);
      write_bytes += delta(*c.write_bytes, *before->write_bytes);
    }
  }
  p.processes = static_cast<int>(now.size());
  const double tick_s = 1.0 / static_cast<double>(options_.clock_ticks);
  p.cpu_user_percent = 100 * user_ticks * tick_s / dt_s;
  p.cpu_system_percent = 100 * system_ticks * tick_s / dt_s;
  p.cpu_percent = p.cpu_user_percent + p.cpu_system_percent;
  p.ctx_switches_voluntary_per_s = voluntary / dt_s;
  p.ctx_switches_involuntary_per_s = involuntary / dt_s;
  p.pss_bytes = pss;
  p.uss_bytes = uss;
  p.open_fds = fds;
  if (io_known) {
    p.disk_read_bytes_per_s = read_bytes / dt_s;
    p.disk_write_bytes_per_s = write_bytes / dt_s;
  }
  p.cpu_cores_usable = std::min(static_cast<double>(max_cpus_allowed), p.threads);
  add_net_rates(state, now, dt_s, p);
  if (cgroup && state.last_cgroup) {
    p.cgroup = make_cgroup_point(*cgroup, *state.last_cgroup, dt_s);
    if (p.cgroup->cpu_limit_cores) {
      p.cpu_cores_usable = std::min(p.cpu_cores_usable, *p.cgroup->cpu_limit_cores);
    }
  }
  return p;
}

void Sampler::add_net_rates(const TargetState& state, const std::map<pid_t, ProcessCounters>& now,
                            double dt_s, TargetPoint& point) const {
  // Processes in one network namespace see the same net/dev: count each namespace once.
  std::map<std::string, NetDevTotals> namespaces;
  for (const auto& [pid, c] : now) {
    if (c.netns && c.net) namespaces.emplace(*c.netns, *c.net);
  }
  if (namespaces.empty()) return;
  double rx = 0, tx = 0;
  for (const auto& [ns, totals] : namespaces) {
    auto it = state.last_net.find(ns);
    if (it == state.last_net.end()) continue;
    rx += delta(totals.rx_bytes, it->second.rx_bytes);
    tx += delta(totals.tx_bytes, it->second.tx_bytes);
  }
  point.net_rx_bytes_per_s = rx / dt_s;
  point.net_tx_bytes_per_s = tx / dt_s;
}

void Sampler::sample_host(Nanos now, double t) {
  HostCounters h = read_host(options_.proc_root);
  std::optional<HostCpuReading> precise = read_host_cpu(options_.cgroup_root);
  if (report_.host_cores == 0 && h.cpus.size() > 1) {
    report_.host_cores = static_cast<int>(h.cpus.size() - 1);
  }
  if (last_host_ && last_host_time_ && !h.cpus.empty()) {
    const HostCounters& b = *last_host_;
    HostPoint p;
    p.t_s = t;
    auto busy_percent = [](const CpuTimes& n, const CpuTimes& o) {
      const double total = delta(n.total, o.total);
      return total > 0 ? 100 * delta(n.busy, o.busy) / total : 0.0;
    };
    if (!b.cpus.empty()) p.cpu_percent = busy_percent(h.cpus[0], b.cpus[0]);
    report_.host_cpu_source = kCpuSourceProcStat;
    const double elapsed_ns = static_cast<double>(now - *last_host_time_);
    if (precise && last_host_cpu_ && precise->source == last_host_cpu_->source && elapsed_ns > 0 &&
        report_.host_cores > 0 && precise->usage_ns >= last_host_cpu_->usage_ns) {
      const double used_ns = static_cast<double>(precise->usage_ns - last_host_cpu_->usage_ns);
      p.cpu_percent = std::min(100.0, 100 * used_ns / (elapsed_ns * report_.host_cores));
      report_.host_cpu_source = precise->source;
    }
    for (size_t i = 1; i < h.cpus.size() && i < b.cpus.size(); ++i) {
      p.core_cpu_percent.push_back(busy_percent(h.cpus[i], b.cpus[i]));
    }
    if (h.load) {
      p.load1 = h.load->one;
      p.load5 = h.load->five;
      p.load15 = h.load->fifteen;
    }
    p.mem_available_bytes = as_double(h.mem_available_bytes);
    p.mem_total_bytes = as_double(h.mem_total_bytes);
    p.tcp_retransmits = opt_delta(h.tcp_retrans_segs, b.tcp_retrans_segs);
    p.listen_overflows = opt_delta(h.listen_overflows, b.listen_overflows);
    p.listen_drops = opt_delta(h.listen_drops, b.listen_drops);
    p.syn_queue_full_drops = opt_delta(h.req_queue_full_drops, b.req_queue_full_drops);
    report_.host.push_back(std::move(p));
  }
  last_host_ = std::move(h);
  last_host_cpu_ = precise;
  last_host_time_ = now;
}

}  // namespace perfgate::monitor
