// `perfgate report results.json -o report.html [-o junit.xml ...]`: redraws a results file in
// any report format, picked by each output's extension — the same formatters a live run uses.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "core/atomic_file.h"
#include "report/outputs.h"
#include "report/results_json.h"

namespace perfgate::cli {
namespace {

constexpr const char* kReportHelp =
    "Write reports from a results file (`perfgate run ... --out json=FILE`).\n"
    "The format follows each output's extension: .html, .md, .xml (JUnit), .csv, .hlog "
    "(HdrHistogram log), .json.\n\n"
    "Examples:\n"
    "  perfgate report results.json -o report.html\n"
    "  perfgate report results.json -o summary.md -o junit.xml";

}  // namespace

int report_main(const std::vector<std::string>& args) {
  CLI::App app(kReportHelp, "perfgate report");
  std::string input;
  std::vector<std::string> outputs;
  app.add_option("results", input, "results file written by `perfgate run --out json=FILE`")
      ->required();
  app.add_option("-o,--output", outputs, "report file to write (repeatable)")
      ->required()
      ->allow_extra_args(false);  // one file per -o, so `-o out.html results.json` works
  if (int rc = parse_arguments(app, args); rc >= 0) return rc;

  std::vector<report::OutputSpec> specs;
  for (const std::string& path : outputs) {
    auto type = report::output_type_from_path(path);
    if (!type) {
      fmt::print(
          stderr,
          "error: cannot tell the format of '{}' from its extension\nusage: perfgate report "
          "RESULTS.json -o FILE.(html|md|xml|csv|hlog|json)  (see 'perfgate report --help')\n",
          path);
      return kExitUsage;
    }
    if (auto ok = check_writable(path); !ok) {
      fmt::print(stderr, "error: {}\n", ok.error().describe());
      return kExitUsage;
    }
    specs.push_back({*type, path});
  }
  auto doc = report::read_results_file(input);
  if (!doc) {  // unreadable or malformed input: a usage error (README, exit codes)
    fmt::print(stderr, "error: {}\n", doc.error().describe());
    return kExitUsage;
  }
  if (auto ok = report::write_outputs(*doc, specs); !ok) {
    fmt::print(stderr, "error: {}\n", ok.error().describe());
    return kExitRuntimeError;
  }
  for (const auto& spec : specs) {
    fmt::print("wrote {} ({})\n", spec.path, report::output_type_name(spec.type));
  }
  return kExitOk;
}

}  // namespace perfgate::cli
