// The bridge from a finished load test (results::RunResult) to the LoadEvidence the findings
// rules read, so `perfgate run` needs one call:
//
//   auto evidence = monitor::evidence_from_run(result, monitor.seconds_since_start(run_start));
//   report.findings = monitor::find_findings(report, &evidence);
//
// Mapping: intervals from RunResult::series (load level = active VUs in the closed model,
// completed requests per second in the open model; p95 from p95_us); phases are the means of the
// http_req_connecting / sending / waiting / receiving trends, total = connecting +
// http_req_duration_uncorrected (which excludes connecting); connections opened = connecting
// samples above zero; generator CPU from RunResult::health (percent of one core) and schedule
// lag p99 from the schedule_lag trend (open model).
//
// Thread-safety: pure function.
#pragma once

#include "monitor/findings.h"
#include "results/run_result.h"

namespace perfgate::monitor {

// `run_start_s`: when the run's t = 0 was, in seconds since Monitor::start().
LoadEvidence evidence_from_run(const results::RunResult& run, double run_start_s);

}  // namespace perfgate::monitor
