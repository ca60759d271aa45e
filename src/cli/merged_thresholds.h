// Thresholds of a merged distributed run, evaluated again on the merged data (see
// results_merge.h for which metrics a results file carries).
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "report/results_model.h"

namespace perfgate::cli {

// Fills merged.thresholds from the first part's list (every part runs the same plan): each is
// evaluated on `merged` where its data is there; otherwise it passes only if it passed in every
// part, and a sentence saying so goes to `notes`.
void reevaluate_thresholds(report::ResultsDocument& merged,
                           const std::vector<const report::ResultsDocument*>& parts,
                           std::vector<std::string>& notes);

}  // namespace perfgate::cli
