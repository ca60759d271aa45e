// Service-level objectives for capacity and stress searches: "p(95)<200ms",
// "http_req_failed<1%", "avg<=50ms", "error_rate<0.5%", judged on a trial's steady part.
//
// Grammar: [metric] <aggregation-or-nothing> <op> <number>[unit]. Without a metric, trend
// aggregations (avg, min, med, max, p(N)) read http_req_duration. http_req_failed (alias
// error_rate) compares the failed fraction; a trailing % divides by 100. Durations take ms, s,
// us (default ms). Operators: <, <=, >, >=.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <string>
#include <string_view>

#include "analysis/capacity/trial.h"
#include "core/compare_op.h"
#include "core/result.h"

namespace perfgate::analysis::capacity {

struct Slo {
  enum class Quantity { kLatencyMs, kErrorRate } quantity = Quantity::kLatencyMs;
  double percentile = 95;           // kLatencyMs: 0..100; -1 for avg
  CompareOp op = CompareOp::kLess;  // <, <=, > or >=
  double bound = 0;                 // ms or a fraction
  std::string text;                 // as written

  double observed(const TrialStats& trial) const;
  bool holds(double value) const;
  bool holds(const TrialStats& trial) const { return holds(observed(trial)); }
  // Whether `value` is within ±20 % of the bound (or, for error rates, within an absolute half
  // of it): one trial there does not decide, the search repeats it.
  bool marginal(double value) const;
};

Result<Slo> parse_slo(std::string_view text);

}  // namespace perfgate::analysis::capacity
