#include "protocols/http1_request.h"

#include <fmt/format.h>
#include <strings.h>

#include <algorithm>
#include <cstring>

namespace perfgate::protocols {
namespace {

// RFC 9110 token characters.
bool is_token(const std::string& text) {
  static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || kExtra.find(c) != std::string_view::npos;
  });
}

bool has_line_break(const std::string& text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos;
}

bool equals_ignore_case(const std::string& a, const char* b) {
  return strcasecmp(a.c_str(), b) == 0;
}

bool method_expects_body(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

Result<void> validate(const HttpRequestSpec& spec) {
  if (!is_token(spec.method)) {
    return make_error(fmt::format("invalid HTTP method \"{}\"", spec.method), "e.g. GET, POST");
  }
  if (spec.target.empty() || spec.target.front() != '/' || has_line_break(spec.target) ||
      spec.target.find(' ') != std::string::npos) {
    return make_error(fmt::format("invalid request target \"{}\"", spec.target));
  }
  for (const auto& [name, value] : spec.headers) {
    if (!is_token(name)) {
      return make_error(fmt::format("invalid header name \"{}\"", name),
                        "write headers as 'Name: value'");
    }
    if (has_line_break(value)) {
      return make_error(fmt::format("header \"{}\" contains a line break", name));
    }
    if (equals_ignore_case(name, "content-length") ||
        equals_ignore_case(name, "transfer-encoding")) {
      return make_error(fmt::format("header \"{}\" cannot be set by hand", name),
                        "perfgate computes the body framing from --body");
    }
  }
  return {};
}

bool has_header(const HttpRequestSpec& spec, const char* name) {
  return std::any_of(spec.headers.begin(), spec.headers.end(),
                     [&](const auto& h) { return equals_ignore_case(h.first, name); });
}

}  // namespace

bool is_head_method(const std::string& method) { return method == "HEAD"; }

Result<std::string> write_http1_request(const HttpRequestSpec& spec) {
  if (auto ok = validate(spec); !ok) return ok.error();
  std::string out;
  out.reserve(128 + spec.body.size());
  fmt::format_to(std::back_inserter(out), "{} {} HTTP/1.1\r\n", spec.method, spec.target);
  if (!has_header(spec, "host")) fmt::format_to(std::back_inserter(out), "Host: {}\r\n", spec.host);
  if (!has_header(spec, "user-agent") && !spec.user_agent.empty()) {
    fmt::format_to(std::back_inserter(out), "User-Agent: {}\r\n", spec.user_agent);
  }
  for (const auto& [name, value] : spec.headers) {
    fmt::format_to(std::back_inserter(out), "{}: {}\r\n", name, value);
  }
  if (!spec.body.empty() || method_expects_body(spec.method)) {
    fmt::format_to(std::back_inserter(out), "Content-Length: {}\r\n", spec.body.size());
  }
  out += "\r\n";
  out += spec.body;
  return out;
}

}  // namespace perfgate::protocols
