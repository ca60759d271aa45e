#include "plan/diagnostics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace perfgate::plan {

std::string SourcePos::describe() const {
  if (line <= 0) return file;
  return fmt::format("{}:{}:{}", file, line, column);
}

std::string Diagnostic::format() const {
  std::string out = fmt::format("{}: error: {}", pos.describe(), message);
  if (!hint.empty()) out += fmt::format(" (hint: {})", hint);
  return out;
}

void Diagnostics::rewrite(const std::function<std::string(std::string_view)>& rewrite) {
  for (Diagnostic& d : items_) {
    d.message = rewrite(d.message);
    d.hint = rewrite(d.hint);
  }
}

void Diagnostics::add(SourcePos pos, std::string message, std::string hint) {
  items_.push_back(Diagnostic{std::move(pos), std::move(message), std::move(hint)});
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
    return a.pos.column < b.pos.column;
  });
  return out;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      const size_t next = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = row[j];
      row[j] = next;
    }
  }
  return row[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  // A third of the word's length (at least 1, at most 3) keeps suggestions plausible.
  const size_t limit = std::clamp<size_t>(word.size() / 3, 1, 3);
  std::string best;
  size_t best_distance = limit + 1;
  for (std::string_view c : candidates) {
    const size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(c);
    }
  }
  return best;
}

std::string suggest(std::string_view word, const std::vector<std::string_view>& candidates) {
  if (std::string best = closest_match(word, candidates); !best.empty()) {
    return fmt::format("did you mean \"{}\"?", best);
  }
  std::string list;
  for (std::string_view c : candidates) {
    if (!list.empty()) list += ", ";
    list += c;
  }
  return "expected one of: " + list;
}

}  // namespace perfgate::plan
