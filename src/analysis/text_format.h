// Small text helpers shared by the compare and gate reports: numbers with units, and escaping for
// HTML/XML and Markdown table cells.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/escape.h"

namespace perfgate::analysis {

// "12.35 ms", "0.9", "1234567 bytes": 4 significant digits below 10^4, every integer digit from
// 10^4 (no exponent), the unit after a space when present.
std::string format_value(double value, std::string_view unit);

// HTML-escaped text: perfgate::xml_escape (core/escape.h) serves HTML too.
inline std::string html_escape(std::string_view text) { return xml_escape(text); }

// Text for a Markdown table cell or line: perfgate::markdown_escape (core/escape.h) — no inline
// HTML, no injected link, image or cell.
std::string markdown_cell(std::string_view text);

}  // namespace perfgate::analysis
