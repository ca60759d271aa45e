// Gates file parsing: YAML (yaml-cpp) plus the condition grammar of gate.h.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <set>

#include "analysis/gate.h"
#include "core/read_file.h"
#include "core/units.h"

namespace perfgate::analysis {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

Error at(const std::string& path, const YAML::Mark& mark, const std::string& what,
         const std::string& hint) {
  // yaml-cpp's null mark (-1) for errors without a position reads as 1:1.
  return make_error(fmt::format("{}:{}:{}: {}", path, std::max(mark.line, 0) + 1,
                                std::max(mark.column, 0) + 1, what),
                    hint);
}

constexpr std::string_view kConditionHint =
    "write '<metric> <op> <threshold>' or '<metric> regression <op> <percent>', e.g. "
    "'http_req_duration p(95) < 200ms'; ops: < <= > >= == !=";

Result<Threshold> parse_threshold(std::string_view text) {
  Threshold t;
  t.text = trim(text);
  const std::string& s = t.text;
  size_t end = 0;
  while (end < s.size() && (std::isdigit(static_cast<unsigned char>(s[end])) || s[end] == '.' ||
                            (end == 0 && (s[end] == '-' || s[end] == '+')))) {
    ++end;
  }
  if (end == 0 || s.find_first_of("0123456789") >= end) {
    return make_error(fmt::format("threshold '{}' does not start with a number", s));
  }
  double number = 0;
  const size_t sign = s[0] == '+' ? 1 : 0;  // from_chars takes '-' but not '+'
  const auto [ptr, ec] = std::from_chars(s.data() + sign, s.data() + end, number);
  if (ec != std::errc() || ptr != s.data() + end || !std::isfinite(number)) {
    return make_error(fmt::format("threshold '{}' is not a number a double can hold", s));
  }
  const std::string unit = trim(std::string_view(s).substr(end));
  if (unit.empty()) {
    t.value = number;
  } else if (unit == "%") {
    t.kind = ThresholdKind::kPercent;
    t.value = number / 100;
  } else if (unit.front() == '/') {
    auto rate = parse_rate(s);
    if (!rate) return make_error(fmt::format("bad rate '{}': {}", s, rate.error().message));
    t.kind = ThresholdKind::kRate;
    t.value = *rate;
  } else if (unit.back() == 'B') {
    auto bytes = parse_bytes(s);
    if (!bytes) return make_error(fmt::format("bad size '{}': {}", s, bytes.error().message));
    t.kind = ThresholdKind::kBytes;
    t.value = *bytes;
  } else {
    auto duration = parse_duration(s);
    if (!duration) {
      return make_error(fmt::format("unknown unit in '{}'", s),
                        "use ns/us/ms/s/m/h, B/KB/MB/GB/KiB/MiB/GiB, /s, % or a plain number");
    }
    t.kind = ThresholdKind::kDuration;
    t.value = static_cast<double>(*duration) / 1e6;
  }
  return t;
}

// Splits "<lhs> <op> <rhs>" at the first operator character.
Result<void> parse_condition(const std::string& condition, Gate& gate) {
  const size_t pos = condition.find_first_of("<>=!");
  if (pos == std::string::npos) return make_error("no comparison operator");
  const bool two = pos + 1 < condition.size() && condition[pos + 1] == '=';
  const std::string op = condition.substr(pos, two ? 2 : 1);
  static const std::vector<std::pair<std::string, CompareOp>> kOps = {
      {"<", CompareOp::kLess},    {"<=", CompareOp::kLessEqual},
      {">", CompareOp::kGreater}, {">=", CompareOp::kGreaterEqual},
      {"==", CompareOp::kEqual},  {"!=", CompareOp::kNotEqual}};
  auto it = std::find_if(kOps.begin(), kOps.end(), [&](const auto& o) { return o.first == op; });
  const std::string rhs = trim(std::string_view(condition).substr(pos + op.size()));
  if (it == kOps.end() ||
      (!rhs.empty() && std::string_view("<>=!").find(rhs[0]) != std::string_view::npos)) {
    return make_error(fmt::format("bad operator near '{}'", condition.substr(pos)));
  }
  gate.op = it->second;
  std::string lhs = trim(std::string_view(condition).substr(0, pos));
  constexpr std::string_view kRegression = "regression";
  if (lhs == kRegression || lhs.ends_with(" regression")) {
    gate.relative = true;
    lhs = trim(std::string_view(lhs).substr(0, lhs.size() - kRegression.size()));
  }
  if (!lhs.empty()) {
    if (!gate.metric.empty() && gate.metric != lhs) {
      return make_error(fmt::format("condition names '{}' but metric: is '{}'", lhs, gate.metric));
    }
    gate.metric = lhs;
  }
  if (gate.metric.empty()) return make_error("no metric in the condition and no metric: key");
  auto threshold = parse_threshold(rhs);
  if (!threshold) return threshold.error();
  gate.threshold = *threshold;
  if (gate.relative && gate.threshold.kind != ThresholdKind::kPercent) {
    return make_error("a regression threshold must be a percentage (e.g. 20%)");
  }
  return {};
}

Result<GateLevel> parse_level(const std::string& text) {
  if (text == "blocking") return GateLevel::kBlocking;
  if (text == "warning") return GateLevel::kWarning;
  if (text == "advisory") return GateLevel::kAdvisory;
  return make_error(fmt::format("unknown level '{}'", text));
}

Result<Gate> parse_gate(const std::string& path, const std::string& name, const YAML::Node& node) {
  if (!node.IsMap()) {
    return at(path, node.Mark(), fmt::format("gate '{}' must be a mapping", name),
              "give it at least 'condition:'");
  }
  static const std::set<std::string> kKeys = {"condition", "metric",   "level",
                                              "optional",  "baseline", "description"};
  Gate gate;
  gate.name = name;
  gate.line = node.Mark().line + 1;
  for (const auto& entry : node) {
    const std::string key = entry.first.as<std::string>();
    if (kKeys.count(key) == 0) {
      return at(path, entry.first.Mark(), fmt::format("unknown key '{}' in gate '{}'", key, name),
                "keys: condition, metric, level, optional, baseline, description");
    }
  }
  if (node["metric"]) gate.metric = trim(node["metric"].as<std::string>());
  if (node["baseline"]) gate.baseline = node["baseline"].as<std::string>();
  if (node["description"]) gate.description = node["description"].as<std::string>();
  if (node["optional"]) {
    try {
      gate.optional = node["optional"].as<bool>();
    } catch (const YAML::Exception&) {
      return at(path, node["optional"].Mark(), "optional must be true or false", "");
    }
  }
  if (node["level"]) {
    auto level = parse_level(node["level"].as<std::string>());
    if (!level) {
      return at(path, node["level"].Mark(), level.error().message,
                "levels: blocking, warning, advisory");
    }
    gate.level = *level;
  }
  if (!node["condition"]) {
    return at(path, node.Mark(), fmt::format("gate '{}' has no condition", name),
              std::string(kConditionHint));
  }
  gate.condition = node["condition"].as<std::string>();
  if (auto ok = parse_condition(gate.condition, gate); !ok) {
    return at(path, node["condition"].Mark(),
              fmt::format("gate '{}': {}", name, ok.error().message),
              ok.error().hint.empty() ? std::string(kConditionHint) : ok.error().hint);
  }
  return gate;
}

Result<GatesFile> parse_document(const YAML::Node& root, const std::string& path) {
  if (!root.IsMap() || !root["gates"]) {
    return at(path, root.Mark(), "no 'gates:' mapping",
              "start with 'gates:' and one named gate per entry (see docs/gates.md)");
  }
  GatesFile file;
  file.path = path;
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>();
    if (key != "gates" && key != "baseline") {
      return at(path, entry.first.Mark(), fmt::format("unknown top-level key '{}'", key),
                "top-level keys: gates, baseline");
    }
  }
  if (root["baseline"]) file.baseline = root["baseline"].as<std::string>();
  const YAML::Node gates = root["gates"];
  if (!gates.IsMap() || gates.size() == 0) {
    return at(path, gates.Mark(), "'gates' must be a non-empty mapping of named gates",
              "e.g. gates:\\n  p95: {condition: 'http_req_duration p(95) < 200ms'}");
  }
  for (const auto& entry : gates) {
    auto gate = parse_gate(path, entry.first.as<std::string>(), entry.second);
    if (!gate) return gate.error();
    gate->line = entry.first.Mark().line + 1;  // the line of the gate's name
    file.gates.push_back(std::move(*gate));
  }
  return file;
}

}  // namespace

Result<GatesFile> parse_gates(const std::string& text, const std::string& path) {
  try {
    return parse_document(YAML::Load(text), path);
  } catch (const YAML::Exception& e) {
    return at(path, e.mark, e.msg, "check the YAML syntax (indentation, quotes, colons)");
  } catch (const std::exception& e) {
    // A value the parser cannot hold, e.g. a threshold of 1e999 (std::stod: out_of_range).
    return make_error(fmt::format("{}: unreadable gates file: {}", path, e.what()),
                      std::string(kConditionHint));
  }
}

Result<GatesFile> load_gates_file(const std::string& path) {
  auto text = read_file_bounded(path, kMaxGatesFileBytes, "gates file");
  if (!text) return text.error();
  return parse_gates(*text, path);
}

}  // namespace perfgate::analysis
