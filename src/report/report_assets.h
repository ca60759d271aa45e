// The HTML report's front-end, embedded into the binary at build time by cmake/EmbedAssets.cmake
// from web/ (report.html, report.js, report.css) and from uPlot as installed by `npm ci` from
// web/package-lock.json. Nothing is fetched when a report is written or opened.
//
// Thread-safety: immutable data.
#pragma once

#include <string_view>

namespace perfgate::report::assets {

extern const std::string_view kReportHtml;  // the template, with /*@PERFGATE_...@*/ markers
extern const std::string_view kReportJs;
extern const std::string_view kReportCss;
extern const std::string_view kUplotJs;  // uPlot.iife.min.js
extern const std::string_view kUplotCss;

}  // namespace perfgate::report::assets
