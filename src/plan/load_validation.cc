// Plan values that pass their type check but would be wrong on the wire or meaningless: header
// fields that smuggle a second request, URLs with bad ports, broken IPv6 literals or NUL bytes,
// zero timeouts. Rejected at load so that `plan --check` and `run` refuse them before any traffic.
#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "plan/loader_internal.h"
#include "protocols/url.h"

namespace perfgate::plan::detail {
namespace {

// RFC 9110 token characters.
bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool has_control(std::string_view text, bool allow_tab) {
  return std::any_of(text.begin(), text.end(), [&](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && !(allow_tab && c == '\t')) || u == 0x7f;
  });
}

// The first literal part of `url` when it holds the whole authority ("http://h:1/..."), else "".
std::string literal_authority_prefix(const Template& url) {
  if (url.is_literal()) return url.source().find("://") == std::string::npos ? "" : url.source();
  if (url.parts().empty() || url.parts()[0].kind != Template::Kind::kLiteral) return {};
  const std::string& text = url.parts()[0].text;
  const size_t scheme = text.find("://");
  if (scheme == std::string::npos) return {};
  const size_t end = text.find_first_of("/?#", scheme + 3);
  return end == std::string::npos ? std::string() : text.substr(0, end);
}

// "[v6]" in the authority must hold an IPv6 address.
bool ipv6_literal_ok(std::string_view url, std::string& literal) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos || url.substr(scheme + 3, 1) != "[") return true;
  const size_t close = url.find(']', scheme + 3);
  if (close == std::string_view::npos) return true;  // the URL parser reports it
  literal = std::string(url.substr(scheme + 4, close - scheme - 4));
  in6_addr address{};
  return inet_pton(AF_INET6, literal.c_str(), &address) == 1;
}

// `text` with control characters written as \r, \n, \0 or \xNN, so a message stays one line.
std::string printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r')
      out += "\\r";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\0')
      out += "\\0";
    else if (u < 0x20 || u == 0x7f)
      out += fmt::format("\\x{:02x}", u);
    else
      out += c;
  }
  return out;
}

}  // namespace

bool check_header(YamlReader& r, const YAML::Node& at, std::string_view name,
                  const Template& value) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_tchar)) {
    r.error(at, fmt::format("header name \"{}\" is not an HTTP token", printable(name)),
            "header names are letters, digits and !#$%&'*+-.^_`|~ only (no spaces, colons, CR "
            "or LF)");
    return false;
  }
  for (const Template::Part& part : value.parts()) {
    if (part.kind == Template::Kind::kLiteral && has_control(part.text, /*allow_tab=*/true)) {
      r.error(at, fmt::format("header {} has a CR, LF, NUL or other control character", name),
              "a line break in a header would start a new header or request on the wire; "
              "remove it");
      return false;
    }
  }
  return true;
}

bool check_request_url(YamlReader& r, const YAML::Node& at, const Template& url) {
  for (const Template::Part& part : url.parts()) {
    if (part.kind == Template::Kind::kLiteral && has_control(part.text, /*allow_tab=*/false)) {
      r.error(at, "the URL has a space, CR, LF, NUL or other control character",
              "percent-encode it (%20, %0D, %0A, %00)");
      return false;
    }
  }
  const std::string prefix = literal_authority_prefix(url);
  if (prefix.empty()) return true;  // the host comes from a variable: checked when it is known
  std::string literal;
  if (!ipv6_literal_ok(prefix, literal)) {
    r.error(at, fmt::format("\"[{}]\" is not an IPv6 address", literal),
            "write an IPv6 literal like http://[::1]:8080/");
    return false;
  }
  std::string whole = prefix.size() == url.source().size() ? prefix : prefix + "/";
  // Whether https:// can be used is the engine's business (it says so at run time); the syntax
  // of host and port is checked here for both schemes.
  if (whole.starts_with("https://")) whole.erase(4, 1);
  if (auto parsed = protocols::parse_http_url(whole); !parsed) {
    r.error(at, parsed.error().message, parsed.error().hint);
    return false;
  }
  return true;
}

bool check_url_scheme(YamlReader& r, const YAML::Node& at, std::string_view url) {
  const size_t colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0 || url.starts_with("{{")) return true;
  const std::string_view scheme = url.substr(0, colon);
  const bool is_scheme =
      std::isalpha(static_cast<unsigned char>(scheme[0])) &&
      std::all_of(scheme.begin(), scheme.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
      });
  if (!is_scheme || scheme == "http" || scheme == "https") return true;
  r.error(at, fmt::format("request steps speak http:// and https://, not {}://", scheme),
          scheme == "grpc" || scheme == "grpcs"
              ? "gRPC calls are grpc: steps (docs/plan-reference.md)"
              : "write an http:// or https:// URL, or a path under options.baseUrl");
  return false;
}

void check_static_url(LoadContext& ctx, const YAML::Node& at, const Template& url) {
  if (url.is_literal()) return;
  std::vector<std::string> values(ctx.plan.variables.size());
  for (const Template::Part& part : url.parts()) {
    if (part.kind != Template::Kind::kVariable) continue;
    const Variable& v = ctx.plan.variables[static_cast<size_t>(part.slot)];
    if (!v.constant || v.scenario_env || v.extracted || !v.feeder_columns.empty()) return;
    values[static_cast<size_t>(part.slot)] = *v.constant;
  }
  RenderContext context{values, 1};
  std::mt19937_64 rng(1);
  context.rng = &rng;
  const std::string rendered = url.render(context);
  std::string whole = rendered;
  if (whole.starts_with("https://")) whole.erase(4, 1);
  if (auto parsed = protocols::parse_http_url(whole); !parsed) {
    ctx.reader.error(at, fmt::format("once its vars: are filled in, {}", parsed.error().message),
                     parsed.error().hint);
  }
}

bool check_timeout(YamlReader& r, const YAML::Node& at, std::string_view what, Nanos timeout) {
  if (timeout > 0) return true;
  r.error(at, fmt::format("{} must be above 0", what),
          "a request with no time at all always fails; write e.g. 5s");
  return false;
}

}  // namespace perfgate::plan::detail
