// The JSON form of a MonitorReport (schema in docs/monitoring.md): series per target and for the
// host, events, leak analysis, sampler cost, findings, and a k6-style `metrics` object
// ({"sut_cpu_percent": {"avg":..,"min":..,"med":..,"max":..,"p(95)":..}, ...}) that summaries,
// thresholds and gates can embed as they embed k6 metrics.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/result.h"
#include "monitor/monitor_report.h"

namespace perfgate::monitor {

nlohmann::json to_json(const MonitorReport& report);

// Only the k6-style metrics object (also inside to_json's output under "metrics").
nlohmann::json metrics_json(const MonitorReport& report);

// Writes to_json(report) to `path` atomically (core/atomic_file.h), indented.
Result<void> write_json(const MonitorReport& report, const std::string& path);

}  // namespace perfgate::monitor
