// The rules of the findings catalogue that read the load test's numbers (LoadEvidence).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "monitor/findings.h"
#include "monitor/series_stats.h"

namespace perfgate::monitor {
namespace {

bool is_hot(const TargetPoint& p, double fraction) {
  return p.cpu_cores_usable > 0 && p.cpu_percent >= fraction * 100 * p.cpu_cores_usable;
}

const TargetPoint& nearest_point(const std::vector<TargetPoint>& points, double t) {
  auto it = std::lower_bound(points.begin(), points.end(), t,
                             [](const TargetPoint& p, double v) { return p.t_s < v; });
  if (it == points.end()) return points.back();
  if (it != points.begin() && t - std::prev(it)->t_s < it->t_s - t) return *std::prev(it);
  return *it;
}

// p95 latency of the intervals that coincide with hot samples and of those with cool ones. With
// no cool interval (hot all along), the first and last fifth of the run stand in for them.
std::pair<double, double> cool_and_hot_latency(const TargetReport& target, const LoadEvidence& load,
                                               double fraction) {
  std::vector<double> hot, cool, all;
  for (const LoadInterval& i : load.intervals) {
    if (!i.latency_p95_ms) continue;
    all.push_back(*i.latency_p95_ms);
    (is_hot(nearest_point(target.points, i.t_s), fraction) ? hot : cool)
        .push_back(*i.latency_p95_ms);
  }
  if (all.empty() || hot.empty()) return {0, 0};
  if (cool.empty()) {
    const size_t fifth = std::max<size_t>(1, all.size() / 5);
    cool.assign(all.begin(), all.begin() + fifth);
    hot.assign(all.end() - fifth, all.end());
  }
  return {percentile(cool, 50), percentile(hot, 50)};
}

std::optional<Finding> cpu_bound_for(const TargetReport& t, const LoadEvidence& load,
                                     double interval_s, const FindingOptions& options) {
  std::vector<double> hot_cpu;
  double cores = 0;
  for (const TargetPoint& p : t.points) {
    if (!is_hot(p, options.cpu_bound_fraction)) continue;
    hot_cpu.push_back(p.cpu_percent);
    cores = std::max(cores, p.cpu_cores_usable);
  }
  const double needed = std::max(3.0, 0.2 * static_cast<double>(t.points.size()));
  if (static_cast<double>(hot_cpu.size()) < needed) return std::nullopt;
  auto [cool_ms, hot_ms] = cool_and_hot_latency(t, load, options.cpu_bound_fraction);
  if (cool_ms <= 0 || hot_ms < options.latency_rise_ratio * cool_ms) return std::nullopt;
  const double cpu = summarize(hot_cpu).avg;
  return Finding{
      "target_cpu_bound",
      "warning",
      t.label,
      fmt::format("CPU averaged {:.0f}% of {:.3g} usable core(s) for {:.0f}s while p95 latency "
                  "rose from {:.3g} ms to {:.3g} ms",
                  cpu, cores, static_cast<double>(hot_cpu.size()) * interval_s, cool_ms, hot_ms),
      {{"cpu_percent_hot_avg", cpu},
       {"cpu_cores_usable", cores},
       {"hot_seconds", static_cast<double>(hot_cpu.size()) * interval_s},
       {"latency_p95_cool_ms", cool_ms},
       {"latency_p95_hot_ms", hot_ms}},
      "the target is CPU-bound: profile it under this load (perf record -g -p PID), give it more "
      "cores or a higher cgroup cpu.max, or scale out — more load will only add queueing delay"};
}

}  // namespace

std::vector<Finding> find_cpu_bound(const MonitorReport& report, const LoadEvidence& load,
                                    const FindingOptions& options) {
  std::vector<Finding> out;
  for (const TargetReport& t : report.targets) {
    if (t.is_self || t.points.empty()) continue;
    if (auto f = cpu_bound_for(t, load, report.interval_s, options)) out.push_back(std::move(*f));
  }
  return out;
}

std::vector<Finding> find_phase_dominance(const LoadEvidence& load, const FindingOptions& options) {
  std::vector<Finding> out;
  if (!load.total_ms || *load.total_ms <= 0) return out;
  const double total = *load.total_ms;
  if (load.connect_ms) {
    const double connect = *load.connect_ms + load.tls_ms.value_or(0);
    const double share = connect / total;
    if (share >= options.connect_share && connect >= options.min_phase_ms) {
      const double per_request =
          load.connections_opened && load.requests_total && *load.requests_total > 0
              ? *load.connections_opened / *load.requests_total
              : -1;
      out.push_back(Finding{
          "connect_dominates",
          "warning",
          "load",
          fmt::format("connecting (TCP {:.3g} ms + TLS {:.3g} ms) is {:.0f}% of the mean request "
                      "time {:.3g} ms{}",
                      *load.connect_ms, load.tls_ms.value_or(0), 100 * share, total,
                      per_request >= 0
                          ? fmt::format("; {:.2f} new connections per request", per_request)
                          : ""),
          {{"connect_ms", *load.connect_ms},
           {"tls_ms", load.tls_ms.value_or(0)},
           {"total_ms", total},
           {"share", share},
           {"connections_per_request", per_request}},
          per_request > 0.5
              ? "connections are not reused: enable keep-alive on both sides (the server must "
                "not answer Connection: close) and reuse TLS sessions"
          : per_request >= 0
              ? "requests wait for a connection: the pool is exhausted — raise the pool size or "
                "the server's connection limit"
              : "enable keep-alive if connections are not reused, else raise the connection "
                "pool size: requests are waiting to connect"});
      if (per_request < 0) out.back().evidence.pop_back();  // unknown: not evidence
    }
  }
  auto add_phase = [&](const std::optional<double>& phase, double threshold, const char* id,
                       const char* what, const char* advice) {
    if (!phase) return;
    const double share = *phase / total;
    if (share < threshold || *phase < options.min_phase_ms) return;
    out.push_back(
        Finding{id,
                "info",
                "load",
                fmt::format("{} takes {:.3g} ms, {:.0f}% of the mean request time {:.3g} ms", what,
                            *phase, 100 * share, total),
                {{"phase_ms", *phase}, {"total_ms", total}, {"share", share}},
                advice});
  };
  add_phase(load.wait_ms, options.ttfb_share, "ttfb_dominates",
            "waiting for the first byte (server-side work)",
            "the time is spent inside the server: profile the handler, its database queries and "
            "downstream calls; cache what can be cached");
  add_phase(load.receive_ms, options.receive_share, "receive_dominates", "receiving the body",
            "responses are large for the bandwidth: compress them (gzip, br), paginate, or "
            "send less (fields, images); check the network path");
  return out;
}

std::optional<Finding> find_error_burst_at_load(const LoadEvidence& load,
                                                const FindingOptions& options) {
  std::vector<const LoadInterval*> bursts, clean;
  for (const LoadInterval& i : load.intervals) {
    if (i.requests <= 0) continue;
    const double rate = i.errors / i.requests;
    if (rate >= options.error_burst_rate && i.errors >= options.min_burst_errors) {
      bursts.push_back(&i);
    } else if (rate < options.clean_error_rate) {
      clean.push_back(&i);
    }
  }
  if (bursts.size() < 2 || clean.size() < 2) return std::nullopt;
  double onset = bursts.front()->load_level, errors = 0, requests = 0;
  for (const LoadInterval* i : bursts) {
    onset = std::min(onset, i->load_level);
    errors += i->errors;
    requests += i->requests;
  }
  // Correlated with load: clean intervals lie below the onset, and above it errors are the rule.
  size_t clean_below = 0, clean_above = 0;
  for (const LoadInterval* i : clean) (i->load_level < onset ? clean_below : clean_above)++;
  if (clean_below < 2 || clean_above > bursts.size() / 4) return std::nullopt;
  return Finding{
      "error_burst_at_load",
      "warning",
      "load",
      fmt::format("errors come in bursts once the load reaches {:.4g}: {:.1f}% of requests failed "
                  "in {} intervals at or above it, against none to few in {} intervals below",
                  onset, 100 * errors / requests, bursts.size(), clean_below),
      {{"onset_load_level", onset},
       {"burst_intervals", static_cast<double>(bursts.size())},
       {"burst_error_rate", errors / requests},
       {"clean_intervals_below", static_cast<double>(clean_below)}},
      "a resource runs out at this load: check connection pools, worker threads, file "
      "descriptors and rate limits on the target (the error statuses say which), and set the "
      "capacity claim below this level"};
}

std::optional<Finding> find_generator_saturated(const MonitorReport& report,
                                                const LoadEvidence* load,
                                                const FindingOptions& options) {
  double cpu =
      load && load->generator_cpu_percent ? *load->generator_cpu_percent : -1;  // -1: unknown
  double target_fraction = 0;
  for (const TargetReport& t : report.targets) {
    std::vector<double> series;
    for (const TargetPoint& p : t.points) series.push_back(p.cpu_percent);
    if (t.is_self && cpu < 0 && !series.empty()) cpu = summarize(series).avg;
    if (!t.is_self && !t.points.empty() && t.points.back().cpu_cores_usable > 0) {
      target_fraction = std::max(target_fraction,
                                 summarize(series).avg / (100 * t.points.back().cpu_cores_usable));
    }
  }
  const double cores = load && load->generator_cores ? *load->generator_cores : report.host_cores;
  const bool cpu_saturated =
      cpu >= 0 && cores > 0 && cpu >= options.generator_cpu_fraction * 100 * cores;
  // -1: unknown (the closed model has no schedule).
  const double lag = load && load->schedule_lag_p99_ms ? *load->schedule_lag_p99_ms : -1;
  const bool lagging = lag >= 0 && lag >= options.schedule_lag_p99_ms;
  if (!cpu_saturated && !lagging) return std::nullopt;
  std::string why = cpu_saturated
                        ? fmt::format("perfgate used {:.0f}% CPU of {:.3g} core(s)", cpu, cores)
                        : fmt::format("iterations started {:.3g} ms late (p99)", lag);
  if (cpu_saturated && lagging) why += fmt::format(" and iterations started {:.3g} ms late", lag);
  const bool verdict = target_fraction < options.cpu_bound_fraction;
  Finding f{"generator_saturated",
            "critical",
            "generator",
            fmt::format("{}{}", why,
                        verdict ? fmt::format("; the target used only {:.0f}% of its cores, so "
                                              "the generator, not the target, was the bottleneck",
                                              100 * target_fraction)
                                : ""),
            {},
            "the results understate the target: split the load over more perfgate processes or "
            "machines (--segment), keep generator and target on different cores, and trim "
            "per-request work in the script"};
  // Only numbers that are known go into the evidence.
  if (cpu >= 0) f.evidence.emplace_back("generator_cpu_percent", cpu);
  f.evidence.emplace_back("generator_cores", cores);
  if (lag >= 0) f.evidence.emplace_back("schedule_lag_p99_ms", lag);
  if (load && load->dropped_iterations) {
    f.evidence.emplace_back("dropped_iterations", *load->dropped_iterations);
  }
  f.evidence.emplace_back("target_cpu_fraction_max", target_fraction);
  return f;
}

}  // namespace perfgate::monitor
