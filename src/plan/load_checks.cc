// Per-request extraction, checks, custom-metric records and the `json:` body shorthand.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "plan/flow_loader.h"

namespace perfgate::plan::detail {
namespace {

bool valid_variable_name(const std::string& name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

// Plain YAML scalars that JSON reads as non-strings.
bool json_literal(const std::string& text) {
  if (text == "true" || text == "false" || text == "null") return true;
  if (text.empty() || text.find_first_not_of("0123456789+-.eE") != std::string::npos) return false;
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && !std::isalpha(static_cast<unsigned char>(text[0]));
}

}  // namespace

namespace {

// RFC 6901: "~" is written "~0" and "/" is written "~1" inside a reference token.
std::string escape_token(std::string_view name) {
  std::string out;
  for (char c : name) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

bool valid_pointer(std::string_view pointer) {
  for (size_t i = 0; i < pointer.size(); ++i) {
    if (pointer[i] == '~' &&
        (i + 1 == pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1'))) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<std::string> to_json_pointer(std::string_view path) {
  const auto bad = make_error(fmt::format("invalid JSON path \"{}\"", path),
                              "write a JSON pointer like /user/id or a path like $.user.id, "
                              "$.items[0].name");
  if (path.empty() || path.front() == '/') {
    if (!valid_pointer(path)) return bad;
    return std::string(path);
  }
  if (path.front() != '$') return bad;
  std::string pointer;
  size_t i = 1;
  while (i < path.size()) {
    if (path[i] == '.') {
      const size_t end = path.find_first_of(".[", i + 1);
      const std::string_view name = path.substr(i + 1, end - i - 1);
      if (name.empty()) return bad;
      pointer += "/" + escape_token(name);
      i = end == std::string_view::npos ? path.size() : end;
    } else if (path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string_view::npos) return bad;
      std::string_view inside = path.substr(i + 1, close - i - 1);
      if (inside.size() >= 2 && (inside.front() == '\'' || inside.front() == '"') &&
          inside.back() == inside.front()) {
        inside = inside.substr(1, inside.size() - 2);
      } else if (inside.empty() || !std::all_of(inside.begin(), inside.end(), [](char c) {
                   return std::isdigit(static_cast<unsigned char>(c));
                 })) {
        return bad;
      }
      pointer += "/" + escape_token(inside);
      i = close + 1;
    } else {
      return bad;
    }
  }
  return pointer;
}

void FlowLoader::extracts(const YAML::Node& node, RequestStep& req) {
  static const std::vector<std::string_view> kSources = {"json", "header", "regex", "cookie"};
  r().for_each(
      node, "extract", {},
      [&](const std::string& var, const YAML::Node& key_node, const YAML::Node& spec) {
        if (!valid_variable_name(var)) {
          r().error(key_node, fmt::format("invalid variable name \"{}\"", var),
                    "names start with a letter or _ and use letters, digits, _ - .");
          return;
        }
        Extract e{var, -1, ExtractSource::kJson, "", std::nullopt, r().pos(key_node)};
        bool found = false;
        r().for_each(spec, fmt::format("extract.{}", var), kSources,
                     [&](const std::string& source, const YAML::Node&, const YAML::Node& v) {
                       auto text = r().string(v, "extract." + source);
                       if (!text || found) return;
                       found = true;
                       e.expression = *text;
                       if (source == "json") {
                         auto pointer = to_json_pointer(*text);
                         if (!pointer)
                           r().error(v, pointer.error().message, pointer.error().hint);
                         else
                           e.expression = *pointer;
                       } else if (source == "header")
                         e.source = ExtractSource::kHeader;
                       else if (source == "cookie")
                         e.source = ExtractSource::kCookie;
                       else {
                         e.source = ExtractSource::kRegex;
                         e.regex = regex(v, *text);
                       }
                     });
        if (spec.IsMap() && !found) {
          r().error(
              spec, fmt::format("extract.{} says nothing about where to look", var),
              "write {json: $.token}, {header: X-Id}, {regex: \"id=(\\\\d+)\"} or {cookie: sid}");
          return;
        }
        scope.extracted.insert(var);
        e.slot = ctx.slot(var);
        ctx.plan.variables[e.slot].extracted = true;
        req.extracts.push_back(std::move(e));
      });
}

namespace {

const std::vector<std::string_view> kCheckKinds = {"status",        "headers",    "bodyContains",
                                                   "bodyMatches",   "jsonEquals", "jsonExists",
                                                   "durationBelow", "grpcStatus", "grpc-status"};
constexpr size_t kMaxCheckName = 200;

}  // namespace

// `checks:` maps either a condition kind to its argument (the check is named after the
// condition) or a name of the plan's choosing to a map of conditions that must all hold (k6's
// `check(res, {"status is 200": ...})`).
void FlowLoader::checks(const YAML::Node& node, RequestStep& req) {
  r().for_each(node, "checks", {},
               [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
                 if (std::find(kCheckKinds.begin(), kCheckKinds.end(), key) != kCheckKinds.end()) {
                   check_kind(key, key_node, v, req, req.checks);
                 } else {
                   named_check(key, key_node, v, req, req.checks);
                 }
               });
  for (size_t i = 0; i < req.checks.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (req.checks[i].name != req.checks[j].name) continue;
      r().error(req.checks[i].pos,
                fmt::format("two checks of this step are named \"{}\"", req.checks[i].name),
                "give one of them a name: checks: {\"status is 200\": {status: 200}}");
      break;
    }
  }
}

void FlowLoader::named_check(const std::string& name, const YAML::Node& key_node,
                             const YAML::Node& v, const RequestStep& req, std::vector<Check>& out) {
  if (!v.IsMap()) {
    const std::string close = closest_match(name, kCheckKinds);
    r().error(key_node,
              close.empty() ? fmt::format("check \"{}\" needs a map of conditions", name)
                            : fmt::format("unknown key \"{}\" in checks", name),
              close.empty()
                  ? fmt::format("write \"{}\": {{status: 200}} (conditions: status, headers, "
                                "bodyContains, bodyMatches, jsonEquals, jsonExists, "
                                "durationBelow)",
                                name)
                  : fmt::format("did you mean \"{}\"?", close));
    return;
  }
  if (name.empty() || name.size() > kMaxCheckName) {
    r().error(key_node, fmt::format("a check name has 1 to {} characters", kMaxCheckName));
    return;
  }
  std::vector<Check> parts;
  r().for_each(v, fmt::format("check \"{}\"", name), kCheckKinds,
               [&](const std::string& kind, const YAML::Node& k, const YAML::Node& value) {
                 check_kind(kind, k, value, req, parts);
               });
  if (parts.empty()) {
    if (v.size() == 0) r().error(v, fmt::format("check \"{}\" has no condition", name));
    return;
  }
  Check check = std::move(parts.front());
  check.name = name;
  check.pos = r().pos(key_node);
  for (size_t i = 1; i < parts.size(); ++i) check.also.push_back(std::move(parts[i]));
  out.push_back(std::move(check));
}

void FlowLoader::check_kind(const std::string& kind, const YAML::Node& key_node,
                            const YAML::Node& v, const RequestStep& req, std::vector<Check>& out) {
  const SourcePos pos = r().pos(key_node);
  if (kind == "status") {
    Check c{CheckKind::kStatusIn};
    c.pos = pos;
    const auto add = [&](const YAML::Node& item) {
      auto code = r().integer(item, "status");
      if (code && (*code < 100 || *code > 599)) {
        r().error(item, fmt::format("HTTP status {} is outside 100-599", *code),
                  "write a status code such as 200 or a list like [200, 201]");
      } else if (code) {
        c.statuses.push_back(static_cast<int>(*code));
      }
    };
    if (v.IsSequence())
      for (const YAML::Node& item : v) add(item);
    else
      add(v);
    std::string list;
    for (int s : c.statuses) list += (list.empty() ? "" : ",") + std::to_string(s);
    c.name = "status in [" + list + "]";
    out.push_back(std::move(c));
  } else if (kind == "headers") {
    r().for_each(v, "checks.headers", {},
                 [&](const std::string& name, const YAML::Node&, const YAML::Node& pattern) {
                   auto text = r().string(pattern, "checks.headers." + name);
                   if (!text) return;
                   Check c{CheckKind::kHeaderMatches, "header " + name + " ~ " + *text, {}, name};
                   c.regex = regex(pattern, *text);
                   c.pos = pos;
                   out.push_back(std::move(c));
                 });
  } else if (kind == "bodyContains" || kind == "bodyMatches") {
    auto text = r().string(v, "checks." + kind);
    if (!text) return;
    const bool contains = kind == "bodyContains";
    Check c{contains ? CheckKind::kBodyContains : CheckKind::kBodyMatches,
            (contains ? "body contains " : "body ~ ") + *text,
            {},
            *text};
    if (!contains) c.regex = regex(v, *text);
    c.pos = pos;
    out.push_back(std::move(c));
  } else if (kind == "jsonExists") {
    const auto add = [&](const YAML::Node& item) {
      auto path = r().string(item, "checks.jsonExists");
      if (!path) return;
      auto pointer = to_json_pointer(*path);
      if (!pointer) return r().error(item, pointer.error().message, pointer.error().hint);
      Check c{CheckKind::kJsonExists, "json " + *path + " exists", {}, *pointer};
      c.pos = pos;
      out.push_back(std::move(c));
    };
    if (v.IsSequence())
      for (const YAML::Node& item : v) add(item);
    else
      add(v);
  } else if (kind == "jsonEquals") {
    r().for_each(v, "checks.jsonEquals", {},
                 [&](const std::string& path, const YAML::Node& k, const YAML::Node& expected) {
                   auto pointer = to_json_pointer(path);
                   if (!pointer) return r().error(k, pointer.error().message, pointer.error().hint);
                   if (json_text(expected, 0).find("{{") != std::string::npos) {
                     return r().error(expected,
                                      "jsonEquals compares with a literal value; {{...}} is not "
                                      "expanded here, so this check could never pass",
                                      "compare with a literal, or check the text with "
                                      "bodyContains or bodyMatches");
                   }
                   Check c{CheckKind::kJsonEquals,
                           "json " + path + " == " + json_text(expected, 0),
                           {},
                           *pointer,
                           json_text(expected, 0)};
                   c.pos = pos;
                   out.push_back(std::move(c));
                 });
  } else if (kind == "grpcStatus" || kind == "grpc-status") {
    RequestStep scratch;  // grpc_status_check reads the step's method and appends to its checks
    scratch.grpc = req.grpc;
    grpc_status_check(v, pos, scratch);
    for (Check& c : scratch.checks) out.push_back(std::move(c));
  } else {
    auto below = r().duration(v, "checks.durationBelow");
    if (!below) return;
    Check c{CheckKind::kDurationBelow, "duration < " + v.Scalar()};
    c.below = *below;
    c.pos = pos;
    out.push_back(std::move(c));
  }
}

void FlowLoader::records(const YAML::Node& node, RequestStep& req) {
  std::vector<std::string_view> declared;
  for (const CustomMetric& m : ctx.plan.metrics) declared.push_back(m.name);
  r().for_each(node, "record", {},
               [&](const std::string& metric, const YAML::Node& key_node, const YAML::Node& v) {
                 auto it = std::find(declared.begin(), declared.end(), metric);
                 if (it == declared.end()) {
                   r().error(key_node, fmt::format("record names undeclared metric \"{}\"", metric),
                             declared.empty()
                                 ? "declare it under metrics:, e.g. metrics: {orders: counter}"
                                 : suggest(metric, declared));
                   return;
                 }
                 Record rec;
                 rec.metric = static_cast<size_t>(it - declared.begin());
                 auto text = r().string(v, "record." + metric);
                 if (!text) return;
                 char* end = nullptr;
                 const double number = std::strtod(text->c_str(), &end);
                 if (*text == "duration")
                   rec.value = Record::Value::kDuration;
                 else if (*text == "checks")
                   rec.value = Record::Value::kChecksPassed;
                 else if (!text->empty() && end == text->c_str() + text->size())
                   rec.constant = number;
                 else {
                   rec.value = Record::Value::kTemplate;
                   rec.text = compile(v, *text);
                 }
                 req.records.push_back(std::move(rec));
               });
}

std::string FlowLoader::json_text(const YAML::Node& node, int depth) {
  if (depth > 64) {
    r().error(node, "json body nested deeper than 64 levels");
    return "null";
  }
  std::string out;
  if (node.IsMap()) {
    out += "{";
    for (const auto& entry : node) {
      if (out.size() > 1) out += ",";
      out += "\"";
      append_json_escaped(entry.first.IsScalar() ? entry.first.Scalar() : "", out);
      out += "\":" + json_text(entry.second, depth + 1);
    }
    return out + "}";
  }
  if (node.IsSequence()) {
    out += "[";
    for (const YAML::Node& item : node) {
      if (out.size() > 1) out += ",";
      out += json_text(item, depth + 1);
    }
    return out + "]";
  }
  if (!node.IsScalar()) return "null";
  const std::string text = r().string(node, "json value").value_or("");
  if (node.Tag() == "?" && json_literal(text)) return text;  // unquoted 42, true, null
  out += "\"";
  append_json_escaped(text, out);
  return out + "\"";
}

}  // namespace perfgate::plan::detail
