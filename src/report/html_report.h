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
// http_req_duration_uncorrected on a shared 1/(1-p) axis; and, when the run was monitored, the
// monitor's resource series moved onto the run's time axis as one chart per resource.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "report/results_model.h"

namespace perfgate::report {

std::string format_html_report(const ResultsDocument& doc);

// JSON text safe inside a <script> element (see above); ASCII only.
std::string html_safe_json(const nlohmann::json& json);

// {"x": [1/(1-p) ...], "series": {trend: [µs or null ...]}} for the trends with samples.
nlohmann::json percentile_spectrum(const ResultsDocument& doc);

// The "System under test" charts from doc.monitor (the monitor's JSON, docs/monitoring.md), or
// null when the run was not monitored:
//   {"offset_s": s, "x": [s ...], "x_range": [lo, hi],
//    "charts": [{"id", "title", "unit", "series": [{"label", "values": [v or null ...]}]}]}
// `x` is the union of the sample times in seconds since the load test started (monitor time +
// offset_s, from the two wall-clock start times), so the charts share the load charts' axis;
// x_range covers both. One chart per resource the data has (cpu, memory in MB, disk, network,
// fds, threads, host-cpu), one series per target and field; a sample a target lacks is null.
nlohmann::json monitor_charts(const ResultsDocument& doc);

}  // namespace perfgate::report
