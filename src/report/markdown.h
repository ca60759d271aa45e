// Markdown summary (`--out markdown=FILE`): a compact report for a GitHub Actions step summary
// ($GITHUB_STEP_SUMMARY) or a pull-request comment — the verdict, the headline numbers, thresholds
// and checks with ✅/❌, per-name rows, errors, statuses and generator warnings.
//
// Everything taken from plans and servers goes through markdown_escape(): GitHub renders inline
// HTML and table pipes, so a check name like "a|b<script>" must not break the table or the page.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

#include "report/results_model.h"

namespace perfgate::report {

std::string format_markdown(const ResultsDocument& doc);

// Escapes Markdown punctuation and HTML; a line break becomes a space (table cells are one line).
std::string markdown_escape(std::string_view text);

}  // namespace perfgate::report
