// A deterministic ResultsDocument for the report tests: an open-model run of 10 s with every
// section filled (thresholds passing and failing, checks, per-name rows, errors, statuses,
// warnings) and text that must be escaped in every format ("<script>", '|', '&', quotes).
#pragma once

#include "report/results_model.h"

namespace perfgate::report::testing {

ResultsDocument make_fixture();

// The same run with interval histograms (two 5 s intervals, two tags), for the hdr log.
ResultsDocument make_fixture_with_intervals();

}  // namespace perfgate::report::testing
