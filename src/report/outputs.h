// Result files a run writes at its end (`perfgate run ... --out TYPE=FILE`, repeatable) and that
// `perfgate report results.json -o FILE` writes: json, html, junit, markdown (or md), csv, hdr.
//
// parse_output_specs() checks every path is writable up front, so that a run refuses a bad
// output path before it sends any traffic. write_outputs() writes each file atomically
// (core/atomic_file.h): a reader sees the old file or the new one, never half of one.
//
// Thread-safety: pure functions apart from the file writes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "report/results_model.h"
#include "results/run_result.h"

namespace perfgate::report {

enum class OutputType { kJson, kHtml, kJunit, kMarkdown, kCsv, kHdr };

struct OutputSpec {
  OutputType type;
  std::string path;
};

// "json" -> kJson, ...; "md" is an alias of "markdown". nullopt for anything else.
std::optional<OutputType> output_type_from_name(std::string_view name);
std::string_view output_type_name(OutputType type);

// By extension: .json, .html/.htm, .xml (JUnit), .md/.markdown, .csv, .hlog/.hdr.
std::optional<OutputType> output_type_from_path(std::string_view path);

// Parses "TYPE=FILE" values and checks each FILE is writable. Errors name the bad value.
Result<std::vector<OutputSpec>> parse_output_specs(const std::vector<std::string>& values);

// The file content of one output.
std::string format_output(const ResultsDocument& doc, OutputType type);

// Writes every output; on failures, the others are still written and the Error lists them all.
Result<void> write_outputs(const ResultsDocument& doc, const std::vector<OutputSpec>& specs);

// For a live run: make_document(run) (this machine's environment) then write_outputs().
Result<void> write_outputs(const results::RunResult& run, const std::vector<OutputSpec>& specs);

}  // namespace perfgate::report
