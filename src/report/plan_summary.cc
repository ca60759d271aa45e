#include "report/plan_summary.h"

#include <fmt/format.h>

#include <algorithm>

namespace perfgate::report {
namespace {

using results::ResultsDocument;

std::string ms_text(int64_t micros) {
  if (micros >= 1'000'000) return fmt::format("{:.2f}s", static_cast<double>(micros) / 1e6);
  return fmt::format("{:.2f}ms", static_cast<double>(micros) / 1e3);
}

double percent(int64_t part, int64_t total) {
  return total == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(total);
}

std::string names_table(const ResultsDocument& doc) {
  if (doc.names.size() <= 1) return "";
  std::string out = fmt::format("\n  {:<28} {:>9} {:>10} {:>10} {:>10} {:>10} {:>8}\n", "name",
                                "count", "rate", "p50", "p95", "p99", "errors");
  const double seconds = std::max(doc.run.elapsed_seconds(), 1e-9);
  for (const results::NamedStats& n : doc.names) {
    out += fmt::format(
        "  {:<28} {:>9} {:>8.1f}/s {:>10} {:>10} {:>10} {:>7.2f}%\n", n.name, n.requests,
        static_cast<double>(n.requests) / seconds, ms_text(n.duration.value_at_percentile(50)),
        ms_text(n.duration.value_at_percentile(95)), ms_text(n.duration.value_at_percentile(99)),
        percent(n.failures, n.requests));
  }
  return out;
}

std::string checks_section(const ResultsDocument& doc) {
  if (doc.checks.empty()) return "";
  int64_t passes = 0, fails = 0;
  std::string lines;
  for (const results::CheckOutcome& c : doc.checks) {
    passes += c.passes;
    fails += c.fails;
    lines += fmt::format("    {} {:<32} {:<28} ✓ {} ✗ {}\n", c.fails == 0 ? "✓" : "✗", c.name,
                         c.where(), c.passes, c.fails);
  }
  return fmt::format("\n  checks: {:.2f}% ✓ {} ✗ {}\n{}", percent(passes, passes + fails), passes,
                     fails, lines);
}

// Extractions that found nothing leave empty variables behind, which later steps then send: say
// so, by request name, rather than let it pass as a mystery of the server's.
std::string extractions_section(const ResultsDocument& doc) {
  int64_t total = 0;
  std::string by_name;
  for (const results::NamedStats& n : doc.names) {
    if (n.extract_failures == 0) continue;
    total += n.extract_failures;
    by_name += fmt::format("{}{} {}", by_name.empty() ? "" : ", ", n.name, n.extract_failures);
  }
  if (total == 0) return "";
  return fmt::format(
      "\n  ⚠ extractions that found nothing: {} ({}); later steps used empty values\n", total,
      by_name);
}

// " (worst 30s window, ending at 42s; 3 of 40 failed)" for windowed thresholds.
std::string window_note(const results::ThresholdOutcome& t) {
  if (t.window.empty()) return "";
  return fmt::format(" (worst {} window, ending at {:.0f}s; {} of {} failed)", t.window,
                     t.window_end_seconds, t.windows_failed, t.windows_evaluated);
}

// A threshold no sample reached is neither a pass nor (unless strict) a failure: "–  no data".
std::string thresholds_section(const ResultsDocument& doc) {
  if (doc.thresholds.empty()) return "";
  std::string out = "\n  thresholds:\n";
  for (const results::ThresholdOutcome& t : doc.thresholds) {
    const char* mark = !t.passed ? "✗" : t.no_data ? "–" : "✓";
    const std::string observed = t.no_data
                                     ? (t.passed ? "no data" : "no data (fails: strict thresholds)")
                                     : fmt::format("observed {:.4g}", t.observed);
    out += fmt::format("    {} {:<36} {:<16} {}{}\n", mark, t.metric, t.expression, observed,
                       window_note(t));
  }
  return out;
}

}  // namespace

std::string format_plan_outcomes(const ResultsDocument& doc) {
  return names_table(doc) + checks_section(doc) + extractions_section(doc) +
         thresholds_section(doc);
}

}  // namespace perfgate::report
