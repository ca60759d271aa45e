// Renderings of a Comparison: a console table, JSON, Markdown (a PR comment) and JUnit XML.
// `fail_on` decides which regressions count as failures (JUnit <failure>, "FAIL" markers).
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "analysis/compare.h"

namespace perfgate::analysis {

std::string compare_to_table(const Comparison& comparison, Severity fail_on);
std::string compare_to_json(const Comparison& comparison, Severity fail_on);
std::string compare_to_markdown(const Comparison& comparison, Severity fail_on);
std::string compare_to_junit(const Comparison& comparison, Severity fail_on);

// True when the regression is at or above `fail_on` (kNone: every regression fails).
bool is_failure(const MetricComparison& metric, Severity fail_on);

}  // namespace perfgate::analysis
