// MetricTable: the format-neutral view of one result file — perfgate's own results, k6
// --summary-export, Google Benchmark JSON, hyperfine --export-json, Lighthouse JSON or the Bencher
// Metric Format (BMF) — as a flat table of named values. compare, gate and history read only this.
// Not to be confused with results::MetricSet (results/metric_set.h), what the engine records
// during a run (a histogram per built-in trend, counters, errors by class, responses by status):
// a perfgate results file becomes a MetricTable through the one results reader
// (importers/perfgate_results.cc reads the ResultsDocument of results/results_json.h).
//
// Naming. A metric is identified by `name` plus an optional `stat`:
//   - name: what was measured, as the tool names it ("http_req_duration", "BM_Sort/1024",
//     "sut_rss_bytes", "largest-contentful-paint", "hyperfine:sleep 0.1").
//   - stat: which statistic of it `value` holds, in k6 spelling: "avg", "min", "med", "max",
//     "p(90)", "p(99.9)", "count", "rate", "value", "score", ... Empty when the tool reports a
//     single value per name (Lighthouse audits, BMF measures get their measure as `stat`).
// key() joins them with a space ("http_req_duration p(95)"), which is also how gates name them.
// Any k6-style `metrics` object entry works with no code change, so monitoring metrics
// (sut_rss_bytes, sut_cpu_percent, sut_rss_slope_mb_per_hour) need nothing new.
//
// Distributions. When the source has them, a metric carries the raw `samples` (benchmark
// repetitions, hyperfine runs) or an HdrHistogram (perfgate results); statistics are then computed
// from the distribution rather than from the single `value`. For k6-style files the percentiles
// arrive as separate metrics without samples (one value each).
//
// Thread-safety: plain value types; load_metric_table() is reentrant.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "stats/hdr_histogram.h"

namespace perfgate::analysis {

enum class Direction {
  kLowerIsBetter,   // latency, time, memory, errors, CPU
  kHigherIsBetter,  // throughput, rates of work, scores
};

std::string_view to_string(Direction direction);

struct Metric {
  std::string name;  // see the header comment
  std::string stat;  // may be empty
  std::string unit;  // "ms", "ns", "us", "s", "bytes", "req/s", "ops/s", "score", "%", "" (count)
  Direction direction = Direction::kLowerIsBetter;
  double value = 0;             // the reported value, in `unit`
  std::vector<double> samples;  // raw samples in `unit` when known (repetitions, runs); else empty
  // A latency distribution when known (perfgate results), shared because histograms are large.
  // Histogram values times `histogram_scale` are in `unit` (µs recorded, ms reported: 0.001).
  std::shared_ptr<const HdrHistogram> histogram;
  double histogram_scale = 1.0;
  // A single value of this metric carries no noise estimate (a mean over runs whose per-run
  // values the file does not have): compare does not judge it without samples.
  bool needs_samples = false;

  // "name" or "name stat".
  std::string key() const { return stat.empty() ? name : name + " " + stat; }
  bool has_distribution() const {
    return !samples.empty() || (histogram && histogram->count() > 0);
  }
};

struct MetricTable {
  std::string source;  // the file it came from ("-" or a label for in-memory text)
  std::string format;  // "perfgate", "k6", "gbench", "hyperfine", "lighthouse", "bmf"
  std::vector<Metric> metrics;
  // Facts about the run that are not metrics (tool version, start time, command, host, commit),
  // as found in the file. Informational; may be empty.
  std::map<std::string, std::string> context;

  // The metric whose key() equals `key`, or nullptr.
  const Metric* find(std::string_view key) const;
};

// A hash of a set's content (format, context, every metric's key, value and samples) as 16 hex
// digits: the same file read twice gives the same fingerprint. The history records it with each
// run, so that a run is never chosen as the baseline of itself.
std::string fingerprint(const MetricTable& set);

// The format names accepted by --format (besides "auto").
const std::vector<std::string_view>& known_formats();

// Reads and parses one result file. `format` is one of known_formats() or "auto" (detected from
// the content, see detect_format). Errors name the file: unreadable, malformed JSON (with line and
// column), unknown format, or a document that does not have the format's shape.
Result<MetricTable> load_metric_table(const std::string& path, std::string_view format = "auto");

// The same from text already in memory; `source` names it in errors and in MetricTable::source.
Result<MetricTable> parse_metric_table(std::string_view text, std::string_view format,
                                       const std::string& source);

// A direction guessed from a metric's name, stat and unit when the format does not say: rates
// ("/s", "rate", "rps", "throughput", "ops"), "score" and "passes" are higher-is-better;
// everything else (durations, bytes, percent CPU, counts of failures) is lower-is-better.
Direction infer_direction(std::string_view name, std::string_view stat, std::string_view unit);

}  // namespace perfgate::analysis
