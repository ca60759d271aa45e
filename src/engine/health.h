// Generator self-check: decides whether a run's numbers can be trusted, from the process's CPU
// use and the open model's schedule lag, and says why not in sentences with the numbers.
//
// Bounds (documented in docs/engine.md):
//   - CPU: the process used >= kSaturatedCpuPercent of the cores its workers could use
//     (min(threads, online CPUs)) over the run: the workers were saturated, so measured
//     latencies include time requests waited for the generator itself. Not judged for runs
//     shorter than kMinCpuJudgedSeconds: there the process's start-up work (plan loading,
//     threads, name resolution) is most of the CPU time, and a 1-iteration plan "used 110% of
//     one core for 0.0 s".
//   - Open model: schedule_lag p99 > kMaxScheduleLagP99: iterations started late, so the
//     offered load was not the configured one.
//
// Thread-safety: pure functions.
#pragma once

#include "core/clock.h"
#include "results/run_result.h"

namespace perfgate::engine {

inline constexpr double kSaturatedCpuPercent = 90.0;
inline constexpr double kMinCpuJudgedSeconds = 1.0;
inline constexpr Nanos kMaxScheduleLagP99 = 10 * kNanosPerMilli;

// Process CPU time (user + system) so far, in seconds, from getrusage(RUSAGE_SELF).
double process_cpu_seconds();

// Fills result->health from the CPU seconds the run used and the result's own numbers.
void assess_health(double cpu_seconds, int threads, int online_cpus, results::RunResult* result);

}  // namespace perfgate::engine
