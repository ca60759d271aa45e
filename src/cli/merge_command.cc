// `perfgate merge part-*.json -o all.json`: one results file from the parts of a distributed run
// (see results_merge.h and docs/distributed.md). Exit codes: 99 when a threshold fails on the
// merged data (as for a run), 1 when a part is missing, failed or a segment is not covered (the
// merged file is still written), 2 for usage errors.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/results_merge.h"
#include "core/atomic_file.h"
#include "report/console_summary.h"
#include "report/outputs.h"
#include "report/results_json.h"

namespace perfgate::cli {
namespace {

constexpr const char* kMergeHelp =
    "Merge the results files of a distributed run's parts (--execution-segment) into one: "
    "histograms added exactly, counters summed, series aligned on wall-clock seconds, "
    "thresholds evaluated again on the merged data.\n\n"
    "Examples:\n"
    "  perfgate merge part-*.json -o all.json\n"
    "  perfgate merge results/*.json --expect 10 -o all.json -o report.html\n\n"
    "Exit codes: 0 merged and thresholds passed, 99 a threshold failed on the merged data, 1 a\n"
    "part is missing, was interrupted, or a segment is not covered (the file is still written),\n"
    "2 bad input.";

constexpr size_t kMaxParts = 10000;

void print_parts(const report::ResultsDocument& merged) {
  fmt::print("\n  parts\n");
  for (const auto& p : merged.parts) {
    fmt::print("    {:<12} {:<28} {:<10} {:>10} reqs  {}\n", p.value("status", ""),
               p.value("instance", ""), p.value("segment", ""), p.value("http_reqs", int64_t{0}),
               p.value("file", ""));
  }
  fmt::print("\n  thresholds (on the merged data)\n");
  for (const auto& t : merged.thresholds) {
    fmt::print("    {} {} {}: observed {:.4g}{}\n", t.passed ? "✓" : "✗", t.metric, t.expression,
               t.observed, t.unit.empty() ? "" : " " + t.unit);
  }
}

}  // namespace

int merge_main(const std::vector<std::string>& args) {
  CLI::App app(kMergeHelp, "perfgate merge");
  std::vector<std::string> inputs, outputs;
  size_t expect = 0;
  app.add_option("parts", inputs, "results files of the parts (--out json=FILE)")->required();
  app.add_option("-o,--output", outputs, "file to write, format by extension (repeatable)")
      ->required()
      ->allow_extra_args(false);  // `-o all.json part-*.json`: the parts stay inputs
  app.add_option("--expect", expect, "the number of parts the run had (missing ones reported)");
  if (int rc = parse_arguments(app, args); rc >= 0) return rc;
  if (inputs.size() > kMaxParts) {
    fmt::print(stderr, "error: more than {} parts\n", kMaxParts);
    return kExitUsage;
  }
  std::vector<report::OutputSpec> specs;
  for (const std::string& path : outputs) {
    auto type = report::output_type_from_path(path);
    if (!type) {
      fmt::print(stderr, "error: cannot tell the format of '{}' from its extension\n", path);
      return kExitUsage;
    }
    if (auto ok = check_writable(path); !ok) {
      fmt::print(stderr, "error: {}\n", ok.error().describe());
      return kExitUsage;
    }
    if (std::find(inputs.begin(), inputs.end(), path) != inputs.end()) {
      fmt::print(stderr, "error: {} is both a part and an output\n", path);
      return kExitUsage;
    }
    specs.push_back({*type, path});
  }
  std::vector<MergeInput> parts;
  for (const std::string& file : inputs) parts.push_back({file, report::read_results_file(file)});
  if (std::none_of(parts.begin(), parts.end(), [](const MergeInput& p) { return p.doc; })) {
    for (const MergeInput& p : parts) fmt::print(stderr, "error: {}\n", p.doc.error().describe());
    return kExitRuntimeError;
  }
  std::string command = "perfgate merge";
  for (const auto& a : args) command += " " + a;
  MergeOutcome out = merge_results(parts, command);
  if (expect > inputs.size()) {
    out.problems.push_back(
        fmt::format("{} of {} parts are missing", expect - inputs.size(), expect));
    out.merged.run.health.warnings.push_back(out.problems.back());
  }
  fmt::print("{}{}", report::format_console_summary(out.merged.run),
             report::format_plan_metrics(out.merged.plan_metrics));
  print_parts(out.merged);
  for (const std::string& n : out.notes) fmt::print(stderr, "note: {}\n", n);
  for (const std::string& p : out.problems) fmt::print(stderr, "error: {}\n", p);
  if (auto ok = report::write_outputs(out.merged, specs); !ok) {
    fmt::print(stderr, "error: {}\n", ok.error().describe());
    return kExitRuntimeError;
  }
  for (const auto& spec : specs) fmt::print("wrote {}\n", spec.path);
  if (!out.merged.passed()) return kExitThresholdsFailed;
  return out.problems.empty() ? kExitOk : kExitRuntimeError;
}

}  // namespace perfgate::cli
