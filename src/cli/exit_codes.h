// Process exit codes, documented in README.md ("Exit codes"). k6's codes are reused where k6
// has one, so CI scripts written for k6 keep working.
#pragma once

namespace perfgate::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitRuntimeError = 1,        // the run could not be carried out (I/O, internal error)
  kExitUsage = 2,               // unknown option, missing argument, malformed value
  kExitRegression = 3,          // compare/history: a regression at or above --fail-on
  kExitGateFailed = 4,          // gate: a blocking gate failed
  kExitNoRequestSucceeded = 5,  // run: every request failed (or none ended); see run_verdict.h
  kExitThresholdsFailed = 99,   // k6: thresholds have failed
  kExitInvalidPlan = 104,       // k6: invalid config — a bad plan, rejected before any traffic
  kExitInterrupted = 105,       // k6: external abort — Ctrl-C / SIGTERM; results still written
  // A threshold with abortOnFail stopped the run early: k6 exits 99 (thresholds failed) then too,
  // so scripts that test for 99 see an aborted run as the failed threshold it is.
  kExitAbortedByThreshold = 99,
};

}  // namespace perfgate::cli
