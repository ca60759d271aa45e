// Renderings of a GateReport (a compliance report): console text, Markdown, HTML (every piece of
// text HTML-escaped, self-contained, no scripts) and JSON. Each lists every gate with its level,
// condition, evidence (value, threshold, source file, baseline used), status and the overall
// verdict.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "analysis/gate.h"

namespace perfgate::analysis {

std::string gate_report_text(const GateReport& report);
std::string gate_report_markdown(const GateReport& report);
std::string gate_report_html(const GateReport& report);
std::string gate_report_json(const GateReport& report);

// By the path's extension: .md, .html/.htm, .json; an error for anything else.
Result<std::string> render_gate_report(const GateReport& report, std::string_view path);

}  // namespace perfgate::analysis
