#include "report/text_format.h"

#include <fmt/format.h>

#include <cmath>

#include "core/units.h"

namespace perfgate::report {

std::string format_latency_us(double micros) {
  return format_duration(static_cast<Nanos>(std::llround(micros * 1000.0)));
}

std::string format_count(int64_t count) {
  std::string digits = std::to_string(count < 0 ? -count : count);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return count < 0 ? "-" + out : out;
}

std::string format_percent(double fraction) { return fmt::format("{:.2f}%", fraction * 100.0); }

std::string format_observed(double value, std::string_view unit) {
  return unit.empty() ? fmt::format("{:g}", value) : fmt::format("{:g} {}", value, unit);
}

}  // namespace perfgate::report
