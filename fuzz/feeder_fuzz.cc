// Fuzz target for plan data files (plan/feeder.cc: CSV with a header row, or a JSON array of
// objects). The first byte picks the format, the rest is the file. Contract under test: rows
// with exactly one field per column, or diagnostics - never a crash or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "plan/loader_internal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace perfgate::plan;
  if (size == 0) return 0;
  Diagnostics diagnostics;
  detail::LoadContext ctx("fuzz.yaml", "/nonexistent", diagnostics, nullptr);
  Feeder feeder{"users"};
  feeder.path = data[0] % 2 == 0 ? "users.csv" : "users.json";
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (detail::read_feeder_text(ctx, feeder, text)) {
    for (const auto& row : feeder.rows) {
      if (row.size() != feeder.columns.size()) std::abort();  // the feeder's promise
    }
  }
  return 0;
}
