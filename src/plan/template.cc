#include "plan/template.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>

#include "plan/diagnostics.h"

namespace perfgate::plan {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool valid_name(std::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
    return false;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

bool parse_int(std::string_view text, std::int64_t& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

void append_uuid(std::mt19937_64& rng, std::string& out) {
  std::uint64_t hi = rng();
  std::uint64_t lo = rng();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;        // version 4
  lo = (lo & ~(3ULL << 62)) | (2ULL << 62);  // RFC 4122 variant
  fmt::format_to(std::back_inserter(out), "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32,
                 (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

constexpr std::array<std::pair<std::string_view, Filter>, 4> kFilters = {{
    {"urlencode", Filter::kUrlencode},
    {"base64", Filter::kBase64},
    {"base64url", Filter::kBase64Url},
    {"json", Filter::kJson},
}};

Result<Filter> parse_filter(std::string_view name) {
  for (const auto& [known, filter] : kFilters) {
    if (name == known) return filter;
  }
  std::vector<std::string_view> names;
  for (const auto& entry : kFilters) names.push_back(entry.first);
  return make_error(fmt::format("unknown template filter \"{}\"", name),
                    name.empty() ? "write a filter after |: urlencode, base64, base64url or json"
                                 : suggest(name, names));
}

void append_base64(std::string_view value, bool url, std::string& out) {
  const char* alphabet = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                             : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 3 <= value.size(); i += 3) {
    const auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(value[i]) << 16 |
                                              static_cast<unsigned char>(value[i + 1]) << 8 |
                                              static_cast<unsigned char>(value[i + 2]));
    for (int shift : {18, 12, 6, 0}) out += alphabet[(n >> shift) & 63];
  }
  const size_t rest = value.size() - i;
  if (rest == 0) return;
  std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(value[i])) << 16;
  if (rest == 2) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(value[i + 1])) << 8;
  out += alphabet[(n >> 18) & 63];
  out += alphabet[(n >> 12) & 63];
  if (rest == 2) out += alphabet[(n >> 6) & 63];
  if (!url) out.append(rest == 1 ? "==" : "=");
}

void append_percent(unsigned char c, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

}  // namespace

// Builds parts; a friend of Template so the parts stay private to everyone else.
struct TemplateCompiler {
  // `expr | filter | filter`: the expression, then its filters.
  static Result<Template::Part> filtered(std::string_view inner, const SlotResolver& resolve) {
    const size_t bar = inner.find('|');
    auto part = expression(inner.substr(0, bar), resolve);
    if (!part || bar == std::string_view::npos) return part;
    std::string_view rest = inner.substr(bar + 1);
    while (true) {
      const size_t next = rest.find('|');
      auto filter = parse_filter(trim(rest.substr(0, next)));
      if (!filter) return filter.error();
      part->filters.push_back(*filter);
      if (next == std::string_view::npos) break;
      rest = rest.substr(next + 1);
    }
    return part;
  }

  static Result<Template::Part> expression(std::string_view inner, const SlotResolver& resolve) {
    std::string_view expr = trim(inner);
    Template::Part part;
    if (expr.empty()) return make_error("empty {{}} expression", "write a variable name");
    if (expr == "__VU")
      part.kind = Template::Kind::kVu;
    else if (expr == "__ITER")
      part.kind = Template::Kind::kIteration;
    else if (expr == "uuid")
      part.kind = Template::Kind::kUuid;
    else if (expr == "now")
      part.kind = Template::Kind::kNow;
    else if (expr.starts_with("randInt"))
      return rand_int(expr);
    else
      return variable(expr, resolve);
    part.text = std::string(expr);
    return part;
  }

  static Result<Template::Part> rand_int(std::string_view expr) {
    Template::Part part{Template::Kind::kRandInt, std::string(expr)};
    std::string_view args = trim(expr.substr(7));
    const size_t space = args.find_first_of(" \t");
    const auto bad = make_error(fmt::format("malformed \"{}\"", expr),
                                "write {{randInt LOW HIGH}} with two integers, LOW <= HIGH");
    if (space == std::string_view::npos || expr.size() == 7 || !std::isspace(expr[7])) return bad;
    if (!parse_int(trim(args.substr(0, space)), part.low) ||
        !parse_int(trim(args.substr(space)), part.high) || part.low > part.high) {
      return bad;
    }
    return part;
  }

  static Result<Template::Part> variable(std::string_view name, const SlotResolver& resolve) {
    if (!valid_name(name)) {
      return make_error(fmt::format("invalid variable name \"{}\"", name),
                        "names start with a letter or _ and use letters, digits, _ - .");
    }
    const int slot = resolve ? resolve(name) : -1;
    if (slot < 0) {
      return make_error(
          fmt::format("undefined variable \"{}\"", name),
          "define it under vars:, in the scenario's env:, as a data file column, or extract it in "
          "an earlier step; built-ins are __VU, __ITER, uuid, randInt, now");
    }
    return Template::Part{Template::Kind::kVariable, std::string(name), slot};
  }
};

Template Template::literal(std::string text) {
  Template t;
  t.source_ = text;
  if (!text.empty()) t.parts_.push_back(Part{Kind::kLiteral, std::move(text)});
  return t;
}

TemplateCompileResult compile_template(std::string_view text, const SlotResolver& resolve,
                                       Escape escape) {
  TemplateCompileResult result;
  Template& t = result.value;
  t.source_ = std::string(text);
  t.escape_ = escape;
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    const size_t open = text.find("{{", i);
    if (open == std::string_view::npos) {
      literal.append(text.substr(i));
      break;
    }
    literal.append(text.substr(i, open - i));
    const size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      result.errors.push_back({open, make_error("unclosed \"{{\"", "close it with }}")});
      break;
    }
    auto part = TemplateCompiler::filtered(text.substr(open + 2, close - open - 2), resolve);
    if (!part) {
      result.errors.push_back({open, part.error()});
    } else {
      if (!literal.empty()) t.parts_.push_back({Template::Kind::kLiteral, std::move(literal)});
      literal.clear();
      t.parts_.push_back(std::move(*part));
    }
    i = close + 2;
  }
  if (!literal.empty()) t.parts_.push_back({Template::Kind::kLiteral, std::move(literal)});
  return result;
}

void Template::render(const RenderContext& context, std::string& out) const {
  // Filtered values are built in two per-thread buffers, so steady-state renders allocate nothing.
  thread_local std::string value, next;
  for (const Part& part : parts_) {
    if (part.kind == Kind::kLiteral) {
      out.append(part.text);
      continue;
    }
    const bool escaped = escape_ != Escape::kNone && part.kind == Kind::kVariable;
    if (part.filters.empty() && !escaped) {
      render_value(part, context, out);
      continue;
    }
    value.clear();
    render_value(part, context, value);
    for (Filter filter : part.filters) {
      next.clear();
      append_filtered(filter, value, next);
      value.swap(next);
    }
    if (escape_ == Escape::kJson)
      append_json_escaped(value, out);
    else if (escape_ == Escape::kUrl)
      append_url_escaped(value, out);
    else
      out.append(value);
  }
}

// The part's value as it is, before filters and escaping.
void Template::render_value(const Part& part, const RenderContext& context,
                            std::string& out) const {
  switch (part.kind) {
    case Kind::kLiteral:
      out.append(part.text);
      break;
    case Kind::kVariable: {
      const bool present = part.slot >= 0 && static_cast<size_t>(part.slot) < context.vars.size();
      if (present) out.append(context.vars[part.slot]);
      break;
    }
    case Kind::kVu:
      fmt::format_to(std::back_inserter(out), "{}", context.vu);
      break;
    case Kind::kIteration:
      fmt::format_to(std::back_inserter(out), "{}", context.iteration);
      break;
    case Kind::kNow:
      fmt::format_to(std::back_inserter(out), "{}", context.unix_millis);
      break;
    case Kind::kUuid: {
      std::mt19937_64 fallback(0);
      append_uuid(context.rng ? *context.rng : fallback, out);
      break;
    }
    case Kind::kRandInt: {
      // Unsigned arithmetic: the full int64 range must not overflow.
      const auto low = static_cast<std::uint64_t>(part.low);
      const std::uint64_t span = static_cast<std::uint64_t>(part.high) - low + 1;
      const std::uint64_t draw = context.rng ? (*context.rng)() : 0;
      const auto value = static_cast<std::int64_t>(low + (span == 0 ? draw : draw % span));
      fmt::format_to(std::back_inserter(out), "{}", value);
      break;
    }
  }
}

std::string Template::render(const RenderContext& context) const {
  std::string out;
  render(context, out);
  return out;
}

std::vector<std::string> Template::variable_names() const {
  std::vector<std::string> names;
  for (const Part& part : parts_) {
    if (part.kind == Kind::kVariable) names.push_back(part.text);
  }
  return names;
}

void append_filtered(Filter filter, std::string_view value, std::string& out) {
  switch (filter) {
    case Filter::kUrlencode:
      for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~')
          out += c;
        else
          append_percent(u, out);
      }
      break;
    case Filter::kBase64:
    case Filter::kBase64Url:
      append_base64(value, filter == Filter::kBase64Url, out);
      break;
    case Filter::kJson:
      out += '"';
      append_json_escaped(value, out);
      out += '"';
      break;
  }
}

void append_url_escaped(std::string_view value, std::string& out) {
  static constexpr std::string_view kNeverInUrl = "\"#<>\\^`{|}";
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || kNeverInUrl.find(c) != std::string_view::npos)
      append_percent(u, out);
    else
      out += c;
  }
}

void append_json_escaped(std::string_view value, std::string& out) {
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
}

}  // namespace perfgate::plan
