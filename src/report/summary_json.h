// Summary JSON: the run's summary in the shape of k6's --summary-export, so tools that read k6
// summaries read ours:
//   {"metrics": {
//      "<trend>":   {"avg","min","med","max","p(90)","p(95)","p(99)","p(99.9)"}  (milliseconds)
//      "<counter>": {"count","rate"}                                              (rate per s)
//      "http_req_failed": {"value","passes","fails"}  — k6's Rate semantics: "passes" counts
//                         failed requests (the rate's true values), "fails" the others
//      "vus", "vus_max": {"value","min","max"} },
//    "perfgate": {run metadata, errors by class, responses by status, health, time series}}
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/result.h"
#include "results/run_result.h"
#include "stats/hdr_histogram.h"

namespace perfgate::report {

std::string format_summary_json(const results::RunResult& result);

// One trend entry of the summary: avg, min, med, max, p(90), p(95), p(99), p(99.9) in
// milliseconds from a histogram of microseconds.
nlohmann::json trend_summary_json(const HdrHistogram& histogram);

// Writes format_summary_json() to `path` atomically (core/atomic_file.h).
Result<void> write_summary_json(const results::RunResult& result, const std::string& path);

}  // namespace perfgate::report
