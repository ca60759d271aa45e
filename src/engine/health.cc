#include "engine/health.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>

namespace perfgate::engine {

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void assess_health(double cpu_seconds, int threads, int online_cpus, results::RunResult* result) {
  results::GeneratorHealth& health = result->health;
  health.cpu_seconds = cpu_seconds;
  health.usable_cores = std::max(1, std::min(threads, online_cpus));
  const double elapsed = result->elapsed_seconds();
  health.cpu_percent = elapsed > 0 ? 100.0 * cpu_seconds / (elapsed * health.usable_cores) : 0;
  health.warnings.clear();
  if (health.cpu_percent >= kSaturatedCpuPercent && elapsed >= kMinCpuJudgedSeconds) {
    health.warnings.push_back(fmt::format(
        "the load generator was saturated: it used {:.0f}% of the {} core(s) its workers could "
        "use ({:.1f} CPU-s in {:.1f} s), so latencies include time spent waiting for perfgate "
        "itself; use more --threads, fewer VUs or a bigger machine",
        health.cpu_percent, health.usable_cores, cpu_seconds, elapsed));
  }
  const auto& lag = result->totals.trend(results::Trend::kScheduleLag);
  if (result->meta.model == results::Model::kOpen && lag.count() > 0) {
    const int64_t p99_us = lag.value_at_percentile(99);
    if (p99_us * kNanosPerMicro > kMaxScheduleLagP99) {
      health.warnings.push_back(fmt::format(
          "iterations started late: schedule_lag p99 was {:.1f} ms (bound {} ms), so the load "
          "offered was not the configured {:g}/s; raise --max-vus or --threads",
          p99_us / 1000.0, kMaxScheduleLagP99 / kNanosPerMilli, result->meta.rate));
    }
  }
}

}  // namespace perfgate::engine
