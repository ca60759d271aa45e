#include "analysis/gate_report.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/escape.h"
#include "core/text_format.h"

namespace perfgate::analysis {
namespace {

std::string value_text(const Evidence& e, const Gate& gate) {
  if (gate.relative) {
    return fmt::format("regression {:+.1f}% ({} → {})", e.value * 100,
                       format_value(e.baseline_value.value_or(NAN), ""),
                       format_value(e.current_value.value_or(NAN), ""));
  }
  return format_value(e.value, e.unit);
}

std::string evidence_text(const GateResult& r) {
  if (r.evidence.empty()) return r.message;
  std::vector<std::string> parts;
  for (const Evidence& e : r.evidence) {
    std::string part = fmt::format("{} = {} in {}", e.metric, value_text(e, r.gate), e.source);
    if (!e.baseline_source.empty()) part += fmt::format(" (baseline {})", e.baseline_source);
    parts.push_back(part);
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

std::string status_text(const GateResult& r) {
  std::string text(to_string(r.status));
  if (r.status == GateStatus::kNoEvidence && r.gate.optional) text += " (optional)";
  return text;
}

std::string verdict_line(const GateReport& report) {
  int blocking_failures = 0, other_failures = 0;
  for (const auto& r : report.results) {
    if (r.fails_run()) {
      ++blocking_failures;
    } else if (r.status != GateStatus::kPass) {
      ++other_failures;
    }
  }
  return fmt::format("{}: {} gates, {} passed, {} blocking failures, {} other gates not passed",
                     report.passed() ? "PASSED" : "FAILED", report.results.size(),
                     report.count(GateStatus::kPass), blocking_failures, other_failures);
}

}  // namespace

std::string gate_report_text(const GateReport& report) {
  std::string out =
      fmt::format("gates: {}\nresults: {}\n\n", terminal_safe(report.gates_path),
                  terminal_safe(fmt::format("{}", fmt::join(report.result_sources, ", "))));
  for (const auto& r : report.results) {
    out += fmt::format("{:<5} {:<11} {:<9} {}: {}\n      {}\n",
                       r.status == GateStatus::kPass ? "ok"
                       : r.fails_run()               ? "FAIL"
                                                     : "warn",
                       status_text(r), to_string(r.gate.level), terminal_safe(r.gate.name),
                       terminal_safe(r.gate.condition), terminal_safe(evidence_text(r)));
  }
  return out + "\n" + verdict_line(report) + "\n";
}

std::string gate_report_markdown(const GateReport& report) {
  std::string out = "### perfgate gate\n\n";
  out += fmt::format("**{}**\n\n", markdown_escape(verdict_line(report)));
  out += "| Gate | Level | Condition | Status | Evidence |\n|---|---|---|---|---|\n";
  for (const auto& r : report.results) {
    const std::string mark = r.status == GateStatus::kPass ? "✅ "
                             : r.fails_run()               ? "❌ "
                                                           : "⚠️ ";
    out += fmt::format("| {} | {} | {} | {}{} | {} |\n", markdown_escape(r.gate.name),
                       to_string(r.gate.level), markdown_escape(r.gate.condition), mark,
                       status_text(r), markdown_escape(evidence_text(r)));
  }
  return out +
         fmt::format("\nGates file {}; results: {}\n", markdown_escape(report.gates_path),
                     markdown_escape(fmt::format("{}", fmt::join(report.result_sources, ", "))));
}

std::string gate_report_html(const GateReport& report) {
  std::string rows;
  for (const auto& r : report.results) {
    rows += fmt::format(
        "<tr class=\"{}\"><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td>"
        "</tr>\n",
        r.status == GateStatus::kPass ? "pass"
        : r.fails_run()               ? "fail"
                                      : "warn",
        xml_escape(r.gate.name), to_string(r.gate.level), xml_escape(r.gate.condition),
        xml_escape(status_text(r)), xml_escape(evidence_text(r)));
  }
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      // Nothing but the inline style may load or run, whatever a gate name smuggles in.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">"
      "<title>perfgate gate report</title>\n<style>body{{font-family:sans-serif;margin:2em}}"
      "table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 8px;"
      "text-align:left}}.pass td:nth-child(4){{color:#080}}.fail td:nth-child(4){{color:#c00;"
      "font-weight:bold}}.warn td:nth-child(4){{color:#a60}}</style></head><body>\n"
      "<h1>perfgate gate report</h1>\n<p class=\"verdict\"><strong>{}</strong></p>\n"
      "<p>Gates file: {}<br>Results: {}</p>\n<table>\n<tr><th>Gate</th><th>Level</th>"
      "<th>Condition</th><th>Status</th><th>Evidence</th></tr>\n{}</table>\n</body></html>\n",
      xml_escape(verdict_line(report)), xml_escape(report.gates_path),
      xml_escape(fmt::format("{}", fmt::join(report.result_sources, ", "))), rows);
}

std::string gate_report_json(const GateReport& report) {
  using nlohmann::json;
  const auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  json gates = json::array();
  for (const auto& r : report.results) {
    json evidence = json::array();
    for (const Evidence& e : r.evidence) {
      json j = {{"source", e.source},
                {"metric", e.metric},
                {"value", number(e.value)},
                {"unit", e.unit},
                {"pass", e.pass}};
      if (!e.baseline_source.empty()) {
        j["baseline_source"] = e.baseline_source;
        j["baseline_value"] = number(e.baseline_value.value_or(NAN));
        j["current_value"] = number(e.current_value.value_or(NAN));
      }
      evidence.push_back(std::move(j));
    }
    gates.push_back({{"name", r.gate.name},
                     {"level", to_string(r.gate.level)},
                     {"condition", r.gate.condition},
                     {"metric", r.gate.metric},
                     {"relative", r.gate.relative},
                     {"op", to_string(r.gate.op)},
                     {"threshold", r.gate.threshold.text},
                     {"optional", r.gate.optional},
                     {"status", to_string(r.status)},
                     {"fails_run", r.fails_run()},
                     {"message", r.message},
                     {"evidence", evidence}});
  }
  json doc = {{"gates_file", report.gates_path},
              {"results", report.result_sources},
              {"passed", report.passed()},
              {"verdict", verdict_line(report)},
              {"gates", gates}};
  return doc.dump(2) + "\n";
}

Result<std::string> render_gate_report(const GateReport& report, std::string_view path) {
  if (path.ends_with(".md")) return gate_report_markdown(report);
  if (path.ends_with(".html") || path.ends_with(".htm")) return gate_report_html(report);
  if (path.ends_with(".json")) return gate_report_json(report);
  return make_error(fmt::format("{}: unknown report format", path),
                    "name the file .md, .html or .json");
}

}  // namespace perfgate::analysis
