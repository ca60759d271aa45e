// HTML report (`--out html=FILE`, `perfgate report results.json -o report.html`): one
// self-contained file — uPlot, the report's JS and CSS, and the results document — that draws the
// run Gatling-style and never touches the network (a Content-Security-Policy forbids it).
//
// The results are embedded as JSON in <script type="application/json">, made HTML-safe: '<', '>'
// and '&' are written as \u003c, \u003e and \u0026, so no "</script>" in a plan or a server's
// response can end the element. The page's JS inserts every value with textContent.
//
// Besides the results document (docs/results-format.md) the page gets "derived" data that needs
// the histograms: the latency percentile spectrum of http_req_duration and
// http_req_duration_uncorrected on a shared 1/(1-p) axis.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "report/results_document.h"

namespace perfgate::report {

std::string format_html_report(const ResultsDocument& doc);

// JSON text safe inside a <script> element (see above); ASCII only.
std::string html_safe_json(const nlohmann::json& json);

// {"x": [1/(1-p) ...], "series": {trend: [µs or null ...]}} for the trends with samples.
nlohmann::json percentile_spectrum(const ResultsDocument& doc);

}  // namespace perfgate::report
