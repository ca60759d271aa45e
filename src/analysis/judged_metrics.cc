#include "analysis/judged_metrics.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace perfgate::analysis {
namespace {

bool is_load_test_format(std::string_view format) {
  return format == "perfgate" || format == "k6" || format == "mixed";
}

// "http_req_duration" or a tagged sub-metric of it ("http_req_duration{name:login}").
bool is_metric_or_sub_metric(std::string_view name, std::string_view base) {
  return name == base || (name.starts_with(base) && name.size() > base.size() &&
                          name[base.size()] == '{' && name.ends_with('}'));
}

bool is_request_latency(std::string_view name) {
  return is_metric_or_sub_metric(name, "http_req_duration") ||
         is_metric_or_sub_metric(name, "grpc_req_duration");
}

bool is_gated_load_metric(const Metric& m) {
  if (is_request_latency(m.name)) {
    return m.stat == "med" || m.stat == "p(95)" || m.stat == "p(99)";
  }
  if (m.name == "http_req_failed" || m.name == "checks") return m.stat == "value";
  if (m.name == "http_reqs" || m.name == "grpc_reqs") return m.stat == "rate";
  // The answers of `perfgate capacity`, `stress` and `scale` (importers/perfgate_results.cc).
  return m.name.starts_with("capacity_") || m.name.starts_with("stress_") ||
         m.name.starts_with("usl_");
}

}  // namespace

bool is_run_length_count(const Metric& m) {
  if (m.stat == "count" || m.name == "vus" || m.name == "vus_max") return true;
  return m.stat == "total" || m.stat == "failed" || m.stat == "passes" || m.stat == "fails";
}

bool judged_by_default(const Metric& metric, std::string_view format) {
  if (is_load_test_format(format)) return is_gated_load_metric(metric);
  return !is_run_length_count(metric);
}

const NoiseFloors& default_noise_floors() {
  static const NoiseFloors kFloors = {
      {"ms", 1.0},       // request latencies, page-load timings
      {"s", 0.001},      // command times (hyperfine), user and system CPU
      {"ratio", 0.001},  // error rate, checks: 0.1 percentage point
      {"/s", 1.0},       // throughput
      {"score", 0.01},   // Lighthouse category scores (0..1)
      {"%", 1.0},        // CPU percent
      {"bytes", 1024.0},
  };
  return kFloors;
}

double noise_floor(std::string_view unit, std::string_view format, const NoiseFloors& overrides) {
  if (auto it = overrides.find(unit); it != overrides.end()) return it->second;
  if (format == "gbench" || format == "bmf") return 0;
  const NoiseFloors& defaults = default_noise_floors();
  auto it = defaults.find(unit);
  return it == defaults.end() ? 0 : it->second;
}

Result<void> parse_noise_floor(std::string_view text, NoiseFloors& floors) {
  const size_t eq = text.rfind('=');
  const auto bad = [&] {
    return make_error(fmt::format("'{}' is not a noise floor", text),
                      "write UNIT=VALUE in the metric's unit, e.g. ms=0.2, s=0.005, /s=10, "
                      "ratio=0 (0 turns the floor off)");
  };
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size()) return bad();
  const std::string_view number = text.substr(eq + 1);
  double value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size() || !std::isfinite(value) ||
      value < 0) {
    return bad();
  }
  floors[std::string(text.substr(0, eq))] = value;
  return {};
}

}  // namespace perfgate::analysis
