// The last word on a finished run (the one-liner and plans alike): a run in which no request
// succeeded measured the failure, not the service, however its thresholds came out. k6 exits 0
// then unless a threshold says otherwise; perfgate says so loudly after the summary and, when the
// run would otherwise pass, exits kExitNoRequestSucceeded (5, README "Exit codes") so that a CI
// job pointed at a service that never came up does not go green. Codes that already fail the run
// (thresholds 99, interrupted 105) are kept: they say more.
//
// Thread-safety: pure functions, except that final_exit_code prints.
#pragma once

#include <optional>
#include <string>

#include "results/run_result.h"

namespace perfgate::cli {

// The warning for a run in which no request succeeded (every one failed, or none ended), naming
// the commonest failure classes; nullopt when at least one request succeeded.
std::optional<std::string> no_success_warning(const results::RunResult& run);

// Prints the warning (stdout, after the summary) when there is one and returns the exit code:
// `code`, or kExitNoRequestSucceeded instead of kExitOk when no request succeeded.
int final_exit_code(const results::RunResult& run, int code);

}  // namespace perfgate::cli
