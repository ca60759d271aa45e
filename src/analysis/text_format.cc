#include "analysis/text_format.h"

#include <fmt/format.h>

#include <cmath>

namespace perfgate::analysis {

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

std::string markdown_cell(std::string_view text) { return markdown_escape(text); }

}  // namespace perfgate::analysis
