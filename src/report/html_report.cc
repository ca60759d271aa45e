#include "report/html_report.h"

#include <cmath>
#include <string_view>

#include "report/report_assets.h"
#include "report/results_json.h"

namespace perfgate::report {
namespace {

using nlohmann::json;

// Replaces the one occurrence of `marker` in `page` (the template holds each marker once).
void fill(std::string& page, std::string_view marker, std::string_view content) {
  const size_t at = page.find(marker);
  if (at != std::string::npos) page.replace(at, marker.size(), content);
}

// Ten points per decade of 1/(1-p), from p = 0 up to the resolution the sample count supports
// (1/(1-p) <= count), then one last point at the next tick for the maximum — the shape of
// HdrHistogram's percentile distribution output.
std::vector<double> spectrum_axis(int64_t count) {
  std::vector<double> x;
  const double limit = std::max<double>(static_cast<double>(count), 10.0);
  for (int k = 0;; ++k) {
    const double v = std::pow(10.0, k / 10.0);
    x.push_back(v);
    if (v > limit || k >= 80) break;
  }
  return x;
}

}  // namespace

std::string html_safe_json(const json& value) {
  const std::string text =
      value.dump(-1, ' ', /*ensure_ascii=*/true, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (char c : text) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;  // only inside strings, where \u escapes are valid
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += c;
    }
  }
  return out;
}

json percentile_spectrum(const ResultsDocument& doc) {
  // In the closed model the two are the same by definition, so only the open model shows both.
  std::vector<results::Trend> trends = {results::Trend::kDuration};
  if (doc.run.meta.model == results::Model::kOpen) {
    trends.push_back(results::Trend::kDurationUncorrected);
  }
  int64_t count = 0;
  for (auto t : trends) count = std::max(count, doc.run.totals.trend(t).count());
  json out = {{"x", json::array()}, {"series", json::object()}};
  if (count == 0) return out;
  const std::vector<double> x = spectrum_axis(count);
  out["x"] = x;
  for (auto t : trends) {
    const HdrHistogram& h = doc.run.totals.trend(t);
    if (h.count() == 0) continue;
    json values = json::array();
    for (size_t i = 0; i < x.size(); ++i) {
      const bool last = i + 1 == x.size();
      values.push_back(last ? h.max() : h.value_at_percentile(100.0 * (1.0 - 1.0 / x[i])));
    }
    out["series"][std::string(results::kTrendNames[static_cast<size_t>(t)])] = std::move(values);
  }
  return out;
}

std::string format_html_report(const ResultsDocument& doc) {
  const json data = {{"results", results_to_json(doc)},
                     {"derived", {{"spectrum", percentile_spectrum(doc)}}}};
  std::string page(assets::kReportHtml);
  // Fill the data last: its text must never be searched for the other markers.
  fill(page, "/*@PERFGATE_UPLOT_CSS@*/", assets::kUplotCss);
  fill(page, "/*@PERFGATE_REPORT_CSS@*/", assets::kReportCss);
  fill(page, "/*@PERFGATE_UPLOT_JS@*/", assets::kUplotJs);
  fill(page, "/*@PERFGATE_REPORT_JS@*/", assets::kReportJs);
  fill(page, "/*@PERFGATE_DATA@*/", html_safe_json(data));
  return page;
}

}  // namespace perfgate::report
