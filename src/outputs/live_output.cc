#include "outputs/live_output.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cctype>
#include <ctime>
#include <random>
#include <set>

#include "outputs/influxdb_output.h"
#include "outputs/prometheus_output.h"
#include "outputs/remote_write_output.h"

namespace perfgate::outputs {

bool is_live_output_type(std::string_view type) {
  return type == "influxdb" || type == "prometheus" || type == "prometheus-rw" ||
         type == "experimental-prometheus-rw";
}

std::string generate_run_id() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::random_device random;
  return fmt::format("{:%Y%m%dT%H%M%SZ}-{:04x}", utc, random() & 0xffff);
}

namespace {

constexpr size_t kMaxTags = 32;
constexpr size_t kMaxTagKey = 64;
constexpr size_t kMaxTagValue = 256;

bool reserved_tag(std::string_view key) {
  static const std::set<std::string_view> kReserved = {
      "testid",     "name",        "method",   "status", "url",  "group",
      "check",      "scenario",    "instance", "le",     "stat", "expected_response",
      "error_code", "error_class", "__name__", "job"};
  return kReserved.contains(key);
}

std::string label_name(std::string_view key) {
  std::string out;
  for (const char c : key) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (!out.empty() && std::isdigit(static_cast<unsigned char>(out.front()))) out.insert(0, "_");
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> output_tags(
    const std::vector<std::pair<std::string, std::string>>& tags) {
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> seen;
  for (const auto& [key, value] : tags) {
    if (out.size() == kMaxTags) break;
    std::string name = label_name(key);
    if (name.empty() || value.empty() || name.size() > kMaxTagKey || value.size() > kMaxTagValue ||
        reserved_tag(name) || !seen.insert(name).second) {
      continue;
    }
    out.emplace_back(std::move(name), value);
  }
  return out;
}

Result<std::unique_ptr<LiveOutput>> make_live_output(std::string_view type, std::string_view target,
                                                     const RunInfo& run) {
  RunInfo info = run;
  if (info.run_id.empty()) info.run_id = generate_run_id();
  info.tags = output_tags(run.tags);
  if (type == "influxdb") {
    auto output = InfluxDbOutput::create(target, info, influxdb_options_from_environment());
    if (!output) return output.error();
    return std::unique_ptr<LiveOutput>(std::move(*output));
  }
  if (type == "prometheus") {
    auto output = PrometheusOutput::create(target, info);
    if (!output) return output.error();
    return std::unique_ptr<LiveOutput>(std::move(*output));
  }
  if (type == "prometheus-rw" || type == "experimental-prometheus-rw") {
    auto output = RemoteWriteOutput::create(target, info);
    if (!output) return output.error();
    return std::unique_ptr<LiveOutput>(std::move(*output));
  }
  return make_error(fmt::format("unknown live output type '{}'", type),
                    "live outputs are influxdb=URL, prometheus=HOST:PORT and "
                    "experimental-prometheus-rw=URL");
}

}  // namespace perfgate::outputs
