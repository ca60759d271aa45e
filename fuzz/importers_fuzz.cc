// Fuzz target for everything that reads other people's files in the analysis module: the
// result importers (every format and auto-detection), the HdrHistogram base64 decoder and the
// gates file parser. The first byte picks the parser, the rest is its input. A parsed MetricTable
// is also compared with itself, to run the statistics on whatever values the input produced.
// Contract under test: malformed input yields an Error, never a crash, hang or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "analysis/compare.h"
#include "analysis/gate.h"
#include "analysis/metric_table.h"
#include "stats/hdr_encoding.h"

namespace {

constexpr std::string_view kFormats[] = {"auto",      "perfgate",   "k6", "gbench",
                                         "hyperfine", "lighthouse", "bmf"};
constexpr size_t kParsers = std::size(kFormats) + 2;  // + histogram decoder + gates file

void exercise(const perfgate::analysis::MetricTable& set) {
  perfgate::analysis::CompareOptions options;
  options.bootstrap.resamples = 200;
  auto comparison = perfgate::analysis::compare(set, set, options);
  (void)comparison;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t parser = data[0] % kParsers;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (parser < std::size(kFormats)) {
    auto set = perfgate::analysis::parse_metric_table(text, kFormats[parser], "fuzz.json");
    if (set) exercise(*set);
  } else if (parser == std::size(kFormats)) {
    auto histogram = perfgate::decode_compressed_base64(text);
    if (histogram) (void)perfgate::encode_compressed_base64(*histogram);
  } else {
    auto gates = perfgate::analysis::parse_gates(text, "fuzz.yaml");
    (void)gates;
  }
  return 0;
}
