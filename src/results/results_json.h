// The results file (`--out json=FILE`): a whole run in one versioned JSON document, specified in
// docs/results-format.md. Trends carry their HdrHistogram (V2, compressed, base64) so that
// compare and gates can do real statistics, and reading a file back gives the same
// ResultsDocument a live run produced (round trip: write(read(write(d))) == write(d)).
//
// Versioning: "version" is an integer bumped on any change a reader of the previous version
// would misread. Readers accept every version up to kResultsFormatVersion and refuse newer ones
// with a message that names both versions.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/result.h"
#include "results/results_document.h"

namespace perfgate::results {

inline constexpr std::string_view kResultsFormatName = "perfgate-results";
inline constexpr int kResultsFormatVersion = 1;

// The document as JSON (the "results" object that the HTML report embeds as well).
nlohmann::json results_to_json(const ResultsDocument& doc);

// Compact (indent < 0) or pretty JSON text; invalid UTF-8 from servers is replaced, never fatal.
std::string format_results_json(const ResultsDocument& doc, int indent = 2);

Result<ResultsDocument> results_from_json(const nlohmann::json& json);
Result<ResultsDocument> parse_results_json(std::string_view text);
Result<ResultsDocument> read_results_file(const std::string& path);

}  // namespace perfgate::results
