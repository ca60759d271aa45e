// Comparison of two MetricTables (baseline and current): for each metric present in both, the
// change, a verdict and the reason for it.
//
// Method, per metric:
//   - distribution: both sides carry raw samples (benchmark repetitions, hyperfine runs, or
//     several runs per side) or an HdrHistogram (perfgate results). The effect is the ratio
//     current / baseline of a statistic — the metric's own stat for histograms (p(95), med, avg),
//     CompareOptions::stat for samples — with a seeded percentile-bootstrap confidence interval
//     (stats/bootstrap.h). A regression needs BOTH a two-sided Mann-Whitney U p < alpha AND the
//     interval's bound nearest to 1 beyond the noise threshold in the worse direction (for
//     lower-is-better: lower bound > 1 + noise). Improvements mirror that. Fewer samples per side
//     than the statistic needs (stats::min_samples_for_quantile) give kInsufficientData.
//   - single value: otherwise. The change is compared with the noise threshold alone, and the
//     reason says so — unless the metric says a single value of it has no noise estimate
//     (Metric::needs_samples, e.g. hyperfine's mean user/system times): kInsufficientData.
// On top of the statistics, a regression or improvement must move the statistic by more than the
// absolute noise floor of its unit (judged_metrics.h); smaller changes are kNoChange.
// Which metrics are judged: by default those of judged_metrics.h's default set (what a team
// gates on); CompareOptions::all or a metric filter widens it.
// Severity grades a regression by the size of its change (point estimate): minor >= 10%,
// major >= 25%, critical >= 50% by default; a regression smaller than "minor" has kNone.
//
// Thread-safety: plain data and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/judged_metrics.h"
#include "analysis/metric_table.h"
#include "core/result.h"
#include "stats/bootstrap.h"

namespace perfgate::analysis {

enum class Verdict { kRegression, kImprovement, kNoChange, kInsufficientData, kMissing };
enum class Severity { kNone, kMinor, kMajor, kCritical };
enum class Method { kDistribution, kSingleValue };

std::string_view to_string(Verdict verdict);
std::string_view to_string(Severity severity);
Result<Severity> parse_severity(std::string_view text);  // "none", "minor", "major", "critical"

struct CompareOptions {
  std::string stat = "med";  // for raw samples: med, avg, p90, p(95), ...
  double noise = 0.05;       // noise threshold, as a fraction
  double alpha = 0.05;       // significance level of the Mann-Whitney test
  double minor = 0.10, major = 0.25, critical = 0.50;
  stats::BootstrapOptions bootstrap;
  std::vector<std::string> metric_filters;  // substrings of keys to keep; empty keeps all
  // Judge every metric, not only the default set (judged_by_default): counts, min/max,
  // generator-side timings. A metric filter also judges whatever it names.
  bool all = false;
  NoiseFloors noise_floors;  // per-unit overrides of default_noise_floors()
};

struct MetricComparison {
  std::string key;
  std::string unit;
  Direction direction = Direction::kLowerIsBetter;
  Method method = Method::kSingleValue;
  std::string statistic;  // what was compared: "med", "p(95)", or the metric's stat
  double baseline = 0;    // the statistic of each side, in `unit`
  double current = 0;
  double change = 0;       // current / baseline - 1 (inf when the baseline is 0 and current is not)
  double noise_floor = 0;  // absolute, in `unit`: smaller changes are never a verdict
  std::optional<double> ci_lower, ci_upper;  // bounds of the ratio, distribution method only
  std::optional<double> p_value;
  int64_t baseline_count = 1, current_count = 1;  // samples per side
  Verdict verdict = Verdict::kNoChange;
  Severity severity = Severity::kNone;
  std::string reason;
};

struct Comparison {
  std::string baseline_source, current_source;
  CompareOptions options;
  std::vector<MetricComparison> metrics;
  int left_out = 0;  // metrics outside the default set, not judged (CompareOptions::all is false)

  // The most severe regression (kNone when there is none or only sub-minor ones).
  Severity worst_regression() const;
  int count(Verdict verdict) const;
};

Result<Comparison> compare(const MetricTable& baseline, const MetricTable& current,
                           const CompareOptions& options);

// Several runs of one side as one MetricTable: per key, samples are the runs' samples concatenated
// (or each run's value when a run has none) and histograms are merged. One run is returned as is.
MetricTable combine_runs(const std::vector<MetricTable>& runs);

}  // namespace perfgate::analysis
