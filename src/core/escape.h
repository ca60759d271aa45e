// Escaping text from plans and responses for markup: one function serves XML (JUnit reports)
// and HTML (compliance and compare reports), so every report escapes the same way.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

namespace perfgate {

// & < > " ' become entities; control characters XML 1.0 cannot carry become U+FFFD.
// The result is safe in XML and HTML text and in quoted attribute values.
std::string xml_escape(std::string_view text);

}  // namespace perfgate
