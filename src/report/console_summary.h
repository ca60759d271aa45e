// Console output of a run: the end-of-run summary in k6's layout, and the one-line live
// progress shown on a terminal. Both read only the results model.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "results/results_document.h"
#include "results/run_result.h"

namespace perfgate::report {

// The k6-style summary: http_reqs, each trend (avg/min/med/max/p(90)/p(95)/p(99)/p(99.9)),
// http_req_failed, errors by class, responses by status, data, iterations, dropped iterations,
// VUs, and the generator's warnings. Says which latency is coordinated-omission corrected.
std::string format_console_summary(const results::RunResult& result);

// The plan's custom metrics and group_duration, one k6-style line each ("" when there are none).
std::string format_plan_metrics(const std::vector<results::PlanMetric>& metrics);

// "  3s/10s  vus 10  12,345 req/s  p95 1.2ms  errors 0.00%" — no newline, meant for "\r".
std::string format_progress_line(double elapsed_seconds, double total_seconds, int64_t vus,
                                 const results::TimeSeriesPoint& last_second,
                                 const results::MetricSet& totals);

}  // namespace perfgate::report
