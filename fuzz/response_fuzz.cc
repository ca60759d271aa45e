// Fuzz target for what a plan step does with a response (plan/regex.cc, plan/json_lookup.cc):
// input is "<regex>\n<JSON pointer>\n<body>". The regex is compiled (RE2) and matched against the
// body; the pointer is looked up by streaming and the answer must equal the DOM's (a
// differential oracle). Contract under test: linear-time matching, no crash, no disagreement.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "plan/json_lookup.h"
#include "plan/regex.h"

namespace {

// The DOM's answer for a body no deeper than kMaxJsonDepth (deeper bodies are "not JSON" for
// json_lookup by contract).
std::optional<nlohmann::json> dom_lookup(std::string_view body, const std::string& pointer) {
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded()) return std::nullopt;
  try {
    return doc.at(nlohmann::json::json_pointer(pointer));
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

bool valid_pointer(const std::string& pointer) {
  try {
    (void)nlohmann::json::json_pointer(pointer);
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

size_t nesting(std::string_view body) {
  size_t depth = 0, most = 0;
  for (char c : body) {
    if (c == '[' || c == '{') most = std::max(most, ++depth);
    if ((c == ']' || c == '}') && depth > 0) --depth;
  }
  return most;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace perfgate::plan;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t first = input.find('\n');
  if (first == std::string_view::npos) return 0;
  const size_t second = input.find('\n', first + 1);
  if (second == std::string_view::npos) return 0;
  const std::string_view pattern = input.substr(0, first);
  const std::string pointer(input.substr(first + 1, second - first - 1));
  const std::string_view body = input.substr(second + 1);
  if (auto re = Regex::compile(pattern)) {
    const bool found = re->search(body);
    auto extracted = re->extract(body);
    if (found != extracted.has_value()) std::abort();  // search and extract must agree
  }
  // Brackets inside strings make nesting() an over-estimate: only skip, never misjudge.
  if (valid_pointer(pointer) && nesting(body) < kMaxJsonDepth) {
    if (json_lookup(body, pointer) != dom_lookup(body, pointer)) std::abort();
  }
  return 0;
}
