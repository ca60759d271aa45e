// perfgate compare: baseline vs current results, with statistics when samples exist.
// Syntax (documented in docs/gates.md):
//   perfgate compare BASELINE CURRENT
//   perfgate compare BASE1 BASE2 ... -- CUR1 CUR2 ...        (several runs per side)
//   perfgate compare --baseline a1.json,a2.json --current b1.json,b2.json
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <set>

#include "analysis/compare.h"
#include "analysis/compare_report.h"
#include "analysis/history_source.h"
#include "analysis/judged_metrics.h"
#include "analysis/source_resolver.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "core/atomic_file.h"

namespace perfgate::cli {
namespace {

struct CompareArgs {
  std::vector<std::string> positional, before_separator, baseline_lists, current_lists, floors;
  std::string format = "auto", fail_on = "major", json_out, markdown_out, junit_out, history_db;
  double noise_percent = 5, minor = 10, major = 25, critical = 50;
  analysis::CompareOptions options;
};

std::vector<std::string> split_list(const std::vector<std::string>& lists) {
  std::vector<std::string> out;
  for (const auto& list : lists) {
    size_t start = 0;
    while (start <= list.size()) {
      const size_t comma = std::min(list.find(',', start), list.size());
      if (comma > start) out.push_back(list.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

void add_options(CLI::App& app, CompareArgs& a) {
  app.add_option("files", a.positional, "BASELINE CURRENT, or BASELINE... -- CURRENT...");
  app.add_option("--baseline", a.baseline_lists, "baseline result files, comma-separated");
  app.add_option("--current", a.current_lists, "current result files, comma-separated");
  app.add_option("--format", a.format,
                 "input format: auto, perfgate, k6, gbench, hyperfine, "
                 "lighthouse, bmf")
      ->capture_default_str();
  app.add_option("--stat", a.options.stat, "statistic compared for samples: med, avg, p95, ...")
      ->capture_default_str();
  app.add_option("--noise", a.noise_percent, "noise threshold, percent")->capture_default_str();
  app.add_option("--alpha", a.options.alpha, "significance level")->capture_default_str();
  app.add_option("--minor", a.minor, "minor severity from this change, percent")
      ->capture_default_str();
  app.add_option("--major", a.major, "major severity, percent")->capture_default_str();
  app.add_option("--critical", a.critical, "critical severity, percent")->capture_default_str();
  app.add_option("--fail-on", a.fail_on,
                 "exit 3 on a regression this severe or worse: none, "
                 "minor, major, critical")
      ->capture_default_str();
  app.add_option("--resamples", a.options.bootstrap.resamples, "bootstrap resamples")
      ->capture_default_str()
      ->check(CLI::Range(100, 10'000'000));
  app.add_option("--seed", a.options.bootstrap.seed, "bootstrap seed")->capture_default_str();
  app.add_option("--metric", a.options.metric_filters, "only metrics whose name contains this");
  app.add_flag("--all", a.options.all,
               "judge every metric, not only the default set (latency med/p95/p99, error rate, "
               "throughput, checks): min/max, counts, generator-side timings");
  app.add_option("--floor", a.floors,
                 "absolute noise floor UNIT=VALUE, replacing the default for that unit "
                 "(ms=1, s=0.001, ratio=0.001, /s=1; ms=0 turns it off)");
  app.add_option("--history-db", a.history_db,
                 "history database for history:SPEC sources (default .perfgate/history.db)");
  app.add_option("--json", a.json_out, "write JSON to FILE ('-': stdout)");
  app.add_option("--markdown", a.markdown_out, "write Markdown to FILE ('-': stdout)");
  app.add_option("--junit", a.junit_out, "write JUnit XML to FILE ('-': stdout)");
}

// Loads one side's runs; prints the error and returns nullopt on failure.
std::optional<std::vector<analysis::MetricTable>> load_side(const std::vector<std::string>& specs,
                                                            std::string_view format) {
  std::vector<analysis::MetricTable> runs;
  for (const auto& spec : specs) {
    auto set = analysis::load_source(spec, format);
    if (!set) {
      fmt::print(stderr, "error: {}\n", set.error().describe());
      return std::nullopt;
    }
    runs.push_back(std::move(*set));
  }
  return runs;
}

// The fingerprints of the current runs: the history never offers one of them as the baseline.
std::set<std::string, std::less<>> fingerprints(const std::vector<analysis::MetricTable>& runs) {
  std::set<std::string, std::less<>> out;
  for (const auto& run : runs) out.insert(analysis::fingerprint(run));
  return out;
}

// "Nothing to compare" is an error, not a pass: no metric was judged on both sides.
bool nothing_compared(const analysis::Comparison& c) {
  return c.metrics.size() == static_cast<size_t>(c.count(analysis::Verdict::kMissing));
}

int emit(const std::string& path, const std::string& content) {
  if (path.empty()) return kExitOk;
  if (path == "-") {
    fmt::print("{}", content);
    return kExitOk;
  }
  if (auto written = write_file_atomically(path, content); !written) {
    fmt::print(stderr, "error: {}\n", written.error().describe());
    return kExitRuntimeError;
  }
  return kExitOk;
}

int usage(const std::string& message) {
  fmt::print(stderr,
             "error: {}\nusage: perfgate compare BASELINE CURRENT  (see 'perfgate compare "
             "--help')\n",
             message);
  return kExitUsage;
}

}  // namespace

int compare_main(const std::vector<std::string>& args) {
  CLI::App app(
      "Compare a baseline with current results: change, verdict and why for each metric.\n\n"
      "Examples:\n  perfgate compare main.json pr.json\n"
      "  perfgate compare a1.json a2.json a3.json -- b1.json b2.json b3.json --stat p95\n"
      "  perfgate compare --baseline a1.json,a2.json --current b1.json,b2.json --markdown -",
      "perfgate compare");
  CompareArgs a;
  add_options(app, a);
  // "--" separates the sides; CLI11 would swallow it, so split before parsing.
  std::vector<std::string> options = args, after;
  if (auto sep = std::find(args.begin(), args.end(), "--"); sep != args.end()) {
    options.assign(args.begin(), sep);
    after.assign(sep + 1, args.end());
  }
  if (int rc = parse_arguments(app, options); rc >= 0) return rc;
  std::vector<std::string> baseline = split_list(a.baseline_lists);
  std::vector<std::string> current = split_list(a.current_lists);
  if (!after.empty()) {
    baseline.insert(baseline.end(), a.positional.begin(), a.positional.end());
    current.insert(current.end(), after.begin(), after.end());
  } else if (a.positional.size() == 2 && baseline.empty() && current.empty()) {
    baseline.push_back(a.positional[0]);
    current.push_back(a.positional[1]);
  } else if (!a.positional.empty()) {
    return usage("give BASELINE CURRENT, BASELINE... -- CURRENT..., or --baseline/--current");
  }
  if (baseline.empty() || current.empty()) return usage("need at least one file per side");
  auto fail_on = analysis::parse_severity(a.fail_on);
  if (!fail_on) return usage(fail_on.error().describe());
  a.options.noise = a.noise_percent / 100;
  a.options.minor = a.minor / 100;
  a.options.major = a.major / 100;
  a.options.critical = a.critical / 100;
  for (const auto& text : a.floors) {
    if (auto ok = analysis::parse_noise_floor(text, a.options.noise_floors); !ok) {
      return usage("--floor: " + ok.error().describe());
    }
  }
  auto cur_runs = load_side(current, a.format);
  if (!cur_runs) return kExitUsage;
  analysis::register_history_source(a.history_db, fingerprints(*cur_runs));
  auto base_runs = load_side(baseline, a.format);
  if (!base_runs) return kExitUsage;
  auto comparison = analysis::compare(analysis::combine_runs(*base_runs),
                                      analysis::combine_runs(*cur_runs), a.options);
  if (!comparison) return usage(comparison.error().describe());
  if (nothing_compared(*comparison)) {
    fmt::print(stderr,
               "error: nothing to compare: no metric{} is in both the baseline and the current "
               "results{}\n",
               a.options.metric_filters.empty() ? "" : " matching --metric",
               comparison->metrics.empty()
                   ? ""
                   : fmt::format(" ({} only on one side)", comparison->metrics.size()));
    return kExitUsage;
  }
  const bool to_stdout = a.json_out == "-" || a.markdown_out == "-" || a.junit_out == "-";
  if (!to_stdout) fmt::print("{}", analysis::compare_to_table(*comparison, *fail_on));
  int rc = std::max({emit(a.json_out, analysis::compare_to_json(*comparison, *fail_on)),
                     emit(a.markdown_out, analysis::compare_to_markdown(*comparison, *fail_on)),
                     emit(a.junit_out, analysis::compare_to_junit(*comparison, *fail_on))});
  if (rc != kExitOk) return rc;
  const bool failed = std::any_of(comparison->metrics.begin(), comparison->metrics.end(),
                                  [&](const auto& m) { return analysis::is_failure(m, *fail_on); });
  return failed ? kExitRegression : kExitOk;
}

}  // namespace perfgate::cli
