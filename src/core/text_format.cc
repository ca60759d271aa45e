#include "core/text_format.h"

#include <fmt/format.h>

#include <cmath>

#include "core/units.h"

namespace perfgate {

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

std::string format_value(double value, std::string_view unit) {
  std::string number;
  if (std::isnan(value)) {
    number = "n/a";
  } else if (std::isinf(value)) {
    number = value > 0 ? "inf" : "-inf";
  } else if (std::fabs(value) >= 1e4 && std::fabs(value) < 1e15) {
    number = fmt::format("{:.0f}", value);  // 123456, not 1.235e+05
  } else {
    number = fmt::format("{:.4g}", value);
  }
  return unit.empty() ? number : fmt::format("{} {}", number, unit);
}

}  // namespace perfgate
