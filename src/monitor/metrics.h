// The monitor's named metrics — the names thresholds, gates and history use. Each maps one field
// of a TargetPoint or HostPoint to a name and a unit; docs/monitoring.md lists them.
//
// sut_*        the system under test: the sum over all targets except "self", per sample
// generator_*  the "self" target (perfgate itself)
// host_*       the machine perfgate runs on
//
// Thread-safety: immutable tables.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "monitor/monitor_report.h"

namespace perfgate::monitor {

struct TargetMetric {
  std::string_view name;  // without the "sut_" / "generator_" prefix: "cpu_percent"
  std::string_view unit;  // "%", "bytes", "bytes/s", "1/s", "" (a count)
  std::optional<double> (*value)(const TargetPoint&);
};

struct HostMetric {
  std::string_view name;  // with its prefix: "host_cpu_percent"
  std::string_view unit;
  bool counter;  // true: a per-interval increase, summed (k6 counter: count and rate)
  std::optional<double> (*value)(const HostPoint&);
};

const std::vector<TargetMetric>& target_metrics();
const std::vector<HostMetric>& host_metrics();

}  // namespace perfgate::monitor
