// MetricTable validation: what compare, gate and history judge must be possible values. No value or
// sample is infinite (NaN stays: importers use it for "not reported", shown as n/a); counts (stat
// count, passes, fails) and amounts of time or bytes are not negative. Run on every imported
// file, whatever its format.
//
// Thread-safety: a pure function.
#pragma once

#include "analysis/metric_table.h"
#include "core/result.h"

namespace perfgate::analysis {

// The first impossible value, naming the metric ("http_reqs count is -5: ...").
Result<void> validate_metric_set(const MetricTable& set);

}  // namespace perfgate::analysis
