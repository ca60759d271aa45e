// CSV time series (`--out csv=FILE`): one row per second of the run, for spreadsheets and
// plotting tools. Columns (header row first, RFC 4180, numbers only so nothing needs quoting):
//   t_s, requests, requests_per_s, errors, active_vus, p50_us, p90_us, p95_us, p99_us, max_us,
//   schedule_lag_p99_us
// t_s is the end of the interval in seconds since the start; latencies are http_req_duration of
// that interval in microseconds (open model: from the scheduled start).
//
// Thread-safety: pure function.
#pragma once

#include <string>

#include "report/results_model.h"

namespace perfgate::report {

std::string format_csv(const ResultsDocument& doc);

}  // namespace perfgate::report
