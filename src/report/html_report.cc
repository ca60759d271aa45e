#include "report/html_report.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
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

// ---- monitor charts -----------------------------------------------------------------------
// Field names are those of the monitor's JSON writer (src/monitor/report_json.cc). The report
// module comes before monitor in the dependency order, so it reads that JSON, not the structs.

// One resource chart: the listed fields of every target (or of the host), each a series.
struct MonitorField {
  const char* name;
  const char* suffix;  // appended to the source's label, unless empty
  bool limit = false;  // a ceiling (cgroup memory limit): drawn dashed
};
struct MonitorChartSpec {
  const char* id;
  const char* title;
  const char* unit;
  double scale;  // JSON value * scale = value drawn in `unit`
  bool host;     // fields of the host's series instead of the targets'
  std::vector<MonitorField> fields;
};

const std::vector<MonitorChartSpec>& monitor_chart_specs() {
  static const std::vector<MonitorChartSpec> kSpecs = {
      {"cpu",
       "CPU",
       "% of one core",
       1,
       false,
       {{"cpu_percent", ""}, {"cgroup_cpu_percent", "cgroup"}}},
      {"memory",
       "Memory",
       "MB",
       1e-6,
       false,
       {{"rss_bytes", "RSS"},
        {"cgroup_memory_bytes", "cgroup memory"},
        {"cgroup_memory_limit_bytes", "cgroup limit", true}}},
      {"disk",
       "Disk I/O",
       "bytes/s",
       1,
       false,
       {{"disk_read_bytes_per_s", "read"}, {"disk_write_bytes_per_s", "write"}}},
      {"network",
       "Network I/O (the target's network namespace)",
       "bytes/s",
       1,
       false,
       {{"net_rx_bytes_per_s", "received"}, {"net_tx_bytes_per_s", "sent"}}},
      {"fds", "Open file descriptors", "", 1, false, {{"open_fds", ""}}},
      {"threads", "Threads", "", 1, false, {{"threads", ""}}},
      {"host-cpu", "Host CPU (all cores)", "%", 1, true, {{"cpu_percent", ""}}},
  };
  return kSpecs;
}

// A labelled series of samples: one target, or the host.
struct MonitorSource {
  std::string label;
  const json* points;  // array of sample objects with "t_s"
};

// The member `key` of `object` when it has the wanted type, else an empty one: the monitor's JSON
// may come from a file, so nothing in it is trusted to have the expected shape.
const json& member(const json& object, const char* key, json::value_t type) {
  static const json kEmptyArray = json::array();
  static const json kEmptyObject = json::object();
  const json& empty = type == json::value_t::array ? kEmptyArray : kEmptyObject;
  if (!object.is_object()) return empty;
  const auto it = object.find(key);
  return it != object.end() && it->type() == type ? *it : empty;
}

const json& array_at(const json& object, const char* key) {
  return member(object, key, json::value_t::array);
}

std::optional<double> number_at(const json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string string_at(const json& object, const char* key) {
  const json& value = member(object, key, json::value_t::string);
  return value.is_string() ? value.get<std::string>() : std::string();
}

MonitorSource target_source(const json& target) {
  std::string label = string_at(target, "label");
  if (label.empty()) label = string_at(target, "spec");
  return {label.empty() ? "?" : label, &array_at(target, "series")};
}

// Sample times are compared in whole milliseconds: the sampler stamps every target of one tick
// with the same time, and a millisecond is far below any sampling interval.
int64_t time_key(double t_s) { return std::llround(t_s * 1000); }

void add_times(const MonitorSource& source, std::map<int64_t, size_t>& index) {
  for (const json& point : *source.points) {
    if (auto t = number_at(point, "t_s")) index.emplace(time_key(*t), 0);
  }
}

double round_ms(double seconds) { return std::round(seconds * 1000) / 1000; }

// Seconds to add to a monitor time to get seconds since the load test started.
double monitor_offset_s(const ResultsDocument& doc) {
  const std::optional<double> monitor_start = number_at(doc.monitor, "started_unix_ns");
  const int64_t run_start = doc.run.meta.start_unix_nanos;
  if (!monitor_start || *monitor_start <= 0 || run_start <= 0) return 0;
  return round_ms((*monitor_start - static_cast<double>(run_start)) / 1e9);
}

json chart_series(const MonitorSource& source, const MonitorField& field, double scale,
                  const std::map<int64_t, size_t>& index) {
  json values(index.size(), nullptr);
  bool any = false;
  for (const json& point : *source.points) {
    const std::optional<double> t = number_at(point, "t_s");
    const std::optional<double> v = number_at(point, field.name);
    if (!t || !v) continue;
    values[index.at(time_key(*t))] = *v * scale;
    any = true;
  }
  if (!any) return nullptr;
  json series = {
      {"label", *field.suffix == '\0' ? source.label : source.label + ": " + field.suffix},
      {"values", std::move(values)}};
  if (field.limit) series["limit"] = true;
  return series;
}

json monitor_chart(const MonitorChartSpec& spec, const std::vector<MonitorSource>& sources,
                   const std::map<int64_t, size_t>& index) {
  json series = json::array();
  for (const MonitorField& field : spec.fields) {
    for (const MonitorSource& source : sources) {
      json s = chart_series(source, field, spec.scale, index);
      if (!s.is_null()) series.push_back(std::move(s));
    }
  }
  return {{"id", spec.id}, {"title", spec.title}, {"unit", spec.unit}, {"series", series}};
}

// [lo, hi] covering the load test's intervals and the monitor's samples, from 0 at the latest.
json shared_time_range(const ResultsDocument& doc, const json& x) {
  double lo = 0, hi = doc.run.elapsed_seconds();
  for (const results::TimeSeriesPoint& p : doc.run.series) hi = std::max(hi, p.t_seconds);
  if (!x.empty()) {
    lo = std::min(lo, x.front().get<double>());
    hi = std::max(hi, x.back().get<double>());
  }
  return {lo, std::max(hi, lo + 1)};
}

}  // namespace

json monitor_charts(const ResultsDocument& doc) {
  if (!doc.monitor.is_object()) return nullptr;
  std::vector<MonitorSource> targets;
  for (const json& t : array_at(doc.monitor, "targets")) targets.push_back(target_source(t));
  const json& host_json = member(doc.monitor, "host", json::value_t::object);
  const std::vector<MonitorSource> host = {{"host", &array_at(host_json, "series")}};
  std::map<int64_t, size_t> index;
  for (const MonitorSource& s : targets) add_times(s, index);
  add_times(host[0], index);
  const double offset = monitor_offset_s(doc);
  json x = json::array();
  for (auto& [key, i] : index) {
    i = x.size();
    x.push_back(round_ms(static_cast<double>(key) / 1000 + offset));
  }
  json charts = json::array();
  for (const MonitorChartSpec& spec : monitor_chart_specs()) {
    json chart = monitor_chart(spec, spec.host ? host : targets, index);
    if (!chart["series"].empty()) charts.push_back(std::move(chart));
  }
  json range = shared_time_range(doc, x);
  return {{"offset_s", offset},
          {"x", std::move(x)},
          {"x_range", std::move(range)},
          {"charts", std::move(charts)}};
}

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
  json derived = {{"spectrum", percentile_spectrum(doc)}};
  if (json monitor = monitor_charts(doc); !monitor.is_null())
    derived["monitor"] = std::move(monitor);
  const json data = {{"results", results_to_json(doc)}, {"derived", std::move(derived)}};
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
