// Fuzz target for gates files (analysis/gate_parser.cc: YAML plus the condition grammar). Any
// bytes yield a GatesFile or an Error - never a crash, an escaping exception (yaml-cpp's or
// std::stod's) or a sanitizer report. A file that parses is evaluated against a small result set
// so the comparison code sees whatever thresholds the input produced.
#include <cstddef>
#include <cstdint>
#include <string>

#include "analysis/gate.h"
#include "analysis/metric_table.h"

namespace {

perfgate::analysis::MetricTable sample_set() {
  perfgate::analysis::MetricTable set;
  set.source = "fuzz.json";
  set.metrics.push_back({.name = "http_req_duration", .stat = "p(95)", .unit = "ms", .value = 12});
  set.metrics.push_back({.name = "http_reqs", .stat = "rate", .unit = "/s", .value = 900});
  return set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto gates = perfgate::analysis::parse_gates(text, "fuzz.yaml");
  if (gates) {
    static const std::vector<perfgate::analysis::MetricTable> sets = {sample_set()};
    auto report = perfgate::analysis::evaluate_gates(
        *gates, sets, [](const std::string&) -> perfgate::Result<perfgate::analysis::MetricTable> {
          return sample_set();
        });
    (void)report;
  }
  return 0;
}
