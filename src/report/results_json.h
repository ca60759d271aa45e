// The results file is read and written in one place, results/results_json.h; these names keep
// report code that predates the move compiling.
#pragma once

#include "report/results_model.h"
#include "results/results_json.h"

namespace perfgate::report {

using results::format_results_json;
using results::kResultsFormatName;
using results::kResultsFormatVersion;
using results::parse_results_json;
using results::read_results_file;
using results::results_from_json;
using results::results_to_json;

}  // namespace perfgate::report
