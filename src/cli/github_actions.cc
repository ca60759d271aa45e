#include "cli/github_actions.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "report/markdown.h"

namespace perfgate::cli {
namespace {

// GitHub's escaping of workflow-command data; properties also escape ':' and ','.
std::string escape(std::string_view text, bool property) {
  std::string out;
  for (char c : text) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else if (property && c == ':')
      out += "%3A";
    else if (property && c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

void emit(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

bool in_github_actions() {
  const char* value = std::getenv("GITHUB_ACTIONS");
  return value != nullptr && std::string_view(value) == "true";
}

std::string github_error(const std::string& file, int line, int column, std::string_view title,
                         std::string_view message) {
  std::string properties;
  auto add = [&](std::string_view key, const std::string& value) {
    properties += fmt::format("{}{}={}", properties.empty() ? " " : ",", key, value);
  };
  if (!file.empty()) add("file", escape(file, true));
  if (!file.empty() && line > 0) add("line", std::to_string(line));
  if (!file.empty() && line > 0 && column > 0) add("col", std::to_string(column));
  if (!title.empty()) add("title", escape(title, true));
  return fmt::format("::error{}::{}\n", properties, escape(message, false));
}

void annotate_plan_errors(const plan::Diagnostics& diagnostics) {
  if (!in_github_actions()) return;
  for (const plan::Diagnostic& d : diagnostics.sorted()) {
    const std::string message = d.hint.empty() ? d.message : d.message + " (hint: " + d.hint + ")";
    emit(github_error(d.pos.file, d.pos.line, d.pos.column, "invalid plan", message));
  }
}

void annotate_failed_thresholds(const std::vector<results::ThresholdOutcome>& thresholds) {
  if (!in_github_actions()) return;
  for (const results::ThresholdOutcome& t : thresholds) {
    if (t.passed || t.no_data) continue;
    emit(github_error(t.file, t.line, t.column, "threshold failed",
                      fmt::format("{} {}: observed {:.4g}{}", t.metric, t.expression, t.observed,
                                  t.abort_on_fail ? " (abortOnFail)" : "")));
  }
}

void annotate_failed_gates(const analysis::GateReport& report) {
  if (!in_github_actions()) return;
  for (const analysis::GateResult& r : report.results) {
    if (!r.fails_run()) continue;
    std::string message = fmt::format("{}: {}", r.gate.name, r.gate.condition);
    if (!r.message.empty()) message += " — " + r.message;
    for (const analysis::Evidence& e : r.evidence) {
      if (!e.pass) message += fmt::format(" — {}: {:.4g}{}", e.source, e.value, e.unit);
    }
    emit(github_error(report.gates_path, r.gate.line, 0, "gate failed", message));
  }
}

Result<void> append_step_summary(const report::ResultsDocument& doc) {
  const char* path = std::getenv("GITHUB_STEP_SUMMARY");
  if (path == nullptr || *path == '\0') return {};
  std::ofstream out(path, std::ios::app);
  out << report::format_markdown(doc) << "\n";
  out.flush();
  if (!out) return make_error(fmt::format("GITHUB_STEP_SUMMARY: cannot append to {}", path));
  return {};
}

}  // namespace perfgate::cli
