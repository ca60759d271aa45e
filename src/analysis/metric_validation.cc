#include "analysis/metric_validation.h"

#include <fmt/format.h>

#include <cmath>

namespace perfgate::analysis {
namespace {

// Counts, durations and sizes: a negative one is impossible.
bool never_negative(const Metric& m) {
  static const char* const kCountStats[] = {"count", "passes", "fails"};
  for (const char* s : kCountStats) {
    if (m.stat == s) return true;
  }
  static const char* const kUnits[] = {"ms", "us", "µs", "ns", "s", "bytes"};
  for (const char* u : kUnits) {
    if (m.unit == u) return true;
  }
  return false;
}

Result<void> check_value(const Metric& m, double value, std::string_view what) {
  if (std::isinf(value)) {  // NaN stays: importers use it for "not reported" (shown as n/a)
    return make_error(fmt::format("metric '{}' has an infinite {}", m.key(), what),
                      "the file was edited or corrupted");
  }
  if (value < 0 && never_negative(m)) {
    return make_error(fmt::format("metric '{}' has a negative {} ({})", m.key(), what, value),
                      "counts, times and sizes cannot be negative; the file was edited or "
                      "corrupted");
  }
  return {};
}

}  // namespace

Result<void> validate_metric_set(const MetricTable& set) {
  for (const Metric& m : set.metrics) {
    if (auto ok = check_value(m, m.value, "value"); !ok) return ok;
    for (double sample : m.samples) {
      if (auto ok = check_value(m, sample, "sample"); !ok) return ok;
    }
  }
  return {};
}

}  // namespace perfgate::analysis
