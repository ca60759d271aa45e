#include "server/request_parser.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace perfgate::server {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kHeadEnd = "\r\n\r\n";

// RFC 9110 token characters.
bool is_tchar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != 0;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return is_tchar(c); });
}

// Field values: visible characters, obs-text, space and tab; no other control characters.
bool is_field_value(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c == '\t' || (c >= 0x20 && c != 0x7f);
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

ParseOutcome fail(int status, std::string_view reason) {
  ParseOutcome out;
  out.status = ParseStatus::kError;
  out.error_status = status;
  out.error = reason;
  return out;
}

ParseOutcome incomplete(size_t scan_from) {
  ParseOutcome out;
  out.scan_from = scan_from;
  return out;
}

// A first line still being received: reject bytes no request line can contain, so garbage is
// answered at once instead of after the head limit.
bool plausible_partial_line(std::string_view line, size_t from) {
  if (!line.empty() && !is_tchar(line.front()) && line.front() != '\r') return false;
  for (size_t i = from; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if ((c < 0x20 && c != '\r') || c >= 0x7f) return false;
  }
  return true;
}

bool parse_version(std::string_view text, int& minor, int& error_status) {
  if (text == "HTTP/1.1" || text == "HTTP/1.0") {
    minor = text.back() - '0';
    return true;
  }
  const bool well_formed = text.size() == 8 && text.substr(0, 5) == "HTTP/" &&
                           std::isdigit(static_cast<unsigned char>(text[5])) && text[6] == '.' &&
                           std::isdigit(static_cast<unsigned char>(text[7]));
  error_status = well_formed ? 505 : 400;
  return false;
}

// Origin-form "/p?q", asterisk-form "*", or absolute-form "http://host/p?q".
bool split_target(std::string_view target, Request& request) {
  const bool visible = std::all_of(target.begin(), target.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c > 0x20 && c < 0x7f;
  });
  if (target.empty() || !visible) return false;
  std::string_view rest = target;
  if (rest.substr(0, 7) == "http://" || rest.substr(0, 8) == "https://") {
    const size_t slash = rest.find('/', rest.find("//") + 2);
    rest = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  } else if (rest.front() != '/' && rest != "*") {
    return false;
  }
  const size_t question = rest.find('?');
  request.path = rest.substr(0, question);
  request.query =
      question == std::string_view::npos ? std::string_view() : rest.substr(question + 1);
  if (request.path.empty()) request.path = "/";
  return true;
}

ParseOutcome parse_request_line(std::string_view line, Request& request) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return fail(400, "malformed request line");
  request.method = line.substr(0, sp1);
  request.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (!is_token(request.method)) return fail(400, "malformed method");
  if (!split_target(request.target, request)) return fail(400, "malformed request target");
  int status = 0;
  if (!parse_version(line.substr(sp2 + 1), request.version_minor, status)) {
    return fail(status, status == 505 ? "HTTP version not supported" : "malformed HTTP version");
  }
  return ParseOutcome{ParseStatus::kComplete};
}

bool parse_content_length(std::string_view text, size_t& value) {
  if (text.empty() || text.size() > 18) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    if (equals_ignore_case(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

std::string_view Request::header(std::string_view name) const {
  for (const Header& h : headers) {
    if (equals_ignore_case(h.name, name)) return h.value;
  }
  return {};
}

ParseOutcome RequestParser::parse(std::string_view input, Request& request, size_t scan_from) {
  // RFC 9112 2.2: ignore empty lines before a request line.
  size_t skipped = 0;
  while (input.substr(skipped, 2) == kCrlf) skipped += 2;
  if (skipped > limits_.max_head_bytes) return fail(400, "too many empty lines");
  const std::string_view rest = input.substr(skipped);
  const size_t from = scan_from > skipped + 3 ? scan_from - skipped - 3 : 0;
  const size_t end = rest.find(kHeadEnd, from);
  if (end == std::string_view::npos) {
    if (rest.size() > limits_.max_head_bytes) return fail(431, "request head too large");
    const size_t line_end = rest.find(kCrlf);
    if (line_end == std::string_view::npos) {
      if (!plausible_partial_line(rest, from)) return fail(400, "malformed request line");
    } else if (ParseOutcome line = parse_request_line(rest.substr(0, line_end), request);
               line.status == ParseStatus::kError) {
      return line;
    }
    return incomplete(input.size());
  }
  const size_t head_size = end + kHeadEnd.size();
  if (head_size > limits_.max_head_bytes) return fail(431, "request head too large");
  ParseOutcome head = parse_head(rest.substr(0, end + kCrlf.size()), request);
  if (head.status == ParseStatus::kError) return head;
  ParseOutcome body = parse_body(rest, head_size, request);
  if (body.status == ParseStatus::kComplete) body.consumed += skipped;
  if (body.status == ParseStatus::kIncomplete) body.scan_from = skipped + end;
  return body;
}

// `head` is the request line and header lines, each ending in CRLF.
ParseOutcome RequestParser::parse_head(std::string_view head, Request& request) {
  request.headers.clear();
  request.body = {};
  request.chunked = false;
  size_t line_end = head.find(kCrlf);
  ParseOutcome line = parse_request_line(head.substr(0, line_end), request);
  if (line.status == ParseStatus::kError) return line;
  for (size_t pos = line_end + 2; pos < head.size(); pos = line_end + 2) {
    line_end = head.find(kCrlf, pos);
    const std::string_view field = head.substr(pos, line_end - pos);
    const size_t colon = field.find(':');
    if (colon == std::string_view::npos) return fail(400, "header line without a colon");
    const std::string_view name = field.substr(0, colon);
    const std::string_view value = trim(field.substr(colon + 1));
    // is_token also rejects obsolete line folding (a leading space) and "Name :".
    if (!is_token(name)) return fail(400, "malformed header name");
    if (!is_field_value(value)) return fail(400, "control character in header value");
    if (request.headers.size() >= limits_.max_headers) return fail(431, "too many headers");
    request.headers.push_back(Header{name, value});
  }
  const std::string_view connection = request.header("Connection");
  request.keep_alive = request.version_minor == 1
                           ? !has_token(connection, "close")
                           : has_token(connection, "keep-alive") && !has_token(connection, "close");
  return ParseOutcome{ParseStatus::kComplete};
}

ParseOutcome RequestParser::parse_body(std::string_view input, size_t head_size, Request& request) {
  bool has_length = false;
  size_t length = 0;
  int transfer_encodings = 0;
  std::string_view coding;
  for (const Header& h : request.headers) {
    if (equals_ignore_case(h.name, "Content-Length")) {
      size_t value = 0;
      if (!parse_content_length(h.value, value)) return fail(400, "malformed Content-Length");
      if (has_length && value != length) return fail(400, "conflicting Content-Length");
      has_length = true;
      length = value;
    } else if (equals_ignore_case(h.name, "Transfer-Encoding")) {
      ++transfer_encodings;
      coding = h.value;
    }
  }
  if (transfer_encodings > 0) {
    // Both framings at once is how request smuggling starts: refuse it (RFC 9112 6.1).
    if (has_length || transfer_encodings > 1 || request.version_minor == 0) {
      return fail(400, "ambiguous message framing");
    }
    if (equals_ignore_case(coding, "chunked")) return parse_chunked(input, head_size, request);
    const size_t comma = coding.rfind(',');
    const std::string_view last = trim(coding.substr(comma == coding.npos ? 0 : comma + 1));
    return equals_ignore_case(last, "chunked") ? fail(501, "unsupported transfer coding")
                                               : fail(400, "body framing is not chunked");
  }
  if (length > limits_.max_body_bytes) return fail(413, "request body too large");
  if (input.size() - head_size < length) return incomplete(0);
  request.body = input.substr(head_size, length);
  ParseOutcome out{ParseStatus::kComplete};
  out.consumed = head_size + length;
  return out;
}

}  // namespace perfgate::server
