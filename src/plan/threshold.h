// Thresholds: k6's pass/fail criteria ("p(95)<200" on http_req_duration), parsed and validated
// at load time, and a pure evaluator over a small MetricValues interface so the engine can
// evaluate them live (abortOnFail) and once more at the end of the run.
//
// Grammar (k6): a metric key `name` or `name{tag:value,tag2:value2}`, and expressions
// `<aggregation> <op> <number>` with aggregations count, rate, avg, min, max, med, value, p(N)
// and operators <, <=, >, >=, ==, ===, !=. Trend values are milliseconds, as in k6; a duration
// unit is accepted too ("p(95)<200ms", "avg<1.5s") and converted to milliseconds. Beyond k6, a
// threshold may carry a sliding `window` (e.g. 30s): it is then evaluated over the last window
// of samples instead of the whole run.
//
// Thread-safety: parsed thresholds are immutable values; evaluate() is a pure function.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/compare_op.h"
#include "core/result.h"
#include "plan/diagnostics.h"

namespace perfgate::plan {

enum class MetricType { kCounter, kGauge, kRate, kTrend, kAny };
enum class Aggregation { kCount, kRate, kAvg, kMin, kMax, kMed, kValue, kPercentile };

std::string_view metric_type_name(MetricType type);
std::string_view aggregation_name(Aggregation aggregation);

// A metric, optionally narrowed to the samples carrying all the given tags (a k6 sub-metric).
struct MetricSelector {
  std::string name;
  std::vector<std::pair<std::string, std::string>> tags;  // in the order written

  std::string key() const;  // "name" or "name{tag:value,...}", the canonical spelling
};

struct ThresholdExpression {
  Aggregation aggregation = Aggregation::kAvg;
  double percentile = 0;                    // for kPercentile, in [0, 100]
  CompareOp comparison = CompareOp::kLess;  // === reads as ==
  double bound = 0;
  std::string source;  // as written, for reports

  bool holds(double observed) const;
};

struct Threshold {
  MetricSelector metric;
  ThresholdExpression expression;
  bool abort_on_fail = false;
  Nanos delay_abort_eval = 0;  // abortOnFail is ignored until this much of the run has passed
  Nanos window = 0;            // 0: the whole run; otherwise a sliding window
  SourcePos pos;
};

// "http_req_duration{name:login,method:POST}" → selector. Names are free-form identifiers
// (letters, digits, _ . -), so monitoring metrics like sut_cpu_percent parse as well.
Result<MetricSelector> parse_metric_selector(std::string_view key);

// "p(99.9) <= 250" → expression.
Result<ThresholdExpression> parse_threshold_expression(std::string_view text);

// The type of a built-in k6/perfgate metric, or nullopt for names we do not know.
std::optional<MetricType> builtin_metric_type(std::string_view name);
// All built-in metric names, for "did you mean" hints.
const std::vector<std::string_view>& builtin_metric_names();

// Whether `aggregation` is meaningful for `type` (k6: counter count/rate, gauge value/min/max,
// rate rate, trend avg/min/max/med/p(N)/count; kAny accepts everything).
bool aggregation_applies(MetricType type, Aggregation aggregation);

// What the evaluator needs from whoever keeps the samples.
class MetricValues {
 public:
  virtual ~MetricValues() = default;
  // The aggregate over the samples of `metric` (tags already filtered) in the last `window`
  // (0: the whole run so far); nullopt when there are no samples.
  virtual std::optional<double> aggregate(const MetricSelector& metric, Aggregation aggregation,
                                          double percentile, Nanos window) const = 0;
};

enum class ThresholdStatus { kPass, kFail, kNoData };

struct ThresholdOutcome {
  ThresholdStatus status = ThresholdStatus::kNoData;
  double observed = 0;
  // True when the run should stop now: failed, abortOnFail set, and past delayAbortEval.
  bool abort = false;
};

// `elapsed` is the run time so far (for delayAbortEval). No data is not a failure, as in k6.
ThresholdOutcome evaluate(const Threshold& threshold, const MetricValues& values, Nanos elapsed);

}  // namespace perfgate::plan
