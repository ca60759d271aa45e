#include "server/response.h"

#include <fmt/format.h>

#include <array>
#include <charconv>

namespace perfgate::server {
namespace {

constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz";
constexpr size_t kPatternBytes = 64 * 1024 + kAlphabet.size();

// 64 KiB of the repeating alphabet (plus one period of slack), so any slice of the generated
// body up to 64 KiB is one memcpy from here.
const std::array<char, kPatternBytes>& pattern() {
  static const std::array<char, kPatternBytes> kPattern = [] {
    std::array<char, kPatternBytes> p{};
    for (size_t i = 0; i < p.size(); ++i) p[i] = kAlphabet[i % kAlphabet.size()];
    return p;
  }();
  return kPattern;
}

void append_decimal(uint64_t value, std::string& out) {
  char digits[20];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

}  // namespace

void Response::reset() {
  status = 200;
  content_type = "text/plain";
  body_kind = Body::kText;
  owned_body.clear();
  static_body = {};
  generated_bytes = 0;
  delay_ms = 0;
  extra_headers.clear();
  close = false;
}

void Response::set_text(int code, std::string_view type, std::string text) {
  status = code;
  content_type = type;
  owned_body = std::move(text);
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 418:
      return "I'm a teapot";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

bool status_has_body(int status) { return status >= 200 && status != 204 && status != 304; }

// Plain appends rather than fmt: this runs once per response and is most of a small
// response's cost.
void append_head(const Response& response, bool keep_alive, bool http10, std::string& out) {
  out += "HTTP/1.1 ";
  append_decimal(static_cast<uint64_t>(response.status), out);
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\n";
  if (status_has_body(response.status)) {
    out += "Content-Type: ";
    out += response.content_type;
    if (response.body_kind == Response::Body::kGeneratedChunked && !http10) {
      out += "\r\nTransfer-Encoding: chunked\r\n";
    } else {
      out += "\r\nContent-Length: ";
      append_decimal(response.body_kind == Response::Body::kText ? response.text_body().size()
                                                                 : response.generated_bytes,
                     out);
      out += "\r\n";
    }
  }
  out += response.extra_headers;
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (http10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
}

void append_generated(uint64_t offset, size_t count, std::string& out) {
  const auto& p = pattern();
  while (count > 0) {
    const size_t start = offset % kAlphabet.size();
    const size_t n = std::min(count, p.size() - start);
    out.append(p.data() + start, n);
    offset += n;
    count -= n;
  }
}

void append_generated_chunk(uint64_t offset, size_t count, std::string& out) {
  fmt::format_to(std::back_inserter(out), "{:x}\r\n", count);
  append_generated(offset, count, out);
  out += "\r\n";
}

}  // namespace perfgate::server
