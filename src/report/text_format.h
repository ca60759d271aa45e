// Small number formatters shared by the text reports (JUnit, Markdown), so that a value reads the
// same in every file: latencies as "1.23ms", counts as "12,345", fractions as "0.25%".
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace perfgate::report {

// A latency given in microseconds, e.g. "850µs", "1.23ms", "2.5s" (core's format_duration).
std::string format_latency_us(double micros);

// 12345 -> "12,345".
std::string format_count(int64_t count);

// 0.0025 -> "0.25%".
std::string format_percent(double fraction);

// A threshold's observed value with its unit: "250.5 ms", "0.0123".
std::string format_observed(double value, std::string_view unit);

}  // namespace perfgate::report
