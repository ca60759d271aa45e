// Diagnostics: the errors found in a plan, each pinned to file:line:col, collected so that one
// `plan --check` run reports several mistakes instead of stopping at the first.
//
// Thread-safety: a plain value type; one loader fills one Diagnostics.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::plan {

// A place in a plan file. Line and column are 1-based; 0 means "unknown" (e.g. the whole file).
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;

  // "plan.yaml:12:5", or just "plan.yaml" when the line is unknown.
  std::string describe() const;
};

struct Diagnostic {
  SourcePos pos;
  std::string message;  // what is wrong and what was expected
  std::string hint;     // how to fix it; may be empty

  // "plan.yaml:12:5: error: <message> (hint: <hint>)" — the line `plan --check` prints.
  std::string format() const;
};

class Diagnostics {
 public:
  void add(SourcePos pos, std::string message, std::string hint = {});
  bool ok() const { return items_.empty(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  // Items ordered by (line, column), stable for equal positions, so output follows the file.
  std::vector<Diagnostic> sorted() const;
  // Replaces every message and hint by rewrite(text), e.g. to redact secrets they quote.
  void rewrite(const std::function<std::string(std::string_view)>& rewrite);

 private:
  std::vector<Diagnostic> items_;
};

// Levenshtein distance, for "did you mean" hints.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a plausible typo, else "".
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

// `did you mean "x"?` when a close candidate exists, else `expected one of: a, b, c`.
std::string suggest(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace perfgate::plan
