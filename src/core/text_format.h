// Numbers as every text output writes them — the report formatters (JUnit, Markdown) and the
// compare and gate reports alike — so that a value reads the same in every file. Two ways to
// write a number with a unit, for two kinds of number:
//   - format_observed: a threshold's observed value as the run measured it, in full ("250.5 ms",
//     "0.0123"; printf's %g, 6 significant digits);
//   - format_value: a metric in a comparison table, short enough to scan ("12.35 ms",
//     "1234567 bytes": 4 significant digits below 10^4, every integer digit from 10^4).
// Escaping for XML/HTML and Markdown is core/escape.h.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace perfgate {

// A latency given in microseconds, e.g. "850µs", "1.23ms", "2.5s" (format_duration, units.h).
std::string format_latency_us(double micros);

// 12345 -> "12,345".
std::string format_count(int64_t count);

// 0.0025 -> "0.25%".
std::string format_percent(double fraction);

// A threshold's observed value with its unit: "250.5 ms", "0.0123".
std::string format_observed(double value, std::string_view unit);

// "12.35 ms", "0.9", "1234567 bytes", "n/a" (NaN), "inf": see the header comment.
std::string format_value(double value, std::string_view unit);

}  // namespace perfgate
