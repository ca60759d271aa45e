#include "plan/loader.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "core/read_file.h"
#include "core/units.h"
#include "plan/loader_internal.h"
#include "plan/redact.h"

namespace perfgate::plan {
namespace detail {

int LoadContext::slot(const std::string& name) {
  const auto [it, inserted] = slots_.try_emplace(name, static_cast<int>(plan.variables.size()));
  if (inserted) plan.variables.push_back(Variable{name});
  return it->second;
}

int LoadContext::find_slot(std::string_view name) const {
  const auto it = slots_.find(std::string(name));
  return it == slots_.end() ? -1 : it->second;
}

SourcePos LoadContext::pos_in_scalar(const YAML::Node& node, const std::string& text,
                                     size_t offset) const {
  SourcePos pos = reader.pos(node);
  if (pos.line <= 0) return pos;
  size_t line_start = 0;
  for (int line = 1; line < pos.line; ++line) {
    line_start = source.find('\n', line_start);
    if (line_start == std::string::npos) return pos;
    ++line_start;
  }
  size_t at = line_start + static_cast<size_t>(pos.column - 1);
  if (at < source.size() && (source[at] == '"' || source[at] == '\'')) ++at;
  if (at > source.size()) return pos;
  if (source.compare(at, offset, text, 0, offset) != 0) return pos;  // escapes or line breaks
  pos.column += static_cast<int>(at - (line_start + pos.column - 1) + offset);
  return pos;
}

void load_vars(LoadContext& ctx, const YAML::Node& node) {
  ctx.reader.for_each(
      node, "vars", {},
      [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
        if (!value.IsScalar()) {
          ctx.reader.error(value, fmt::format("expected a string for vars.{}, got {}", key,
                                              YamlReader::kind_name(value)));
          return;
        }
        if (auto text = ctx.reader.string(value, "vars." + key)) {
          ctx.plan.variables[ctx.slot(key)].constant = *text;
        }
        (void)key_node;
      });
}

void load_metrics(LoadContext& ctx, const YAML::Node& node) {
  static const std::vector<std::string_view> kTypes = {"counter", "gauge", "rate", "trend"};
  ctx.reader.for_each(
      node, "metrics", {},
      [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
        auto type = ctx.reader.string(value, "metric type");
        if (!type) return;
        CustomMetric metric{key, MetricType::kCounter, ctx.reader.pos(key_node)};
        if (*type == "counter")
          metric.type = MetricType::kCounter;
        else if (*type == "gauge")
          metric.type = MetricType::kGauge;
        else if (*type == "rate")
          metric.type = MetricType::kRate;
        else if (*type == "trend")
          metric.type = MetricType::kTrend;
        else {
          ctx.reader.error(value,
                           fmt::format("unknown metric type \"{}\" for metric {}", *type, key),
                           suggest(*type, kTypes));
          return;
        }
        if (builtin_metric_type(key)) {
          ctx.reader.error(key_node, fmt::format("metric \"{}\" is a built-in metric", key),
                           "give your custom metric another name");
          return;
        }
        ctx.plan.metrics.push_back(metric);
      });
}

namespace {

void load_base_url(LoadContext& ctx, const YAML::Node& value) {
  auto url = ctx.reader.string(value, "options.baseUrl");
  if (!url) return;
  if (url->starts_with("grpc://") || url->starts_with("grpcs://")) {  // for gRPC steps
    while (url->ends_with("/")) url->pop_back();
    ctx.plan.options.base_url = *url;
    return;
  }
  if (!url->starts_with("http://") && !url->starts_with("https://")) {
    ctx.reader.error(value, fmt::format("options.baseUrl \"{}\" is not an http(s) URL", *url),
                     "write it as http://host:port, e.g. http://127.0.0.1:8080");
    return;
  }
  if (!check_request_url(ctx.reader, value, Template::literal(*url))) return;
  while (url->ends_with("/")) url->pop_back();
  ctx.plan.options.base_url = *url;
}

void load_headers(LoadContext& ctx, const YAML::Node& node) {
  const SlotResolver resolve = [&](std::string_view name) {
    const int s = ctx.find_slot(name);
    return s >= 0 && ctx.plan.variables[s].constant ? s : -1;
  };
  ctx.reader.for_each(node, "options.headers", {},
                      [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
                        auto text = ctx.reader.string(value, "header " + key);
                        if (!text) return;
                        auto compiled = compile_template(*text, resolve);
                        for (const TemplateError& e : compiled.errors) {
                          ctx.reader.error(
                              value, e.error.message + " in header " + key,
                              "options.headers may only use vars: constants and built-ins");
                        }
                        check_header(ctx.reader, value, key, compiled.value);
                        ctx.plan.options.headers.push_back(Header{key, std::move(compiled.value)});
                      });
}

void load_secrets(LoadContext& ctx, const YAML::Node& node) {
  if (!ctx.reader.expect_sequence(node, "options.secrets")) return;
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) {
      ctx.reader.error(item, "expected an environment variable name in options.secrets");
      continue;
    }
    ctx.secret_names.push_back(item.Scalar());
  }
}

void load_max_redirects(LoadContext& ctx, const YAML::Node& node) {
  int value = -1;
  if (node.IsScalar() && YAML::convert<int>::decode(node, value) && value >= 0 && value <= 100) {
    ctx.plan.options.max_redirects = value;
    return;
  }
  ctx.reader.error(node, "expected a whole number of redirects 0..100 for options.maxRedirects",
                   "0 turns following redirects off; k6's default is 10");
}

void load_connections(LoadContext& ctx, const YAML::Node& node) {
  int value = 0;
  if (node.IsScalar() && YAML::convert<int>::decode(node, value) && value >= 1 &&
      value <= kMaxConnections) {
    ctx.plan.options.connections = value;
    return;
  }
  ctx.reader.error(node,
                   fmt::format("expected a whole number of connections 1..{} for "
                               "options.connections",
                               kMaxConnections),
                   "leave it out for one connection per VU");
}

// options.batch (1..kMaxBatch) and options.batchPerHost (0..kMaxBatch, 0: no per-host limit).
void load_batch_limit(LoadContext& ctx, const YAML::Node& node, bool per_host) {
  const int low = per_host ? 0 : 1;
  int value = -1;
  if (node.IsScalar() && YAML::convert<int>::decode(node, value) && value >= low &&
      value <= kMaxBatch) {
    (per_host ? ctx.plan.options.batch_per_host : ctx.plan.options.batch) = value;
    return;
  }
  ctx.reader.error(node,
                   fmt::format("expected a whole number {}..{} for options.{}", low, kMaxBatch,
                               per_host ? "batchPerHost" : "batch"),
                   per_host ? "the most requests of a batch step in flight to one host (k6's "
                              "default 6; 0: no limit)"
                            : "the most requests of a batch step in flight at once (k6's "
                              "default 20)");
}

// options.tracing: {propagator: w3c, sampling: 0.1} (k6's instrumentHTTP options).
void load_tracing(LoadContext& ctx, const YAML::Node& node) {
  if (!ctx.reader.expect_map(node, "options.tracing")) return;
  ctx.plan.options.tracing = true;
  ctx.reader.for_each(
      node, "options.tracing", {"propagator", "sampling"},
      [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
        if (key == "propagator") {
          auto name = ctx.reader.string(value, "options.tracing.propagator");
          if (name && *name != "w3c") {
            ctx.reader.error(value, "options.tracing.propagator must be \"w3c\"",
                             "perfgate sends W3C traceparent headers (k6's default propagator)");
          }
          return;
        }
        auto ratio = ctx.reader.number(value, "options.tracing.sampling");
        if (ratio && (*ratio < 0 || *ratio > 1)) {
          ctx.reader.error(value, "options.tracing.sampling must be between 0 and 1",
                           "the share of requests marked sampled, e.g. 0.1 for one in ten");
        } else if (ratio) {
          ctx.plan.options.trace_sampling = *ratio;
        }
      });
}

void load_max_body_size(LoadContext& ctx, const YAML::Node& node) {
  auto text = ctx.reader.string(node, "options.maxBodySize");
  if (!text) return;
  auto bytes = parse_bytes(*text);
  if (bytes && *bytes >= 1 && *bytes <= static_cast<double>(kMaxMaxBodyBytes)) {
    ctx.plan.options.max_body_bytes = static_cast<std::int64_t>(*bytes);
    return;
  }
  ctx.reader.error(
      node,
      fmt::format("expected a size from 1B to 1GiB for options.maxBodySize, got \"{}\"", *text),
      "write e.g. 10MB, 512KiB or 1GiB; the default is 10MB");
}

}  // namespace

void load_options(LoadContext& ctx, const YAML::Node& node) {
  static const std::vector<std::string_view> kKeys = {"baseUrl",
                                                      "headers",
                                                      "timeout",
                                                      "noCookiesReset",
                                                      "maxRedirects",
                                                      "maxBodySize",
                                                      "discardResponseBodies",
                                                      "connections",
                                                      "batch",
                                                      "batchPerHost",
                                                      "thresholds",
                                                      "strictThresholds",
                                                      "scenarios",
                                                      "secrets",
                                                      "vus",
                                                      "duration",
                                                      "iterations",
                                                      "stages",
                                                      "insecureSkipTLSVerify",
                                                      "tlsVersion",
                                                      "tlsCipherSuites",
                                                      "tlsAuth",
                                                      "tracing"};
  std::optional<YAML::Node> thresholds, scenarios;  // yaml-cpp nodes alias: never reassign
  bool shortcut = false;
  ctx.reader.for_each(
      node, "options", kKeys,
      [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
        if (key == "baseUrl")
          load_base_url(ctx, value);
        else if (key == "headers")
          load_headers(ctx, value);
        else if (key == "timeout") {
          if (auto t = ctx.reader.duration(value, "options.timeout");
              t && check_timeout(ctx.reader, value, "options.timeout", *t))
            ctx.plan.options.timeout = *t;
        } else if (key == "noCookiesReset") {
          ctx.plan.options.no_cookies_reset =
              ctx.reader.boolean(value, "options.noCookiesReset").value_or(false);
        } else if (key == "maxRedirects") {
          load_max_redirects(ctx, value);
        } else if (key == "maxBodySize") {
          load_max_body_size(ctx, value);
        } else if (key == "connections") {
          load_connections(ctx, value);
        } else if (key == "batch" || key == "batchPerHost") {
          load_batch_limit(ctx, value, key == "batchPerHost");
        } else if (key == "discardResponseBodies") {
          ctx.plan.options.discard_response_bodies =
              ctx.reader.boolean(value, "options.discardResponseBodies").value_or(false);
        } else if (key == "strictThresholds") {
          ctx.plan.options.strict_thresholds =
              ctx.reader.boolean(value, "options.strictThresholds").value_or(false);
        } else if (key == "thresholds")
          thresholds = value;
        else if (key == "scenarios")
          scenarios = value;
        else if (key == "secrets")
          load_secrets(ctx, value);
        else if (key == "tracing")
          load_tracing(ctx, value);
        else if (!load_tls_option(ctx, key, value))
          shortcut = true;
      });
  if (scenarios && shortcut) {
    ctx.reader.error(*scenarios,
                     "options.scenarios cannot be combined with options.vus, "
                     "duration, iterations or stages",
                     "move those into a scenario");
  } else if (scenarios) {
    load_scenarios(ctx, *scenarios);
  } else if (node.IsMap()) {
    load_shortcut_scenario(ctx, node);
  }
  if (thresholds) load_thresholds(ctx, *thresholds);
}

}  // namespace detail

const Flow* Plan::find_flow(std::string_view flow_name) const {
  for (const Flow& f : flows) {
    if (f.name == flow_name) return &f;
  }
  return nullptr;
}

int Plan::slot_of(std::string_view variable) const {
  for (size_t i = 0; i < variables.size(); ++i) {
    if (variables[i].name == variable) return static_cast<int>(i);
  }
  return -1;
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

namespace {

void collect_secrets(detail::LoadContext& ctx) {
  for (const auto& [name, value] : ctx.reader.env_used()) {
    const bool listed =
        std::find(ctx.secret_names.begin(), ctx.secret_names.end(), name) != ctx.secret_names.end();
    if ((listed || looks_secret_name(name)) && !value.empty())
      ctx.plan.secret_values.push_back(value);
  }
}

// Where a step reads the response body (body and JSON checks, json and regex extraction), or an
// empty position when it does not.
std::optional<SourcePos> reads_body(const RequestStep& step) {
  const auto body_kind = [](const Check& c) {
    return c.kind == CheckKind::kBodyContains || c.kind == CheckKind::kBodyMatches ||
           c.kind == CheckKind::kJsonEquals || c.kind == CheckKind::kJsonExists;
  };
  for (const Check& c : step.checks) {
    if (body_kind(c) || std::any_of(c.also.begin(), c.also.end(), body_kind)) return c.pos;
  }
  for (const Extract& e : step.extracts) {
    if (e.source == ExtractSource::kJson || e.source == ExtractSource::kRegex) return e.pos;
  }
  return std::nullopt;
}

// options.discardResponseBodies keeps no body, so a step that reads one could never pass: say so
// before any traffic rather than fail every such check at run time.
void check_discarded_bodies(detail::LoadContext& ctx, const std::vector<Step>& steps) {
  for (const Step& s : steps) {
    if (s.kind == Step::Kind::kGroup || s.kind == Step::Kind::kBatch)
      check_discarded_bodies(ctx, s.steps);
    if (s.kind != Step::Kind::kRequest) continue;
    if (auto at = reads_body(s.request)) {
      ctx.reader.error(*at,
                       fmt::format("step \"{}\" reads the response body, but "
                                   "options.discardResponseBodies is true",
                                   s.request.name),
                       "drop discardResponseBodies, or this step's body checks and extractions");
    }
  }
}

void load_document(detail::LoadContext& ctx, const YAML::Node& root) {
  static const std::vector<std::string_view> kKeys = {"name", "description", "options", "vars",
                                                      "data", "metrics",     "flows"};
  if (!root.IsMap()) {
    ctx.reader.error(
        root.IsDefined() && !root.IsNull() ? ctx.reader.pos(root) : ctx.reader.file_pos(),
        "a plan must be a mapping with options: and flows:",
        "see docs/plan-reference.md or examples/");
    return;
  }
  std::map<std::string, YAML::Node> sections;
  ctx.reader.for_each(root, "the plan", kKeys,
                      [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
                        sections[key] = value;
                      });
  if (sections.count("name")) {
    if (auto n = ctx.reader.string(sections["name"], "name")) ctx.plan.name = *n;
  }
  if (sections.count("vars")) detail::load_vars(ctx, sections["vars"]);
  if (sections.count("data")) detail::load_data(ctx, sections["data"]);
  if (sections.count("metrics")) detail::load_metrics(ctx, sections["metrics"]);
  if (sections.count("options")) {
    detail::load_options(ctx, sections["options"]);
  } else {
    ctx.reader.error(ctx.reader.pos(root), "the plan has no options: section",
                     "add options: with baseUrl and scenarios");
  }
  if (sections.count("flows")) {
    detail::load_flows(ctx, sections["flows"]);
  } else {
    ctx.reader.error(ctx.reader.pos(root), "the plan has no flows: section",
                     "add flows: with at least one flow of request steps");
  }
  detail::link_flows(ctx);
  if (ctx.plan.options.discard_response_bodies) {
    for (const Flow& flow : ctx.plan.flows) check_discarded_bodies(ctx, flow.steps);
  }
}

}  // namespace

LoadResult load_plan_text(std::string_view text, const LoadOptions& options) {
  LoadResult result;
  detail::LoadContext ctx(options.display_name, options.base_dir, result.diagnostics,
                          options.env ? options.env : process_env());
  ctx.plan.file = options.display_name;
  ctx.reflection = options.reflection;
  ctx.source = std::string(text);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    const SourcePos pos{options.display_name, e.mark.is_null() ? 0 : e.mark.line + 1,
                        e.mark.is_null() ? 0 : e.mark.column + 1};
    ctx.reader.error(pos, fmt::format("not valid YAML: {}", e.msg),
                     "check indentation, quotes and brackets near this spot");
    return result;
  }
  try {
    if (auto why = exceeds_bounds(root)) {
      ctx.reader.error(ctx.reader.file_pos(), *why,
                       "write the plan out; use anchors and aliases for small shared pieces");
      return result;
    }
    load_document(ctx, root);
  } catch (const YAML::Exception& e) {
    // yaml-cpp reports some malformed documents lazily (e.g. bad aliases) while we walk them.
    ctx.reader.error(ctx.reader.file_pos(), fmt::format("not valid YAML: {}", e.msg));
  }
  collect_secrets(ctx);
  redact_plan(ctx.plan, result.diagnostics);
  result.plan = std::move(ctx.plan);
  return result;
}

LoadResult load_plan_file(const std::string& path, EnvLookup env, const ReflectionTls& reflection) {
  auto text = read_file_bounded(path, kMaxPlanFileBytes, "plan file");
  if (!text) {
    LoadResult result;
    std::string message = text.error().message;
    if (message.starts_with(path + ": ")) message.erase(0, path.size() + 2);
    result.diagnostics.add(SourcePos{path}, std::move(message),
                           text.error().hint.empty()
                               ? "check the path and that the file is readable"
                               : text.error().hint);
    return result;
  }
  LoadOptions options;
  options.display_name = path;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  options.base_dir = parent.empty() ? "." : parent.string();
  options.env = std::move(env);
  options.reflection = reflection;
  return load_plan_text(*text, options);
}

}  // namespace perfgate::plan
