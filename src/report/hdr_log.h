// HdrHistogram interval log (`--out hdr=FILE`, .hlog): format version 1.3 with V2 compressed
// histograms, readable by HdrHistogram's own tools (HistogramLogProcessor, HistogramLogAnalyzer,
// plotFiles.html) and libraries (Java, C, hdr-histogram-js). See shared/reference/hdrhistogram.md.
//
// One line per interval and per tag: tags are trend names ("http_req_duration", ...) and
// "name:<request name>" for per-name durations (characters a tag may not hold — comma, space,
// line breaks — become '_'). Timestamps are seconds relative to the run's start (BaseTime is
// written), the interval max column is in milliseconds, and histogram values are microseconds.
// When the document has no interval histograms, each tag gets one interval spanning the run.
// Empty histograms are skipped.
//
// Thread-safety: pure function.
#pragma once

#include <string>

#include "report/results_model.h"

namespace perfgate::report {

std::string format_hdr_log(const ResultsDocument& doc);

// A tag as the log format allows it: no ',', ' ', '\r', '\n' (each becomes '_').
std::string hdr_log_tag(std::string_view text);

}  // namespace perfgate::report
