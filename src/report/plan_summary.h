// The plan sections of the console summary, after the common summary: the per-name table, the
// checks, the extractions that found nothing and the thresholds (✓/✗/– with observed values).
// They read only the results model (results::ResultsDocument), as every other formatter does.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "results/results_document.h"

namespace perfgate::report {

// The sections of `doc` that have content, each starting with a blank line; "" for none. The
// per-name table is left out with a single name (its row would repeat the totals above).
std::string format_plan_outcomes(const results::ResultsDocument& doc);

}  // namespace perfgate::report
