// Fuzz target for plan templates (plan/template.cc): `{{...}}` strings compiled at load time and
// rendered per request. The first byte picks the escaping, the rest is the template; names a..z
// are defined variables. Contract under test: a Template or errors with offsets inside the text,
// and rendering of a compiled template never fails - never a crash or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "plan/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace perfgate::plan;
  if (size == 0) return 0;
  const Escape escape = data[0] % 2 == 0 ? Escape::kNone : Escape::kJson;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const SlotResolver resolve = [](std::string_view name) {
    return name.size() == 1 && name[0] >= 'a' && name[0] <= 'z' ? name[0] - 'a' : -1;
  };
  auto compiled = compile_template(text, resolve, escape);
  for (const TemplateError& e : compiled.errors) {
    if (e.offset > text.size()) std::abort();  // an error must point inside the text
  }
  if (compiled.errors.empty()) {
    static const std::vector<std::string> vars(26, "v\"\\\n");
    std::mt19937_64 rng(1);
    RenderContext context{vars, 1, 0, 0, &rng};
    std::string out;
    compiled.value.render(context, out);
  }
  return 0;
}
