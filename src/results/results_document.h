// ResultsDocument: everything a results file holds — the engine's RunResult plus where it ran
// (host, CPU, git commit, plan), threshold and check outcomes, per-name statistics and interval
// histograms. It is the protocol-neutral results model: every formatter (report/) and every
// importer of perfgate results (analysis/) reads a ResultsDocument, so a live run,
// `perfgate report results.json` and `perfgate compare` see the same thing.
//
// Units: latencies are microseconds (as in MetricSet), times are as in RunResult.
// Thread-safety: a plain value.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "results/run_result.h"
#include "stats/hdr_histogram.h"

namespace perfgate::results {

// k6 always reports the duration of the responses it expected (200..399), thresholds or not.
inline constexpr const char* kExpectedDurationKey = "http_req_duration{expected_response:true}";

// Where and from what the run came. Empty strings / zeros mean "unknown".
struct RunEnvironment {
  std::string plan;        // plan file path, empty for a one-liner `perfgate run URL`
  std::string git_commit;  // HEAD of the git work tree perfgate ran in
  std::string host;
  std::string cpu;  // CPU model name
  int cores = 0;    // online CPUs
  std::string os;   // kernel name and release
  int64_t end_unix_nanos = 0;
  // A part of a distributed run (`--execution-segment`): its name and segment; empty otherwise.
  std::string instance;
  std::string segment;  // e.g. "1/4:1/2"
  // The run's tags (`--tag k=v`, k6's test-wide tags; "testid" among them when given), by key.
  std::vector<std::pair<std::string, std::string>> tags;
};

// One threshold after evaluation. `observed` is in `unit` ("ms" for latency aggregations, ""
// for counts and rates), so it can be shown beside the expression.
struct ThresholdOutcome {
  std::string metric;      // e.g. "http_req_duration{name:login}"
  std::string expression;  // e.g. "p(95)<200"
  bool passed = true;
  double observed = 0;
  std::string unit;
  bool abort_on_fail = false;
  // No sample reached the threshold: `observed` means nothing. It passes unless strict
  // thresholds (--strict-thresholds, options.strictThresholds) made it fail.
  bool no_data = false;
  // A threshold with a `window` that was judged window by window: `observed` is of its worst
  // window, which ended `window_end_seconds` after the start. Empty `window` otherwise.
  std::string window;  // e.g. "30s"
  double window_end_seconds = 0;
  int windows_failed = 0;
  int windows_evaluated = 0;
  // Where the plan declares it, for annotations ("" and 0 when unknown, e.g. an older file).
  std::string file;
  int line = 0;
  int column = 0;
};

// One check of a plan, known as k6 knows it (group path + check name) plus the request step it
// belongs to, so a failed check says which endpoint failed.
struct CheckOutcome {
  std::string name;
  int64_t passes = 0;
  int64_t fails = 0;
  std::string group;  // k6's group path: "" at the top, "::outer::inner" inside groups
  std::string step;   // the request step's `name` ("" in results files written before 2026-12)

  // Where the check ran, for reports: "::auth › POST /login", "POST /login" or "".
  std::string where() const;
  // The check's name after where it ran: "::auth › POST /login › status in [200]".
  std::string label() const;
};

// A metric a plan adds to the built-in ones: each custom metric it declares (k6's Counter, Gauge,
// Rate and Trend, summarised from its samples) and group_duration (the time an iteration spent
// in a group), with k6's statistic names, so the console, the results file, the HTML report and
// compare/gate/history name them as k6 does ("orders count", "group_duration p(95)").
struct PlanMetric {
  std::string name;
  std::string type;  // "counter", "gauge", "rate" or "trend" (k6's metric types)
  std::string unit;  // "ms" for group_duration; "" for custom metrics (values as recorded)
  // In k6's order (count, rate, value, passes, fails, avg, min, med, max, p(N) ascending); a
  // statistic of no samples is absent.
  std::vector<std::pair<std::string, double>> stats;
};

// Puts `stats` in k6's order (as above); unknown statistics go last, by name.
void sort_stats(std::vector<std::pair<std::string, double>>& stats);

// Requests of one name (a plan step's `name`, or "METHOD URL" for a one-liner).
struct NamedStats {
  std::string name;
  int64_t requests = 0;
  int64_t failures = 0;
  HdrHistogram duration = HdrHistogram::for_latency_micros();  // http_req_duration of this name
  int64_t extract_failures = 0;  // extractions of this name's steps that found nothing
  // k6's `method` and `url` tags of the name (engine/request_labels.h: the first step's method and
  // URL, the URL template when it has templates, secrets hidden); "" when unknown (older files).
  std::string method;
  std::string url;
  // options.tracing: the W3C trace ids of the slowest sampled requests of this name with their
  // http_req_duration (microseconds), slowest first, at most 5 — the traces worth opening in
  // Jaeger/Tempo; empty without tracing.
  std::vector<std::pair<std::string, int64_t>> slowest_traces;
};

// A sub-metric the plan's thresholds declared ("http_req_duration{kind:page}"), summarised as
// k6's summary export lists it.
struct SubMetricOutcome {
  enum class Kind { kTrend, kRate, kCounter };
  std::string key;
  Kind kind = Kind::kCounter;
  int64_t count = 0;    // counters: the count; rates: the true samples
  int64_t total = 0;    // rates: all samples
  int64_t samples = 0;  // samples that matched (none: the sub-metric is not reported)
  HdrHistogram trend = HdrHistogram::for_latency_micros();  // trends only, microseconds
};

// What a plan run reports beyond the per-name, check and threshold tables: the parts of k6's
// summary export (--summary-json) that have no other place in the model. The results file
// carries it as "plan_run" (results/plan_run_json.h).
struct PlanRunOutcome {
  std::string name;  // the plan's name
  // Group paths ("::outer::inner") of the plan's request steps, in order of first appearance.
  std::vector<std::string> groups;
  std::vector<SubMetricOutcome> sub_metrics;
  HdrHistogram group_duration = HdrHistogram::for_latency_micros();  // microseconds
  std::vector<int64_t> iterations_started_per_second;
  bool aborted = false;  // an abortOnFail threshold stopped the run
  std::string abort_reason;
  double aborted_at_seconds = 0;
};

// One histogram of one interval, for the HdrHistogram interval log. `tag` is a trend name or
// "name:<request name>".
// The histogram stays encoded (HdrHistogram V2 compressed base64), as the log and the results
// file carry it, so thousands of intervals cost kilobytes, not 184 KiB each.
struct IntervalHistogram {
  double start_seconds = 0;  // since the run's start
  double length_seconds = 0;
  std::string tag;
  int64_t max_us = 0;
  std::string histogram;  // encode_compressed_base64 (stats/hdr_encoding.h)
};

struct ResultsDocument {
  RunResult run;
  RunEnvironment environment;
  std::vector<ThresholdOutcome> thresholds;
  std::vector<CheckOutcome> checks;
  std::vector<NamedStats> names;
  std::vector<PlanMetric> plan_metrics;  // by name; empty for a one-liner
  // A plan run's summary-export extras; absent for a one-liner and when read from a results
  // file written before "plan_run" existed.
  std::optional<PlanRunOutcome> plan_run;
  std::vector<IntervalHistogram> intervals;  // empty: the hdr log has one whole-run interval
  // `perfgate run --monitor`: the monitor's report (docs/monitoring.md), kept as the monitor
  // wrote it; null when nothing was monitored. The results module comes before monitor in the
  // dependency order, so it carries this section without interpreting it.
  nlohmann::json monitor;
  // `perfgate capacity`, `stress` and `scale` (docs/capacity.md): {"capacity": ...} and/or
  // {"stress": ...}, {"scalability": ...} as the search wrote them (each trial with its own
  // results document); null for an ordinary run. Carried, not interpreted, like `monitor`.
  nlohmann::json searches;
  // `perfgate merge`: one object per part (instance, segment, file, status, host, health,
  // monitor), kept as merge wrote them; null for a single run (docs/distributed.md).
  nlohmann::json parts;

  // True when every threshold passed (a run without thresholds passes).
  bool passed() const;
};

// Reads host name, CPU model, core count, kernel and the git commit of the current directory.
// Each item is best-effort: what cannot be read stays empty.
RunEnvironment collect_environment();

// A document for a live run: `run` plus the environment of this machine.
ResultsDocument make_document(RunResult run);

}  // namespace perfgate::results
