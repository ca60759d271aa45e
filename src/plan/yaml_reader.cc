#include "plan/yaml_reader.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <set>

#include "core/units.h"

namespace perfgate::plan {
namespace {

constexpr Nanos kMaxDuration = 8760LL * 3600 * kNanosPerSecond;

bool env_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

namespace {

// Adds the nodes under `node` (itself included) to `count`; false once a bound is passed.
bool count_nodes(const YAML::Node& node, int depth, size_t max_nodes, int max_depth, size_t& count,
                 bool& too_deep) {
  if (++count > max_nodes) return false;
  if (!node.IsMap() && !node.IsSequence()) return true;
  if (depth >= max_depth) {
    too_deep = true;
    return false;
  }
  for (const auto& item : node) {
    if (node.IsMap()) {
      if (!count_nodes(item.first, depth + 1, max_nodes, max_depth, count, too_deep) ||
          !count_nodes(item.second, depth + 1, max_nodes, max_depth, count, too_deep)) {
        return false;
      }
    } else if (!count_nodes(item, depth + 1, max_nodes, max_depth, count, too_deep)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> exceeds_bounds(const YAML::Node& root, size_t max_nodes, int max_depth) {
  size_t count = 0;
  bool too_deep = false;
  if (count_nodes(root, 0, max_nodes, max_depth, count, too_deep)) return std::nullopt;
  if (too_deep) return fmt::format("the document is nested deeper than {} levels", max_depth);
  return fmt::format(
      "the document expands to more than {} values (aliases count once per use: a \"billion "
      "laughs\" of nested aliases?)",
      max_nodes);
}

YamlReader::YamlReader(std::string file, Diagnostics& diagnostics, EnvLookup env)
    : file_(std::move(file)), diagnostics_(diagnostics), env_(std::move(env)) {}

SourcePos YamlReader::pos(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null() || mark.line < 0) return SourcePos{file_};
  return SourcePos{file_, mark.line + 1, mark.column + 1};
}

void YamlReader::error(const YAML::Node& at, std::string message, std::string hint) {
  diagnostics_.add(pos(at), std::move(message), std::move(hint));
}

void YamlReader::error(SourcePos at, std::string message, std::string hint) {
  diagnostics_.add(std::move(at), std::move(message), std::move(hint));
}

std::string_view YamlReader::kind_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Null:
      return "nothing (null)";
    default:
      return "nothing";
  }
}

bool YamlReader::expect_map(const YAML::Node& node, std::string_view what) {
  if (node.IsMap()) return true;
  error(node, fmt::format("expected a mapping for {}, got {}", what, kind_name(node)),
        "write key: value pairs, one per line, indented under it");
  return false;
}

bool YamlReader::expect_sequence(const YAML::Node& node, std::string_view what) {
  if (node.IsSequence()) return true;
  error(node, fmt::format("expected a list for {}, got {}", what, kind_name(node)),
        "write one \"- item\" per line, or [a, b]");
  return false;
}

void YamlReader::for_each(const YAML::Node& map, std::string_view what,
                          const std::vector<std::string_view>& allowed, const Visitor& visit) {
  if (!expect_map(map, what)) return;
  std::set<std::string> seen;
  for (const auto& entry : map) {
    const YAML::Node& key_node = entry.first;
    if (!key_node.IsScalar()) {
      error(key_node, fmt::format("expected a plain key in {}, got {}", what, kind_name(key_node)));
      continue;
    }
    const std::string key = key_node.Scalar();
    if (!seen.insert(key).second) {
      error(key_node, fmt::format("duplicate key \"{}\" in {}", key, what),
            "each key may appear once; rename or merge the entries");
      continue;
    }
    if (!allowed.empty() &&
        std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end()) {
      error(key_node, fmt::format("unknown key \"{}\" in {}", key, what), suggest(key, allowed));
      continue;
    }
    visit(key, key_node, entry.second);
  }
}

std::optional<std::string> YamlReader::interpolate(const YAML::Node& node,
                                                   const std::string& text) {
  if (text.find('$') == std::string::npos) return text;
  std::string out;
  bool ok = true;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    const size_t close = text.find('}', i + 2);
    if (close == std::string::npos) {
      error(node, fmt::format("unclosed \"${{\" in \"{}\"", text),
            "write ${NAME} or ${NAME:-default}; $${ is a literal ${");
      return std::nullopt;
    }
    const std::string body = text.substr(i + 2, close - i - 2);
    const size_t dash = body.find(":-");
    const std::string name = body.substr(0, dash);
    if (name.empty() || !std::all_of(name.begin(), name.end(), env_name_char)) {
      error(node, fmt::format("invalid environment variable name \"{}\"", name),
            "names use letters, digits and _, as in ${BASE_URL:-http://127.0.0.1:8080}");
      ok = false;
    } else if (auto value = env_ ? env_(name) : std::nullopt) {
      env_used_.emplace_back(name, *value);
      out += *value;
    } else if (dash != std::string::npos) {
      out += body.substr(dash + 2);
    } else {
      error(node, fmt::format("environment variable {} is not set", name),
            fmt::format("set it, or give a default: ${{{}:-value}}", name));
      ok = false;
    }
    i = close + 1;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::string> YamlReader::string(const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) {
    error(node, fmt::format("expected a string for {}, got {}", what, kind_name(node)));
    return std::nullopt;
  }
  return interpolate(node, node.Scalar());
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& node, std::string_view what,
                                                std::int64_t min) {
  if (!node.IsScalar()) {
    error(node, fmt::format("expected an integer for {}, got {}", what, kind_name(node)));
    return std::nullopt;
  }
  auto text = interpolate(node, node.Scalar());
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || ptr != text->data() + text->size()) {
    error(node, fmt::format("expected an integer for {}, got \"{}\"", what, *text),
          "write a whole number such as 10");
    return std::nullopt;
  }
  if (value < min) {
    error(node, fmt::format("{} must be at least {}, got {}", what, min, value));
    return std::nullopt;
  }
  return value;
}

std::optional<double> YamlReader::number(const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) {
    error(node, fmt::format("expected a number for {}, got {}", what, kind_name(node)));
    return std::nullopt;
  }
  auto text = interpolate(node, node.Scalar());
  if (!text) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || ptr != text->data() + text->size() || !std::isfinite(value)) {
    error(node, fmt::format("expected a number for {}, got \"{}\"", what, *text));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& node, std::string_view what) {
  auto text = node.IsScalar() ? interpolate(node, node.Scalar()) : std::nullopt;
  if (text == "true") return true;
  if (text == "false") return false;
  error(node, fmt::format("expected true or false for {}", what));
  return std::nullopt;
}

std::optional<Nanos> YamlReader::duration(const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) {
    error(node, fmt::format("expected a duration for {}, got {}", what, kind_name(node)),
          "use a number with a unit, e.g. 500ms, 10s, 1m30s, 2h");
    return std::nullopt;
  }
  auto text = interpolate(node, node.Scalar());
  if (!text) return std::nullopt;
  double millis = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), millis);
  if (ec == std::errc() && ptr == text->data() + text->size() && millis >= 0 &&
      millis <= static_cast<double>(kMaxDuration / kNanosPerMilli)) {
    return static_cast<Nanos>(std::llround(millis * kNanosPerMilli));
  }
  auto parsed = parse_duration(*text);
  if (!parsed) {
    error(node, fmt::format("invalid duration \"{}\" for {}", *text, what), parsed.error().hint);
    return std::nullopt;
  }
  if (*parsed > kMaxDuration) {
    error(node, fmt::format("duration \"{}\" for {} is longer than a year", *text, what),
          "plans are limited to durations of at most 8760h");
    return std::nullopt;
  }
  return *parsed;
}

}  // namespace perfgate::plan
