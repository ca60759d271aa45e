#include "protocols/http1_request.h"

#include <fmt/format.h>
#include <strings.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <vector>

#include "protocols/field_text.h"

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

bool equals_ignore_case(const std::string& a, const char* b) {
  return strcasecmp(a.c_str(), b) == 0;
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

void append_number(size_t n, std::string& out) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, static_cast<size_t>(end - digits));
}

}  // namespace

bool is_head_method(const std::string& method) { return method == "HEAD"; }

Result<std::string> write_http1_request(const HttpRequestSpec& spec) {
  if (auto ok = validate(spec); !ok) return ok.error();
  std::vector<HeaderField> fields(spec.headers.begin(), spec.headers.end());
  OutgoingRequest request;
  request.method = spec.method;
  request.authority = spec.host;
  request.target = spec.target;
  request.headers = fields;
  request.body = spec.body;
  request.user_agent = spec.user_agent;
  std::string out;
  out.reserve(128 + spec.body.size());
  if (!append_http1_request(request, out)) return make_error("invalid request");
  return out;
}

bool append_http1_request(const OutgoingRequest& request, std::string& out) {
  if (has_line_break(request.target)) return false;
  out.append(request.method).append(" ").append(request.target).append(" HTTP/1.1\r\n");
  bool host = false, user_agent = false;
  for (const auto& [name, value] : request.headers) {
    host |= same_name(name, "host");
    user_agent |= same_name(name, "user-agent");
  }
  if (!host) out.append("Host: ").append(request.authority).append("\r\n");
  if (!user_agent && !request.user_agent.empty()) {
    out.append("User-Agent: ").append(request.user_agent).append("\r\n");
  }
  for (const auto& [name, value] : request.headers) {
    if (has_line_break(name) || has_line_break(value)) return false;
    out.append(name).append(": ").append(value).append("\r\n");
  }
  const std::string_view m = request.method;
  if (!request.body.empty() || m == "POST" || m == "PUT" || m == "PATCH") {
    out.append("Content-Length: ");
    append_number(request.body.size(), out);
    out.append("\r\n");
  }
  out.append("\r\n").append(request.body);
  return true;
}

}  // namespace perfgate::protocols
