#include "plan/regex.h"

#include <fmt/format.h>
#include <re2/re2.h>

namespace perfgate::plan {
namespace {

// RE2's default program budget (8 MiB) is kept: a pattern whose program would exceed it fails
// to compile with "pattern too large - compile failed" instead of growing without bound.
RE2::Options options() {
  RE2::Options o;
  o.set_log_errors(false);  // errors are reported as plan diagnostics, not on stderr
  return o;
}

}  // namespace

Result<Regex> Regex::compile(std::string_view pattern) {
  if (pattern.size() > kMaxPatternLength) {
    return make_error(
        fmt::format("regular expression longer than {} characters", kMaxPatternLength));
  }
  auto re =
      std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options());
  if (!re->ok()) {
    return make_error(fmt::format("invalid regular expression \"{}\": {}", pattern, re->error()),
                      "RE2 syntax (no backreferences or lookaround); escape special characters "
                      "with a backslash");
  }
  return Regex(std::move(re));
}

bool Regex::search(std::string_view text) const {
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

std::optional<std::string_view> Regex::extract(std::string_view text) const {
  const int groups = re_->NumberOfCapturingGroups() >= 1 ? 2 : 1;
  re2::StringPiece match[2];
  if (!re_->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED,
                  match, groups)) {
    return std::nullopt;
  }
  const re2::StringPiece& chosen = match[groups - 1];
  if (chosen.data() == nullptr) return std::string_view();
  return std::string_view(chosen.data(), chosen.size());
}

const std::string& Regex::pattern() const { return re_->pattern(); }

}  // namespace perfgate::plan
