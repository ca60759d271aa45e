// Summary JSON: the run's summary in the shape of k6's --summary-export, so tools that read k6
// summaries read ours:
//   {"metrics": {
//      "<trend>":   {"avg","min","med","max","p(90)","p(95)","p(99)","p(99.9)"}  (milliseconds)
//      "<counter>": {"count","rate"}                                              (rate per s)
//      "http_req_failed": {"value","passes","fails"}  — k6's Rate semantics: "passes" counts
//                         failed requests (the rate's true values), "fails" the others
//      "vus", "vus_max": {"value","min","max"} },
//    "root_group": {"name","path","id","groups":[<group>...],"checks":[{"name","path","id",
//                   "passes","fails"}...]}  — k6's group tree: paths "::outer::inner", ids the
//                   MD5 of the path in hex, as k6 computes them
//    "perfgate": {run metadata, errors by class, responses by status, health, time series}}
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "results/results_document.h"
#include "results/run_result.h"
#include "stats/hdr_histogram.h"

namespace perfgate::report {

// The document for `result` with an empty root_group (a run without groups or checks).
nlohmann::json summary_json(const results::RunResult& result);
std::string format_summary_json(const results::RunResult& result);

// The document for a plan run (a one-liner is a one-step plan): the above plus, from the results
// model, the root_group of its groups and checks, per-name metrics ("http_reqs{name:login}"),
// checks, extract_failures, group_duration, the sub-metrics its thresholds declared, its custom
// metrics in k6's shapes, each threshold under its metric ({"p(95)<300": <true when it failed>})
// and perfgate.plan (name, file, aborted, iterations started per second) and perfgate.checks.
// REQUIRES: doc.plan_run (made by a plan run, or read from its results file).
std::string format_plan_summary_json(const results::ResultsDocument& doc);

// One check of the root_group tree. `group` is k6's group path: "" at the top, "::a::b" inside.
struct SummaryCheck {
  std::string group;
  std::string name;
  int64_t passes = 0;
  int64_t fails = 0;
};

// k6's root_group: every group in `groups` (paths; their parents are added) nested under its
// parent in order of first appearance, each check under its group (an unknown group is added).
nlohmann::json root_group_json(const std::vector<std::string>& groups,
                               const std::vector<SummaryCheck>& checks);

// k6's group and check id: the MD5 of the path, in lower-case hex.
std::string k6_group_id(const std::string& path);

// One trend entry of the summary: avg, min, med, max, p(90), p(95), p(99), p(99.9) in
// milliseconds from a histogram of microseconds.
nlohmann::json trend_summary_json(const HdrHistogram& histogram);

// Writes format_summary_json() to `path` atomically (core/atomic_file.h).
Result<void> write_summary_json(const results::RunResult& result, const std::string& path);

}  // namespace perfgate::report
