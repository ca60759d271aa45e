// Regex: a user-supplied regular expression (extract: {regex:}, checks headers: and
// bodyMatches:) compiled once when the plan loads and matched against response bytes at run
// time. It uses RE2: matching takes time linear in the text and bounded memory whatever the
// pattern - no backtracking, no recursion per character - so `x(.*)` over a 1 MB line or
// `(a+)+$` over 100k 'a's return promptly. The price is RE2's syntax: no backreferences and no
// lookaround (https://github.com/google/re2/wiki/Syntax).
//
// Thread-safety: immutable once compiled; copies share the compiled program, and any number of
// threads may match with it at once (RE2 is thread-safe for matching).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace re2 {
class RE2;
}

namespace perfgate::plan {

class Regex {
 public:
  // Patterns longer than this are refused at load time.
  static constexpr size_t kMaxPatternLength = 1000;

  // The compiled pattern, or an Error carrying RE2's message.
  static Result<Regex> compile(std::string_view pattern);

  // Whether the pattern matches somewhere in `text`.
  bool search(std::string_view text) const;

  // The first match in `text`: capture group 1 when the pattern has groups (empty when that
  // group took no part in the match), else the whole match; nullopt when nothing matched.
  // The view points into `text`.
  std::optional<std::string_view> extract(std::string_view text) const;

  const std::string& pattern() const;

 private:
  explicit Regex(std::shared_ptr<const re2::RE2> re) : re_(std::move(re)) {}
  std::shared_ptr<const re2::RE2> re_;
};

}  // namespace perfgate::plan
