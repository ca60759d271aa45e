#include "protocols/url.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace perfgate::protocols {
namespace {

bool starts_with_ignore_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

Error bad_url(std::string_view text, std::string_view why) {
  return make_error(fmt::format("invalid URL \"{}\": {}", text, why),
                    "write it like http://127.0.0.1:8080/path");
}

bool has_forbidden_characters(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

// Splits "host[:port]" / "[v6][:port]" into url->host and url->port.
Result<void> parse_authority(std::string_view input, std::string_view authority, HttpUrl* url) {
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad_url(input, "unterminated IPv6 literal");
    url->host = std::string(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return bad_url(input, "junk after IPv6 literal");
    if (!rest.empty()) port_text = rest.substr(1);
  } else {
    const size_t colon = authority.rfind(':');
    url->host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    if (colon != std::string_view::npos && port_text.empty()) return bad_url(input, "empty port");
  }
  if (url->host.empty()) return bad_url(input, "no host");
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return bad_url(input, fmt::format("bad port \"{}\"", port_text));
    }
    url->port = static_cast<uint16_t>(port);
  }
  return {};
}

}  // namespace

Result<HttpUrl> parse_http_url(std::string_view text) {
  const bool tls = starts_with_ignore_case(text, "https://");
  if (!tls && !starts_with_ignore_case(text, "http://")) {
    return bad_url(text, "only http:// and https:// URLs are supported");
  }
  if (has_forbidden_characters(text)) return bad_url(text, "contains spaces or control characters");
  std::string_view rest = text.substr(tls ? 8 : 7);
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  const size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) {
    return bad_url(text, "user:password@ in URLs is not supported");
  }
  HttpUrl url;
  url.tls = tls;
  url.port = tls ? 443 : 80;
  if (auto r = parse_authority(text, authority, &url); !r) return r.error();
  url.authority = std::string(authority);
  const std::string_view target = slash == std::string_view::npos ? "/" : rest.substr(slash);
  url.target = target.front() == '?' ? fmt::format("/{}", target) : std::string(target);
  return url;
}

Result<HttpUrl> resolve_http_url(const HttpUrl& base, std::string_view reference) {
  reference = reference.substr(0, reference.find('#'));
  const auto lower_prefix = [&](std::string_view prefix) {
    if (reference.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(reference[i])) != prefix[i]) return false;
    }
    return true;
  };
  if (lower_prefix("http://") || lower_prefix("https://")) return parse_http_url(reference);
  const std::string scheme(base.scheme());
  if (reference.substr(0, 2) == "//") return parse_http_url(scheme + ":" + std::string(reference));
  std::string target;
  if (!reference.empty() && reference.front() == '/') {
    target = reference;
  } else {
    const std::string_view path = std::string_view(base.target).substr(0, base.target.find('?'));
    target = std::string(path.substr(0, path.rfind('/') + 1));
    if (reference.empty()) {
      target = base.target;
    } else if (reference.front() == '?') {
      target = std::string(path) + std::string(reference);
    } else {
      target += reference;
    }
  }
  return parse_http_url(scheme + "://" + base.authority + target);
}

}  // namespace perfgate::protocols
