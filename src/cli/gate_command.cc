// perfgate gate gates.yaml RESULT...: evaluate performance gates and write a compliance report.
// Exit codes: 0 when no blocking gate fails, 4 (kExitGateFailed) when one does, 2 for a bad gates
// file or unreadable results, 1 when a report cannot be written.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <set>

#include "analysis/gate.h"
#include "analysis/gate_report.h"
#include "analysis/history_source.h"
#include "analysis/source_resolver.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/github_actions.h"
#include "core/atomic_file.h"

namespace perfgate::cli {

int gate_main(const std::vector<std::string>& args) {
  CLI::App app(
      "Evaluate performance gates (gates.yaml) against result files; exit 4 when a blocking gate "
      "fails.\n\nExamples:\n  perfgate gate gates.yaml results.json\n"
      "  perfgate gate gates.yaml results.json lighthouse.json --report gate.html\n"
      "  perfgate gate gates.yaml pr.json --baseline main.json --report gate.md",
      "perfgate gate");
  std::string gates_path, format = "auto", baseline, history_db;
  std::vector<std::string> results, reports;
  bool quiet = false;
  app.add_option("gates", gates_path, "the gates file (YAML)")->required();
  app.add_option("results", results, "result files")->required();
  app.add_option("--format", format, "format of the result files (default: detected)")
      ->capture_default_str();
  app.add_option("--baseline", baseline,
                 "baseline for regression gates (overrides the gates file's)");
  app.add_option("--report", reports, "write the report to FILE (.md, .html or .json)");
  app.add_option("--history-db", history_db,
                 "history database for history:SPEC sources (default .perfgate/history.db)");
  app.add_flag("-q,--quiet", quiet, "print only the verdict line");
  if (int rc = parse_arguments(app, args); rc >= 0) return rc;

  analysis::register_history_source(history_db);
  auto file = analysis::load_gates_file(gates_path);
  if (!file) {
    fmt::print(stderr, "error: {}\n", file.error().describe());
    return kExitUsage;
  }
  std::vector<analysis::MetricTable> sets;
  for (const auto& spec : results) {
    auto set = analysis::load_source(spec, format);
    if (!set) {
      fmt::print(stderr, "error: {}\n", set.error().describe());
      return kExitUsage;
    }
    sets.push_back(std::move(*set));
  }
  // Baselines from the history are never the results being gated themselves.
  std::set<std::string, std::less<>> current;
  for (const auto& set : sets) current.insert(analysis::fingerprint(set));
  analysis::register_history_source(history_db, std::move(current));
  const auto report = analysis::evaluate_gates(
      *file, sets, [&](const std::string& spec) { return analysis::load_source(spec, format); },
      baseline);
  const std::string text = analysis::gate_report_text(report);
  fmt::print("{}", quiet ? text.substr(text.rfind('\n', text.size() - 2) + 1) : text);
  std::fflush(stdout);
  annotate_failed_gates(report);
  for (const auto& path : reports) {
    auto rendered = analysis::render_gate_report(report, path);
    if (!rendered) {
      fmt::print(stderr, "error: {}\n", rendered.error().describe());
      return kExitUsage;
    }
    if (auto written = write_file_atomically(path, *rendered); !written) {
      fmt::print(stderr, "error: {}\n", written.error().describe());
      return kExitRuntimeError;
    }
  }
  return report.passed() ? kExitOk : kExitGateFailed;
}

}  // namespace perfgate::cli
