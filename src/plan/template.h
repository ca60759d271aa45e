// Template: a `{{...}}` string compiled once at load time into literal and variable parts, so
// rendering at run time is a walk over a short vector that appends into a reused buffer (no
// parsing, no map lookups, no allocation once the buffer has grown).
//
// Variables are resolved at compile time to slots: each VU keeps one std::string per slot of the
// plan's VariableTable and the template reads `vars[slot]`. Built-ins: {{__VU}}, {{__ITER}},
// {{uuid}}, {{randInt a b}}, {{now}} (Unix milliseconds). Filters follow a `|` and apply left to
// right: {{q | urlencode}}, {{creds | base64}}, {{token | base64url}}, {{name | json}}.
// After the filters, the context's escaping applies to every substituted value: kJson (inside
// a JSON string) or kUrl (characters never valid in a URL, such as a space, become %XX).
//
// Thread-safety: a compiled Template is immutable and may be rendered from many threads at once;
// each thread passes its own RenderContext (its own RNG).
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace perfgate::plan {

// The per-VU (per-thread) state a template reads while rendering.
struct RenderContext {
  std::span<const std::string> vars;  // indexed by VariableTable slot
  std::int64_t vu = 0;                // 1-based VU number, k6's __VU
  std::int64_t iteration = 0;         // 0-based iteration of this VU, k6's __ITER
  std::int64_t unix_millis = 0;       // {{now}}; the caller reads the wall clock once per render
  std::mt19937_64* rng = nullptr;     // {{uuid}}, {{randInt}}; may be null if neither is used
};

enum class Escape { kNone, kJson, kUrl };

// A transformation of a substituted value, written after `|`:
//   urlencode  every byte but RFC 3986's unreserved A-Z a-z 0-9 - . _ ~ as %XX
//              (JavaScript's encodeURIComponent, for a query or path segment)
//   base64     RFC 4648 base64 with padding          base64url  URL-safe, no padding (JWTs)
//   json       a JSON string literal, quotes included: a"b -> "a\"b"
enum class Filter { kUrlencode, kBase64, kBase64Url, kJson };

struct TemplateCompileResult;
using SlotResolver = std::function<int(std::string_view name)>;

class Template {
 public:
  enum class Kind { kLiteral, kVariable, kVu, kIteration, kUuid, kRandInt, kNow };
  struct Part {
    Kind kind = Kind::kLiteral;
    std::string text;                // the literal, or the variable's name (for messages)
    int slot = -1;                   // kVariable: index into RenderContext::vars
    std::int64_t low = 0, high = 0;  // kRandInt bounds, inclusive
    std::vector<Filter> filters;     // applied left to right before the context's escaping
  };

  Template() = default;
  // A template that is only a literal (no `{{`).
  static Template literal(std::string text);

  // Appends the rendered text to `out`.
  void render(const RenderContext& context, std::string& out) const;
  std::string render(const RenderContext& context) const;

  bool is_literal() const { return parts_.size() <= 1 && (parts_.empty() || !dynamic(0)); }
  const std::string& source() const { return source_; }
  const std::vector<Part>& parts() const { return parts_; }
  // Names of the variables (not built-ins) the template reads.
  std::vector<std::string> variable_names() const;

 private:
  friend struct TemplateCompiler;
  friend TemplateCompileResult compile_template(std::string_view, const SlotResolver&, Escape);
  bool dynamic(size_t i) const { return parts_[i].kind != Kind::kLiteral; }
  void render_value(const Part& part, const RenderContext& context, std::string& out) const;

  std::string source_;
  std::vector<Part> parts_;
  Escape escape_ = Escape::kNone;
};

// Where a compile error sits: `offset` is the byte offset of the `{{` inside the text.
struct TemplateError {
  size_t offset = 0;
  Error error;
};

// SlotResolver maps a variable name to its slot, or returns -1 when the name is not defined.

// Compiles `text`. Unknown names, an unclosed `{{`, empty `{{}}` and malformed built-in
// arguments are errors. With Escape::kJson, substituted values are JSON-string escaped (used for
// the `json:` body shorthand, whose templates always sit inside JSON strings).
struct TemplateCompileResult {
  Template value;
  std::vector<TemplateError> errors;
};
TemplateCompileResult compile_template(std::string_view text, const SlotResolver& resolve,
                                       Escape escape = Escape::kNone);

// Appends `value` to `out` escaped for the inside of a JSON string.
void append_json_escaped(std::string_view value, std::string& out);
// Appends `value` with `filter` applied.
void append_filtered(Filter filter, std::string_view value, std::string& out);
// Appends `value` with the bytes that are never valid in a URL (controls, space, non-ASCII,
// and " # < > \ ^ ` { | }) as %XX; '%' and the URL's delimiters (/ ? & = : @) stay, so a value
// holding a path or a whole URL still works.
void append_url_escaped(std::string_view value, std::string& out);

}  // namespace perfgate::plan
