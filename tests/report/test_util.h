// Helpers for the report tests: golden files and running a child process.
#pragma once

#include <string>

namespace perfgate::report::testing {

// Compares `actual` with tests/report/golden/<name>. With PERFGATE_UPDATE_GOLDEN=1 in the
// environment it rewrites the file instead (review the diff before committing it).
// Returns an empty string when they match, else a message with the first differing line.
std::string compare_with_golden(const std::string& name, const std::string& actual);

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout (stderr is left on the test's stderr)
};

// Runs `command` with /bin/sh and captures its stdout.
CommandResult run_command(const std::string& command);

// A fresh directory under $TMPDIR (or /tmp) for one test's files.
std::string make_temp_dir();

}  // namespace perfgate::report::testing
