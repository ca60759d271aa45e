#include "analysis/compare_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/escape.h"
#include "core/text_format.h"

namespace perfgate::analysis {
namespace {

constexpr size_t kTableWidth = 100;  // console columns: the table fits a PR comment or a terminal

// `text` cut to `width` characters (bytes) with "..." in the middle when longer.
std::string shorten(const std::string& text, size_t width) {
  if (text.size() <= width || width < 8) return text;
  const size_t head = (width - 3) / 2, tail = width - 3 - head;
  return text.substr(0, head) + "..." + text.substr(text.size() - tail);
}

// `text` broken at spaces into lines of at most `width` characters; lines after the first start
// with `indent`. A word longer than a line is not broken.
std::string wrap(const std::string& text, size_t width, const std::string& indent) {
  std::string out, line;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line = indent;
    }
    line += (line.empty() || line == indent ? "" : " ") + word;
    start = end + 1;
  }
  return out + line + "\n";
}

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
      c.left_out == 0
          ? ""
          : fmt::format("; {} more not judged by default (--all judges them)", c.left_out);
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
  std::vector<std::array<std::string, 5>> rows = {
      {"METRIC", "BASELINE", "CURRENT", "CHANGE", "VERDICT"}};
  for (const auto& m : c.metrics) {
    rows.push_back({terminal_safe(m.key), side_value(m, true), side_value(m, false), change_text(m),
                    verdict_text(m, fail_on)});
  }
  std::array<size_t, 5> width{};
  for (const auto& row : rows) {
    for (size_t i = 0; i < 5; ++i) width[i] = std::max(width[i], row[i].size());
  }
  // Long metric keys (per-name sub-metrics) are shortened so that a row fits kTableWidth.
  const size_t others = width[1] + width[2] + width[3] + width[4] + 8;
  width[0] = std::min(width[0], others < kTableWidth - 24 ? kTableWidth - others : size_t{24});
  std::string out = fmt::format("baseline: {}\ncurrent:  {}\n\n", terminal_safe(c.baseline_source),
                                terminal_safe(c.current_source));
  for (const auto& row : rows) {
    out += fmt::format("{:<{}}  {:>{}}  {:>{}}  {:>{}}  {}\n", shorten(row[0], width[0]), width[0],
                       row[1], width[1], row[2], width[2], row[3], width[3], row[4]);
  }
  // Why, for every metric with something to say; "no change" reasons are in --json/--markdown.
  std::string why;
  for (const auto& m : c.metrics) {
    if (m.verdict == Verdict::kNoChange) continue;
    why += wrap(terminal_safe(fmt::format("{}: {}", m.key, m.reason)), kTableWidth, "    ");
  }
  if (!why.empty()) out += "\n" + why;
  out += "\n" + wrap(summary_line(c, fail_on), kTableWidth, "");
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
              {"noise_floor", m.noise_floor},
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
        {"fail_on", to_string(fail_on)},
        {"all", o.all},
        {"noise_floor_overrides", o.noise_floors}}},
      {"summary",
       {{"regressions", c.count(Verdict::kRegression)},
        {"not_judged_by_default", c.left_out},
        {"improvements", c.count(Verdict::kImprovement)},
        {"worst_severity", to_string(c.worst_regression())},
        {"failed", std::any_of(c.metrics.begin(), c.metrics.end(),
                               [&](const auto& m) { return is_failure(m, fail_on); })}}},
      {"metrics", metrics}};
  return doc.dump(2) + "\n";
}

std::string compare_to_markdown(const Comparison& c, Severity fail_on) {
  std::string out = "### perfgate compare\n\n";
  out += fmt::format("Baseline {} → current {}\n\n", markdown_escape(c.baseline_source),
                     markdown_escape(c.current_source));
  out += "| Metric | Baseline | Current | Change | Verdict | Why |\n|---|---:|---:|---:|---|---|\n";
  for (const auto& m : c.metrics) {
    const std::string mark = is_failure(m, fail_on)               ? "❌ "
                             : m.verdict == Verdict::kRegression  ? "⚠️ "
                             : m.verdict == Verdict::kImprovement ? "✅ "
                                                                  : "";
    out += fmt::format("| {} | {} | {} | {} | {}{} | {} |\n", markdown_escape(m.key),
                       markdown_escape(side_value(m, true)), markdown_escape(side_value(m, false)),
                       change_text(m), mark, markdown_escape(verdict_text(m, fail_on)),
                       markdown_escape(m.reason));
  }
  out += "\n" + summary_line(c, fail_on) + "\n";
  return out;
}

std::string compare_to_junit(const Comparison& c, Severity fail_on) {
  int failures = 0, skipped = 0;
  std::string cases;
  for (const auto& m : c.metrics) {
    cases += fmt::format("    <testcase classname=\"perfgate.compare\" name=\"{}\">\n",
                         xml_escape(m.key));
    const std::string detail =
        fmt::format("baseline {} current {} change {}: {}", side_value(m, true),
                    side_value(m, false), change_text(m), m.reason);
    if (is_failure(m, fail_on)) {
      ++failures;
      cases += fmt::format("      <failure message=\"{} regression\">{}</failure>\n",
                           to_string(m.severity), xml_escape(detail));
    } else if (m.verdict == Verdict::kInsufficientData || m.verdict == Verdict::kMissing) {
      ++skipped;
      cases += fmt::format("      <skipped message=\"{}\"/>\n", xml_escape(detail));
    } else {
      cases += fmt::format("      <system-out>{}</system-out>\n", xml_escape(detail));
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
