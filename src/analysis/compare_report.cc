#include "analysis/compare_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "analysis/text_format.h"

namespace perfgate::analysis {
namespace {

std::string change_text(const MetricComparison& m) {
  if (m.verdict == Verdict::kMissing) return "-";
  if (std::isinf(m.change)) return m.change > 0 ? "+inf%" : "-inf%";
  return fmt::format("{:+.1f}%", m.change * 100);
}

std::string verdict_text(const MetricComparison& m, Severity fail_on) {
  std::string text(to_string(m.verdict));
  if (m.verdict == Verdict::kRegression && m.severity != Severity::kNone) {
    text += fmt::format(" ({})", to_string(m.severity));
  }
  if (is_failure(m, fail_on)) text += " FAIL";
  return text;
}

std::string side_value(const MetricComparison& m, bool baseline) {
  const bool absent =
      m.verdict == Verdict::kMissing && (baseline ? m.reason.find("current") != std::string::npos
                                                  : m.reason.find("baseline") != std::string::npos);
  return absent ? "-" : format_value(baseline ? m.baseline : m.current, m.unit);
}

std::string summary_line(const Comparison& c, Severity fail_on) {
  int failures = 0;
  for (const auto& m : c.metrics) failures += is_failure(m, fail_on);
  const std::string left_out =
      c.counts_left_out == 0
          ? ""
          : fmt::format(
                "; {} counts that grow with the run's length not judged (--all judges them)",
                c.counts_left_out);
  return fmt::format(
      "{} metrics: {} regressions ({} at or above {}), {} improvements, {} unchanged, {} with "
      "insufficient data, {} missing on one side{}",
      c.metrics.size(), c.count(Verdict::kRegression), failures, to_string(fail_on),
      c.count(Verdict::kImprovement), c.count(Verdict::kNoChange),
      c.count(Verdict::kInsufficientData), c.count(Verdict::kMissing), left_out);
}

}  // namespace

bool is_failure(const MetricComparison& metric, Severity fail_on) {
  return metric.verdict == Verdict::kRegression && metric.severity >= fail_on;
}

std::string compare_to_table(const Comparison& c, Severity fail_on) {
  std::vector<std::array<std::string, 6>> rows = {
      {"METRIC", "BASELINE", "CURRENT", "CHANGE", "VERDICT", "WHY"}};
  for (const auto& m : c.metrics) {
    rows.push_back({terminal_safe(m.key), side_value(m, true), side_value(m, false), change_text(m),
                    verdict_text(m, fail_on), terminal_safe(m.reason)});
  }
  std::array<size_t, 6> width{};
  for (const auto& row : rows) {
    for (size_t i = 0; i < 5; ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out = fmt::format("baseline: {}\ncurrent:  {}\n\n", terminal_safe(c.baseline_source),
                                terminal_safe(c.current_source));
  for (const auto& row : rows) {
    out += fmt::format("{:<{}}  {:>{}}  {:>{}}  {:>{}}  {:<{}}  {}\n", row[0], width[0], row[1],
                       width[1], row[2], width[2], row[3], width[3], row[4], width[4], row[5]);
  }
  out += "\n" + summary_line(c, fail_on) + "\n";
  return out;
}

std::string compare_to_json(const Comparison& c, Severity fail_on) {
  using nlohmann::json;
  const auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  json metrics = json::array();
  for (const auto& m : c.metrics) {
    json j = {{"metric", m.key},
              {"unit", m.unit},
              {"direction", to_string(m.direction)},
              {"method", m.method == Method::kDistribution ? "distribution" : "single value"},
              {"statistic", m.statistic},
              {"baseline", number(m.baseline)},
              {"current", number(m.current)},
              {"change_percent", number(m.change * 100)},
              {"verdict", to_string(m.verdict)},
              {"severity", to_string(m.severity)},
              {"failed", is_failure(m, fail_on)},
              {"reason", m.reason},
              {"samples", {{"baseline", m.baseline_count}, {"current", m.current_count}}}};
    if (m.ci_lower) j["ratio_ci95"] = {number(*m.ci_lower), number(*m.ci_upper)};
    if (m.p_value) j["p_value"] = *m.p_value;
    metrics.push_back(std::move(j));
  }
  const auto& o = c.options;
  json doc = {
      {"baseline", c.baseline_source},
      {"current", c.current_source},
      {"options",
       {{"stat", o.stat},
        {"noise_percent", o.noise * 100},
        {"alpha", o.alpha},
        {"severity_percent",
         {{"minor", o.minor * 100}, {"major", o.major * 100}, {"critical", o.critical * 100}}},
        {"bootstrap",
         {{"resamples", o.bootstrap.resamples},
          {"seed", o.bootstrap.seed},
          {"confidence", o.bootstrap.confidence}}},
        {"fail_on", to_string(fail_on)}}},
      {"summary",
       {{"regressions", c.count(Verdict::kRegression)},
        {"improvements", c.count(Verdict::kImprovement)},
        {"worst_severity", to_string(c.worst_regression())},
        {"failed", std::any_of(c.metrics.begin(), c.metrics.end(),
                               [&](const auto& m) { return is_failure(m, fail_on); })}}},
      {"metrics", metrics}};
  return doc.dump(2) + "\n";
}

std::string compare_to_markdown(const Comparison& c, Severity fail_on) {
  std::string out = "### perfgate compare\n\n";
  out += fmt::format("Baseline {} → current {}\n\n", markdown_cell(c.baseline_source),
                     markdown_cell(c.current_source));
  out += "| Metric | Baseline | Current | Change | Verdict | Why |\n|---|---:|---:|---:|---|---|\n";
  for (const auto& m : c.metrics) {
    const std::string mark = is_failure(m, fail_on)               ? "❌ "
                             : m.verdict == Verdict::kRegression  ? "⚠️ "
                             : m.verdict == Verdict::kImprovement ? "✅ "
                                                                  : "";
    out += fmt::format("| {} | {} | {} | {} | {}{} | {} |\n", markdown_cell(m.key),
                       markdown_cell(side_value(m, true)), markdown_cell(side_value(m, false)),
                       change_text(m), mark, markdown_cell(verdict_text(m, fail_on)),
                       markdown_cell(m.reason));
  }
  out += "\n" + summary_line(c, fail_on) + "\n";
  return out;
}

std::string compare_to_junit(const Comparison& c, Severity fail_on) {
  int failures = 0, skipped = 0;
  std::string cases;
  for (const auto& m : c.metrics) {
    cases += fmt::format("    <testcase classname=\"perfgate.compare\" name=\"{}\">\n",
                         html_escape(m.key));
    const std::string detail =
        fmt::format("baseline {} current {} change {}: {}", side_value(m, true),
                    side_value(m, false), change_text(m), m.reason);
    if (is_failure(m, fail_on)) {
      ++failures;
      cases += fmt::format("      <failure message=\"{} regression\">{}</failure>\n",
                           to_string(m.severity), html_escape(detail));
    } else if (m.verdict == Verdict::kInsufficientData || m.verdict == Verdict::kMissing) {
      ++skipped;
      cases += fmt::format("      <skipped message=\"{}\"/>\n", html_escape(detail));
    } else {
      cases += fmt::format("      <system-out>{}</system-out>\n", html_escape(detail));
    }
    cases += "    </testcase>\n";
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"perfgate "
      "compare\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"0\">\n{}  "
      "</testsuite>\n</testsuites>\n",
      c.metrics.size(), failures, skipped, cases);
}

}  // namespace perfgate::analysis
