// Escaping text from plans, responses and results files for where it is shown: one function per
// destination, so every report escapes the same way — XML/HTML (JUnit, HTML reports), Markdown
// (PR comments from `gate --report md`, `compare --markdown`, `--out markdown=`) and terminals
// (console output, HdrHistogram log tags).
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

namespace perfgate {

// & < > " ' become entities; control characters XML 1.0 cannot carry become U+FFFD.
// The result is safe in XML and HTML text and in quoted attribute values.
std::string xml_escape(std::string_view text);

// Text for Markdown (GitHub-flavoured, also inside table cells): & < > become entities (no inline
// HTML, no <autolinks>); the Markdown punctuation \ ` * _ [ ] | ~ # is backslash-escaped, so no
// link or image ([..](..), ![..](..)), code span, emphasis or table cell can be injected; line
// breaks and tabs become spaces, other control characters U+FFFD. A bare http:// URL in a name
// stays visible text (GitHub may still underline it; it shows where it goes).
std::string markdown_escape(std::string_view text);

// Text safe to print on a terminal: C0 controls (ESC, CR, BEL, ...), DEL and the UTF-8 encoded C1
// controls (U+0080-U+009F, e.g. CSI) are written as visible \xNN, so a name cannot move the
// cursor, recolour or retitle the terminal, or hide itself. Tabs and other text are unchanged.
std::string terminal_safe(std::string_view text);

}  // namespace perfgate
