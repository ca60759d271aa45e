// A deterministic ResultsDocument for the report tests: an open-model run of 10 s with every
// section filled (thresholds passing and failing, checks, per-name rows, errors, statuses,
// warnings) and text that must be escaped in every format ("<script>", '|', '&', quotes).
#pragma once

#include "report/results_model.h"

namespace perfgate::report::testing {

ResultsDocument make_fixture();

// The same run with interval histograms (two 5 s intervals, two tags), for the hdr log.
ResultsDocument make_fixture_with_intervals();

// Adds the per-interval detail the HTML report charts over time: per-name latency (name_series:
// "GET /api" every second, the login name in seconds 2-10 except 6), errors by class in second
// 4 (10 http_5xx + 2 connect_refused, the point's 12 errors) and VUs of two scenarios.
void add_time_detail(ResultsDocument& doc);

}  // namespace perfgate::report::testing
