// Results validation: a results file read back (perfgate report, merge) must describe a possible
// run before anything is drawn or judged from it — no negative counts, no more failures than
// requests, no NaN where a number is needed. JSON types are checked by the reader; this checks
// the values.
//
// Thread-safety: a pure function.
#pragma once

#include "core/result.h"
#include "results/results_document.h"

namespace perfgate::results {

// The first impossible value found, named by its place in the file ("counters.http_reqs is -5").
Result<void> validate_results(const ResultsDocument& doc);

}  // namespace perfgate::results
