// GitHub Actions integration: workflow-command annotations (`::error file=…,line=…::…`) for plan
// errors, failed thresholds and failed gates when GITHUB_ACTIONS=true, and the Markdown summary
// appended to $GITHUB_STEP_SUMMARY when that variable is set. Outside Actions both do nothing,
// so the console output of a local run is unchanged.
//
// Annotations are written to stdout (the runner reads workflow commands there) with GitHub's
// escaping: % CR LF in the message, and also : , in the properties.
//
// Thread-safety: call from the main thread (reads the environment, writes stdout).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/gate.h"
#include "core/result.h"
#include "engine/plan_run.h"
#include "plan/diagnostics.h"
#include "report/results_model.h"

namespace perfgate::cli {

// True when GITHUB_ACTIONS is "true" (set by the runner for every step).
bool in_github_actions();

// One `::error file=F,line=L,col=C,title=T::message` line (with its newline). `file` empty or
// `line` 0 leave those properties out.
std::string github_error(const std::string& file, int line, int column, std::string_view title,
                         std::string_view message);

// Annotations for a plan's diagnostics (one per error, at its position).
void annotate_plan_errors(const plan::Diagnostics& diagnostics);

// Annotations for the thresholds that failed, each at its line in the plan file.
void annotate_failed_thresholds(const std::vector<results::ThresholdOutcome>& thresholds);

// Annotations for the gates that fail the run, each at its line in the gates file.
void annotate_failed_gates(const analysis::GateReport& report);

// Appends format_markdown(doc) to $GITHUB_STEP_SUMMARY when it is set; an error when the file
// cannot be written.
Result<void> append_step_summary(const report::ResultsDocument& doc);

}  // namespace perfgate::cli
