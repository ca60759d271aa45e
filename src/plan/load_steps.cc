// Steps of a flow: requests, think times and groups.
#include <fmt/format.h>

#include <algorithm>

#include "plan/flow_loader.h"

namespace perfgate::plan::detail {

int FlowLoader::resolve(std::string_view name) {
  const std::string key(name);
  const int existing = ctx.find_slot(name);
  if (existing >= 0 && ctx.plan.variables[existing].constant) return existing;
  if (scope.extracted.count(key) || scope.env.count(key)) return ctx.slot(key);
  for (size_t f : scope.feeders) {
    const auto& columns = ctx.plan.feeders[f].columns;
    if (std::find(columns.begin(), columns.end(), key) != columns.end()) return ctx.slot(key);
  }
  return -1;
}

// An undefined variable that a sibling in the same batch extracts gets a hint of its own.
std::string FlowLoader::batch_hint(const Error& error) const {
  static constexpr std::string_view kUndefined = "undefined variable \"";
  const std::string& m = error.message;
  if (scope.batch_siblings.empty() || m.rfind(kUndefined, 0) != 0 || m.back() != '"') {
    return error.hint;
  }
  const std::string name = m.substr(kUndefined.size(), m.size() - kUndefined.size() - 1);
  if (!scope.batch_siblings.count(name)) return error.hint;
  return fmt::format(
      "\"{}\" is extracted by another request of this batch, which runs at the same time; read "
      "it in a step after the batch",
      name);
}

Template FlowLoader::compile(const YAML::Node& node, const std::string& text, Escape escape,
                             size_t prefix) {
  auto result = compile_template(
      text, [&](std::string_view n) { return resolve(n); }, escape);
  const std::string scalar = text.substr(std::min(prefix, text.size()));
  for (const TemplateError& e : result.errors) {
    const size_t offset = e.offset >= prefix ? e.offset - prefix : 0;
    r().error(ctx.pos_in_scalar(node, scalar, offset), e.error.message, batch_hint(e.error));
  }
  return std::move(result.value);
}

std::optional<Regex> FlowLoader::regex(const YAML::Node& node, const std::string& pattern) {
  auto compiled = Regex::compile(pattern);
  if (!compiled) {
    r().error(node, compiled.error().message, compiled.error().hint);
    return std::nullopt;
  }
  return std::move(compiled).value();
}

void FlowLoader::steps(const YAML::Node& node, std::vector<Step>& out) {
  if (!r().expect_sequence(node, "steps")) return;
  if (node.size() == 0) r().error(node, "a flow needs at least one step");
  for (const YAML::Node& item : node) {
    if (++ctx.steps_seen > kMaxSteps) {
      r().error(item, fmt::format("more than {} steps in the plan", kMaxSteps));
      return;
    }
    step(item, out);
  }
}

void FlowLoader::step(const YAML::Node& node, std::vector<Step>& out) {
  if (!r().expect_map(node, "a step")) return;
  Step s;
  s.pos = r().pos(node);
  if (node["think"])
    think(node, s);
  else if (node["grpc"])
    grpc_request(node, s);
  else if (node["group"])
    group(node, s);
  else if (node["batch"])
    batch(node, s);
  else if (node["url"])
    request(node, s);
  else {
    r().error(node, "a step needs url:, grpc:, think:, group: or batch:",
              "write - {name: home, url: /} or - think: 1s");
    return;
  }
  if (node["once"]) s.once = r().boolean(node["once"], "once").value_or(false);
  out.push_back(std::move(s));
}

void FlowLoader::think(const YAML::Node& node, Step& s) {
  s.kind = Step::Kind::kThink;
  r().for_each(node, "a think step", {"think", "once"},
               [](const auto&, const auto&, const auto&) {});
  const YAML::Node t = node["think"];
  if (t.IsScalar()) {
    if (auto d = r().duration(t, "think")) s.think.a = *d;
    return;
  }
  std::map<std::string, Nanos> times;
  std::string distribution;
  r().for_each(t, "think", {"min", "max", "mean", "stddev", "distribution"},
               [&](const std::string& key, const YAML::Node&, const YAML::Node& v) {
                 if (key == "distribution")
                   distribution = r().string(v, key).value_or("");
                 else if (auto d = r().duration(v, "think." + key))
                   times[key] = *d;
               });
  if (!t.IsMap()) return;
  if (distribution.empty())
    distribution = times.count("min") || times.count("max") ? "uniform"
                   : times.count("stddev")                  ? "normal"
                                                            : "fixed";
  const auto need = [&](const char* key) {
    if (times.count(key)) return times[key];
    r().error(t, fmt::format("a {} think time needs {}", distribution, key));
    return Nanos{0};
  };
  if (distribution == "uniform") {
    s.think = {ThinkKind::kUniform, need("min"), need("max")};
    if (s.think.b < s.think.a) r().error(t, "think.max is below think.min");
  } else if (distribution == "normal") {
    s.think = {ThinkKind::kNormal, need("mean"), need("stddev")};
  } else if (distribution == "exponential") {
    s.think = {ThinkKind::kExponential, need("mean"), 0};
  } else if (distribution == "fixed") {
    s.think = {ThinkKind::kFixed, need("mean"), 0};
  } else {
    r().error(t, fmt::format("unknown think distribution \"{}\"", distribution),
              suggest(distribution, {"fixed", "uniform", "normal", "exponential"}));
  }
}

void FlowLoader::group(const YAML::Node& node, Step& s) {
  s.kind = Step::Kind::kGroup;
  if (scope.depth >= kMaxGroupDepth) {
    r().error(node, fmt::format("groups nested deeper than {}", kMaxGroupDepth));
    return;
  }
  bool has_steps = false;
  r().for_each(node, "a group", {"group", "steps", "once"},
               [&](const std::string& key, const YAML::Node&, const YAML::Node& v) {
                 if (key == "once") return;
                 if (key == "group") {
                   s.group = r().string(v, "group").value_or("");
                 } else {
                   has_steps = true;
                   ++scope.depth;
                   steps(v, s.steps);
                   --scope.depth;
                 }
               });
  if (!has_steps)
    r().error(node, "a group needs steps:", "write - {group: checkout, steps: [...]}");
}

void FlowLoader::batch(const YAML::Node& node, Step& s) {
  s.kind = Step::Kind::kBatch;
  r().for_each(node, "a batch step", {"batch", "once"},
               [](const auto&, const auto&, const auto&) {});
  const YAML::Node list = node["batch"];
  if (!r().expect_sequence(list, "batch")) return;
  if (list.size() == 0) {
    r().error(list, "a batch needs at least one request", "write - batch: [{url: /a}, {url: /b}]");
  } else if (list.size() > static_cast<size_t>(kMaxBatch)) {
    r().error(list, fmt::format("more than {} requests in one batch", kMaxBatch));
    return;
  }
  const std::set<std::string> before = scope.extracted;
  std::set<std::string> after = before;
  for (const YAML::Node& item : list) {
    if (!item.IsMap() || !item["extract"] || !item["extract"].IsMap()) continue;
    for (const auto& kv : item["extract"]) {
      if (kv.first.IsScalar()) scope.batch_siblings.insert(kv.first.Scalar());
    }
  }
  for (const YAML::Node& item : list) {
    if (++ctx.steps_seen > kMaxSteps) {
      r().error(item, fmt::format("more than {} steps in the plan", kMaxSteps));
      return;
    }
    if (!item.IsMap() || !item["url"] || item["grpc"] || item["think"] || item["group"] ||
        item["batch"]) {
      r().error(item, "a batch holds HTTP request steps only (url:)",
                "write - batch: [{name: a, url: /a}, {name: b, url: /b}]");
      continue;
    }
    scope.extracted = before;
    step(item, s.steps);
    after.insert(scope.extracted.begin(), scope.extracted.end());
  }
  scope.extracted = std::move(after);
  scope.batch_siblings.clear();
}

}  // namespace perfgate::plan::detail

namespace perfgate::plan::detail {
namespace {

const std::vector<std::string_view> kMethods = {"GET",    "POST", "PUT",    "PATCH",
                                                "DELETE", "HEAD", "OPTIONS"};

bool same_header(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

void set_header(std::vector<Header>& headers, Header header) {
  for (Header& h : headers) {
    if (same_header(h.name, header.name)) {
      h = std::move(header);
      return;
    }
  }
  headers.push_back(std::move(header));
}

// The tags perfgate sets itself; a step names its request with `name:`.
const std::vector<std::string_view> kSystemTags = {
    "scenario", "name", "method", "group", "status", "expected_response", "check", "url"};
constexpr size_t kMaxStepTags = 32;
constexpr size_t kMaxTagBytes = 256;

}  // namespace

void FlowLoader::step_tags(const YAML::Node& node, RequestStep& req) {
  r().for_each(
      node, "tags", {}, [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
        if (std::find(kSystemTags.begin(), kSystemTags.end(), key) != kSystemTags.end()) {
          r().error(k, fmt::format("tag \"{}\" is set by perfgate", key),
                    key == "name" ? "name the request with the step's name: key"
                                  : "choose another tag name");
          return;
        }
        auto value = r().string(v, "tags." + key);
        if (!value) return;
        if (key.empty() || key.size() > kMaxTagBytes || value->size() > kMaxTagBytes) {
          r().error(k, fmt::format("a tag name and value have 1 to {} bytes", kMaxTagBytes));
        } else if (req.tags.size() >= kMaxStepTags) {
          r().error(k, fmt::format("more than {} tags on one step", kMaxStepTags));
        } else {
          req.tags[key] = *value;
        }
      });
}

void FlowLoader::request(const YAML::Node& node, Step& s) {
  static const std::vector<std::string_view> kKeys = {
      "name", "method",  "url",    "headers", "body", "json", "timeout",
      "tags", "extract", "checks", "record",  "once", "http"};
  RequestStep& req = s.request;
  req.headers = ctx.plan.options.headers;
  std::map<std::string, YAML::Node> fields;
  r().for_each(
      node, "a request step", kKeys,
      [&](const std::string& key, const YAML::Node&, const YAML::Node& v) { fields[key] = v; });
  if (fields.count("method")) {
    auto method = r().string(fields["method"], "method");
    std::string upper = method.value_or("");
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (method && std::find(kMethods.begin(), kMethods.end(), upper) == kMethods.end()) {
      r().error(fields["method"], fmt::format("unknown HTTP method \"{}\"", *method),
                suggest(upper, kMethods));
    }
    req.method = upper;
  }
  if (auto url = r().string(fields["url"], "url")) {
    std::string full = *url;
    size_t prefix = 0;
    if (!check_url_scheme(r(), fields["url"], *url)) {
      // reported; not joined to baseUrl
    } else if (!url->starts_with("http://") && !url->starts_with("https://")) {
      if (ctx.plan.options.base_url.empty()) {
        r().error(fields["url"], fmt::format("relative url \"{}\" needs options.baseUrl", *url),
                  "set options.baseUrl, or write an absolute http:// URL");
      }
      full = ctx.plan.options.base_url + (url->starts_with("/") ? "" : "/") + *url;
      prefix = full.size() - url->size();
    }
    const size_t errors_before = r().error_count();
    req.url = compile(fields["url"], full, Escape::kUrl, prefix);
    if (r().error_count() == errors_before && check_request_url(r(), fields["url"], req.url)) {
      check_static_url(ctx, fields["url"], req.url);
    }
    req.name = fields.count("name") ? r().string(fields["name"], "name").value_or("")
                                    : req.method + " " + *url;
  }
  if (fields.count("headers")) {
    r().for_each(fields["headers"], "headers", {},
                 [&](const std::string& key, const YAML::Node&, const YAML::Node& v) {
                   if (auto text = r().string(v, "header " + key)) {
                     Header header{key, compile(v, *text)};
                     check_header(r(), v, key, header.value);
                     set_header(req.headers, std::move(header));
                   }
                 });
  }
  if (fields.count("body") && fields.count("json")) {
    r().error(fields["json"], "a step has both body and json", "json: is a body; keep one");
  } else if (fields.count("body")) {
    if (fields["body"].IsMap()) {
      req.body = body_file(fields["body"]);
    } else if (auto text = r().string(fields["body"], "body")) {
      req.body = compile(fields["body"], *text);
    }
  } else if (fields.count("json")) {
    const std::string json = json_text(fields["json"], 0);
    req.body = compile(fields["json"], json, Escape::kJson);
    bool has_type = false;
    for (const Header& h : req.headers) has_type |= same_header(h.name, "Content-Type");
    if (!has_type) req.headers.push_back({"Content-Type", Template::literal("application/json")});
  }
  request_common(fields, req);
}

void FlowLoader::request_common(std::map<std::string, YAML::Node>& fields, RequestStep& req) {
  if (fields.count("timeout")) {
    if (auto t = r().duration(fields["timeout"], "timeout");
        t && check_timeout(r(), fields["timeout"], "timeout", *t))
      req.timeout = *t;
  }
  if (fields.count("tags")) step_tags(fields["tags"], req);
  if (fields.count("http")) req.http = read_http_version(r(), fields["http"]);
  if (fields.count("checks")) checks(fields["checks"], req);
  // Extracted variables are visible to this step's records and to every later step.
  if (fields.count("extract")) extracts(fields["extract"], req);
  if (fields.count("record")) records(fields["record"], req);
}

}  // namespace perfgate::plan::detail
