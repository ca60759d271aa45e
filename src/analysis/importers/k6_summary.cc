// perfgate --summary-json and k6 --summary-export: {"metrics": {name: {stat: number, ...}}}.
// Each numeric stat becomes one Metric ("http_req_duration p(95)"); non-numeric members
// ("thresholds") are skipped. k6's handleSummary data (`JSON.stringify(data)`) nests the
// statistics one level down, {"metrics": {name: {"type", "contains", "values": {stat: number}}}},
// and names a Rate's fraction "rate": it is read as the same keys as --summary-export (a Rate's
// "rate" becomes "value"; "contains": "time" means ms, "data" bytes). A member "hdr" holding a V2
// compressed base64 HdrHistogram
// ("HISTFAAA...") attaches the distribution to every stat of that metric.
#include <fmt/format.h>

#include "analysis/importers/importers.h"
#include "analysis/json_input.h"
#include "stats/hdr_encoding.h"

namespace perfgate::analysis {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) { return text.ends_with(suffix); }

// k6 reports built-in time trends in milliseconds; other names carry their unit as a suffix
// (sut_rss_bytes, sut_cpu_percent, sut_rss_slope_mb_per_hour) or have none.
std::string unit_for(std::string_view name, std::string_view stat) {
  const bool is_rate_stat = stat == "rate";
  if (name.starts_with("data_")) return is_rate_stat ? "bytes/s" : "bytes";
  if (is_rate_stat) return "/s";
  if (name == "http_req_failed" || name == "checks") return stat == "value" ? "ratio" : "";
  if ((name.starts_with("http_req_") && name != "http_reqs") || ends_with(name, "_duration") ||
      name.starts_with("grpc_req_") || name.starts_with("ws_") || ends_with(name, "_ms")) {
    return stat == "count" ? "" : "ms";
  }
  if (ends_with(name, "_bytes")) return "bytes";
  if (ends_with(name, "_percent")) return "%";
  if (ends_with(name, "_mb_per_hour")) return "MB/h";
  if (ends_with(name, "_seconds")) return "s";
  return "";
}

// The histogram of a metric entry, scaled to milliseconds when it was recorded in microseconds
// (perfgate records latencies in µs; "hdr_unit" may say otherwise).
Result<void> attach_histogram(const nlohmann::json& entry, std::string_view name,
                              std::vector<Metric>& metrics, size_t first) {
  auto it = entry.find("hdr");
  if (it == entry.end()) return {};
  if (!it->is_string())
    return make_error(fmt::format("metric '{}': \"hdr\" is not a string", name));
  auto decoded = decode_compressed_base64(it->get<std::string>());
  if (!decoded) {
    return make_error(fmt::format("metric '{}': bad histogram: {}", name, decoded.error().message));
  }
  double scale = 0.001;  // µs -> ms
  if (auto unit = entry.find("hdr_unit"); unit != entry.end() && unit->is_string()) {
    const std::string u = unit->get<std::string>();
    scale = u == "ms" ? 1.0 : u == "ns" ? 1e-6 : u == "s" ? 1000.0 : 0.001;
  }
  auto shared = std::make_shared<const HdrHistogram>(std::move(*decoded));
  for (size_t i = first; i < metrics.size(); ++i) {
    if (metrics[i].unit != "ms") continue;  // counts and rates do not come from the histogram
    metrics[i].histogram = shared;
    metrics[i].histogram_scale = scale;
  }
  return {};
}

void read_context(const nlohmann::json& doc, MetricTable& set) {
  auto it = doc.find("perfgate");
  if (it == doc.end() || !it->is_object()) return;
  for (const auto& [key, value] : it->items()) {
    if (value.is_string()) set.context[key] = value.get<std::string>();
    if (value.is_number()) set.context[key] = value.dump();
  }
}

// The statistics of a metric entry: the entry itself (--summary-export), or its "values" object
// (handleSummary), whose Rate "rate" is renamed "value".
struct Stats {
  const nlohmann::json* values = nullptr;
  bool handle_summary = false;
  std::string type, contains;
};

Stats stats_of(const nlohmann::json& entry) {
  auto values = entry.find("values");
  if (values == entry.end() || !values->is_object()) return {&entry};
  return {&*values, true, entry.value("type", std::string()),
          entry.value("contains", std::string())};
}

std::string stat_name(const Stats& s, const std::string& stat) {
  return s.handle_summary && s.type == "rate" && stat == "rate" ? "value" : stat;
}

std::string unit_of(const Stats& s, std::string_view name, std::string_view stat) {
  if (!s.handle_summary || s.contains.empty() || s.contains == "default") {
    return unit_for(name, stat);
  }
  if (stat == "count") return "";
  if (s.contains == "time") return stat == "rate" ? "/s" : "ms";
  if (s.contains == "data") return stat == "rate" ? "bytes/s" : "bytes";
  return unit_for(name, stat);
}

}  // namespace

Result<MetricTable> import_k6_summary(const nlohmann::json& doc, std::string_view format) {
  if (!doc.is_object() || !doc.contains("metrics") || !doc["metrics"].is_object()) {
    return make_error("not a k6-style summary: no \"metrics\" object",
                      "expected the file written by --summary-json / --summary-export");
  }
  MetricTable set;
  read_context(doc, set);
  for (const auto& [name, entry] : doc["metrics"].items()) {
    if (!entry.is_object()) {
      return make_error(fmt::format("metric '{}' is not an object", name));
    }
    const size_t first = set.metrics.size();
    const Stats stats = stats_of(entry);
    for (const auto& [raw_stat, value] : stats.values->items()) {
      if (!value.is_number() || !std::isfinite(value.get<double>())) continue;
      const std::string stat = stat_name(stats, raw_stat);
      Metric metric;
      metric.name = name;
      metric.stat = stat;
      metric.unit = unit_of(stats, name, stat);
      metric.direction = infer_direction(name, stat, metric.unit);
      metric.value = value.get<double>();
      set.metrics.push_back(std::move(metric));
    }
    if (auto attached = attach_histogram(entry, name, set.metrics, first); !attached) {
      return attached.error();
    }
  }
  (void)format;
  return set;
}

}  // namespace perfgate::analysis
