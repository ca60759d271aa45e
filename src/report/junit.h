// JUnit XML (`--out junit=FILE`): CI systems (GitHub Actions test reporters, GitLab, Jenkins)
// show each threshold and each check as a test case. A failed threshold's <failure> carries the
// observed value; a check fails when any of its evaluations failed and says how many.
//
// Layout: <testsuites> with two <testsuite>s, "thresholds" and "checks", each with the run's
// start as `timestamp` (UTC, no zone, as the Ant schema wants) and the `hostname` it ran on;
// testcase classname is "perfgate.thresholds.<metric>" or "perfgate.checks", name the
// expression or check name, `time` the run's elapsed seconds (what each case was judged over).
// Text is XML-escaped; characters XML 1.0 cannot carry are replaced by U+FFFD.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

#include "core/escape.h"
#include "report/results_model.h"

namespace perfgate::report {

std::string format_junit(const ResultsDocument& doc);

// The escaping it uses is perfgate::xml_escape (core/escape.h).
using perfgate::xml_escape;

}  // namespace perfgate::report
