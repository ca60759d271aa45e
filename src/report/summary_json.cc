#include "report/summary_json.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"

namespace perfgate::report {
namespace {

using nlohmann::json;
using results::RunResult;
using results::Trend;

double ms(int64_t micros) { return static_cast<double>(micros) / 1000.0; }

json trend_json(const HdrHistogram& h) {
  return {{"avg", h.mean() / 1000.0},
          {"min", ms(h.min())},
          {"med", ms(h.value_at_percentile(50))},
          {"max", ms(h.max())},
          {"p(90)", ms(h.value_at_percentile(90))},
          {"p(95)", ms(h.value_at_percentile(95))},
          {"p(99)", ms(h.value_at_percentile(99))},
          {"p(99.9)", ms(h.value_at_percentile(99.9))}};
}

json counter_json(int64_t count, double seconds) {
  return {{"count", count}, {"rate", seconds > 0 ? static_cast<double>(count) / seconds : 0.0}};
}

json metrics_json(const RunResult& r) {
  const auto& t = r.totals;
  const double secs = r.elapsed_seconds();
  json m = json::object();
  const bool open = r.meta.model == results::Model::kOpen;
  for (size_t i = 0; i < results::kTrendCount; ++i) {
    const auto trend = static_cast<Trend>(i);
    const bool open_only = trend == Trend::kScheduleLag || trend == Trend::kDurationUncorrected;
    if (open_only && !open) continue;
    if (trend == Trend::kGrpcDuration && t.trend(trend).count() == 0) continue;
    m[std::string(results::kTrendNames[i])] = trend_json(t.trend(trend));
  }
  m["http_reqs"] = counter_json(t.http_reqs, secs);
  m["iterations"] = counter_json(t.iterations, secs);
  m["dropped_iterations"] = counter_json(t.dropped_iterations, secs);
  m["data_sent"] = counter_json(t.data_sent, secs);
  m["data_received"] = counter_json(t.data_received, secs);
  m["http_req_failed"] = {{"value", r.failed_rate()},
                          {"passes", t.failed_requests},
                          {"fails", t.http_reqs - t.failed_requests}};
  m["vus"] = {{"value", r.vus.value}, {"min", r.vus.min}, {"max", r.vus.max}};
  m["vus_max"] = {{"value", r.vus_max.value}, {"min", r.vus_max.min}, {"max", r.vus_max.max}};
  return m;
}

std::string iso8601(int64_t unix_nanos) {
  const auto tp = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(unix_nanos)));
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(tp)));
}

json series_json(const RunResult& r) {
  json series = json::array();
  for (const auto& p : r.series) {
    series.push_back({{"t", p.t_seconds},
                      {"requests", p.requests},
                      {"errors", p.errors},
                      {"active_vus", p.active_vus},
                      {"p50_ms", ms(p.p50_us)},
                      {"p90_ms", ms(p.p90_us)},
                      {"p95_ms", ms(p.p95_us)},
                      {"p99_ms", ms(p.p99_us)},
                      {"max_ms", ms(p.max_us)},
                      {"schedule_lag_p99_ms", ms(p.schedule_lag_p99_us)}});
  }
  return series;
}

json perfgate_json(const RunResult& r) {
  const auto& m = r.meta;
  json errors = json::object();
  for (size_t i = 0; i < results::kErrorClassCount; ++i) {
    errors[std::string(results::kErrorClassNames[i])] = r.totals.errors[i];
  }
  json responses = json::object();
  for (size_t s = 0; s < results::kStatusSlots; ++s) {
    if (r.totals.statuses[s] != 0) responses[std::to_string(s)] = r.totals.statuses[s];
  }
  const bool open = m.model == results::Model::kOpen;
  return {{"version", m.version},
          {"command", m.command_line},
          {"model", results::model_name(m.model)},
          {"target", m.target_url},
          {"start_time", iso8601(m.start_unix_nanos)},
          {"duration_s", static_cast<double>(m.duration) / kNanosPerSecond},
          {"elapsed_s", r.elapsed_seconds()},
          {"threads", m.threads},
          {"vus", m.vus},
          {"max_vus", m.max_vus},
          {"rate", m.rate},
          {"timeout_s", static_cast<double>(m.timeout) / kNanosPerSecond},
          {"interrupted", r.interrupted},
          {"latency", open ? "http_req_duration counts from each iteration's scheduled start "
                             "(coordinated-omission corrected); http_req_duration_uncorrected "
                             "from the actual send"
                           : "http_req_duration counts from the actual send"},
          {"errors", errors},
          {"responses", responses},
          {"health",
           {{"cpu_percent", r.health.cpu_percent},
            {"cpu_seconds", r.health.cpu_seconds},
            {"usable_cores", r.health.usable_cores},
            {"trustworthy", r.health.warnings.empty()},
            {"warnings", r.health.warnings}}},
          {"time_series", series_json(r)}};
}

// The parent path of a group path ("::a::b" -> "::a", "::a" -> "").
std::string parent_path(const std::string& path) { return path.substr(0, path.rfind("::")); }

json group_node(const std::string& path) {
  const size_t cut = path.rfind("::");
  return {{"name", cut == std::string::npos ? path : path.substr(cut + 2)},
          {"path", path},
          {"id", k6_group_id(path)},
          {"groups", json::array()},
          {"checks", json::array()}};
}

// Adds `path` and its parents under `root` (nodes by path in `nodes`); returns its node.
json& ensure_group(json& root, std::map<std::string, json::json_pointer>& nodes,
                   const std::string& path) {
  if (path.empty()) return root;
  if (auto it = nodes.find(path); it != nodes.end()) return root[it->second];
  const std::string parent = parent_path(path);
  json& groups = ensure_group(root, nodes, parent)["groups"];
  groups.push_back(group_node(path));
  const json::json_pointer parent_ptr = parent.empty() ? json::json_pointer() : nodes[parent];
  nodes[path] = parent_ptr / "groups" / (groups.size() - 1);
  return root[nodes[path]];
}

}  // namespace

std::string k6_group_id(const std::string& path) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(path.data(), path.size(), digest, &length, EVP_md5(), nullptr) != 1) return "";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

json root_group_json(const std::vector<std::string>& groups,
                     const std::vector<SummaryCheck>& checks) {
  json root = group_node("");
  std::map<std::string, json::json_pointer> nodes;
  for (const std::string& g : groups) ensure_group(root, nodes, g);
  for (const SummaryCheck& c : checks) {
    const std::string path = c.group + "::" + c.name;
    ensure_group(root, nodes, c.group)["checks"].push_back({{"name", c.name},
                                                            {"path", path},
                                                            {"id", k6_group_id(path)},
                                                            {"passes", c.passes},
                                                            {"fails", c.fails}});
  }
  return root;
}

json trend_summary_json(const HdrHistogram& h) { return trend_json(h); }

json summary_json(const RunResult& result) {
  return {{"root_group", root_group_json({}, {})},
          {"metrics", metrics_json(result)},
          {"perfgate", perfgate_json(result)}};
}

std::string format_summary_json(const RunResult& result) {
  return summary_json(result).dump(2) + "\n";
}

Result<void> write_summary_json(const RunResult& result, const std::string& path) {
  return write_file_atomically(path, format_summary_json(result));
}

}  // namespace perfgate::report
