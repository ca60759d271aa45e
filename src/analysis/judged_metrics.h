// Which metrics `compare` and `history check` judge by default, and the absolute noise floor
// under which a change is never called a regression. docs/gates.md documents both tables.
//
// The default set is what a team gates on. For load-test results (formats "perfgate", "k6" and
// "mixed"):
//   - request latency: med, p(95) and p(99) of http_req_duration / grpc_req_duration and of
//     their tagged sub-metrics ("http_req_duration{name:login} p(95)");
//   - error rate: http_req_failed value (k6's Rate, a fraction of requests);
//   - throughput: http_reqs rate (per second);
//   - checks: checks value (fraction passed);
//   - the answers of capacity, stress and scale runs (capacity_rate, stress_*, usl_*).
// Everything else is measured on the generator's side of the wire or follows from the run's size
// (schedule_lag, http_req_blocked/connecting/tls_handshaking/sending/waiting/receiving,
// iteration_duration, data_*, vus, counts, monitoring metrics) or is a statistic that says little
// about a change (min, max, avg, p(90), p(99.9)): left out unless asked for (--all, --metric).
// Other formats carry only what their tool chose to measure, so all their metrics are judged
// except counts that grow with the run's length.
//
// Noise floors are absolute, per unit: a regression or improvement must also change the compared
// statistic by more than the floor of its unit (1 ms for latencies, 1 ms for command times...),
// whatever the statistics say — a 20 µs shift on a loopback run is real, but not a regression.
// Micro-benchmark formats (gbench, bmf) have no default floor: their repetitions are the noise
// estimate and nanoseconds matter there. Callers may override any unit's floor.
//
// Thread-safety: pure functions over plain data.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "analysis/metric_table.h"
#include "core/result.h"

namespace perfgate::analysis {

// Counts that measure how long or how wide a run was, not how fast it went: the "count" stat of
// any metric, absolute totals of rates (http_req_failed total/failed, checks passes/fails) and
// the vus/vus_max gauges. Two runs of different lengths would "regress" on them.
bool is_run_length_count(const Metric& metric);

// Whether `metric`, from a file of `format`, is in the default set described above.
bool judged_by_default(const Metric& metric, std::string_view format);

// Unit -> absolute floor, in that unit. Overrides replace the defaults unit by unit.
using NoiseFloors = std::map<std::string, double, std::less<>>;

// The default floors for load-test, command and page-load formats (not gbench/bmf).
const NoiseFloors& default_noise_floors();

// The floor for a metric of `unit` from a file of `format`: an override for the unit if given,
// else the default (0 for gbench, bmf and units without one).
double noise_floor(std::string_view unit, std::string_view format, const NoiseFloors& overrides);

// Parses "UNIT=VALUE" ("ms=0.2", "/s=5", "ratio=0") into `floors`.
Result<void> parse_noise_floor(std::string_view text, NoiseFloors& floors);

}  // namespace perfgate::analysis
