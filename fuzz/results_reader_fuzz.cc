// Fuzz target for the results file reader (report/results_json_reader.cc: `perfgate report`
// and every reader of perfgate's own results files). Contract under test: any bytes yield a
// ResultsDocument or an Error - never a crash, an exception escaping, or a sanitizer report. A
// document that reads back is written out and read again: the writer must accept what the reader
// produced.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "report/results_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = perfgate::report::parse_results_json(text);
  if (doc) {
    auto again = perfgate::report::parse_results_json(perfgate::report::format_results_json(*doc));
    (void)again;
  }
  return 0;
}
