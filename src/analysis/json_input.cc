#include "analysis/json_input.h"

#include <fmt/format.h>

#include <cmath>

#include "core/json_depth.h"

namespace perfgate::analysis {
namespace {

// Replaces NaN, Infinity and -Infinity outside strings with `null` padded with spaces to the same
// length where possible, so that error positions stay right for the rest of the document.
std::string neutralize_non_finite(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    const std::string_view rest = text.substr(i);
    if (rest.starts_with("-Infinity")) {
      out += "null     ";
      i += 8;
    } else if (rest.starts_with("Infinity")) {
      out += "null    ";
      i += 7;
    } else if (rest.starts_with("NaN")) {
      out += "null";  // one character longer: only shifts columns on this line
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string line_col(std::string_view text, size_t byte) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return fmt::format("{}:{}", line, col);
}

}  // namespace

Result<nlohmann::json> parse_json(std::string_view text, const std::string& source) {
  if (json_nesting_exceeds(text)) {
    return make_error(fmt::format("{}: JSON nested deeper than {} levels", source, kMaxJsonNesting),
                      "is this a result file? check that it was written completely");
  }
  const std::string clean = neutralize_non_finite(text);
  try {
    return nlohmann::json::parse(clean);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based and points just past the offending character.
    const size_t at = e.byte > 0 ? e.byte - 1 : 0;
    std::string what = e.what();
    if (auto pos = what.find("parse error"); pos != std::string::npos) what = what.substr(pos);
    return make_error(fmt::format("{}:{}: malformed JSON: {}", source, line_col(clean, at), what),
                      "is this a result file? check that it was written completely");
  } catch (const nlohmann::json::exception& e) {
    // Not a syntax error but a value nlohmann cannot hold, e.g. 1e309 or a 5000-digit number
    // (out_of_range 406).
    return make_error(fmt::format("{}: unreadable JSON: {}", source, e.what()),
                      "numbers must fit a double (at most about 1.8e308)");
  }
}

const nlohmann::json* number_at(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return nullptr;
  if (!std::isfinite(it->get<double>())) return nullptr;
  return &*it;
}

}  // namespace perfgate::analysis
