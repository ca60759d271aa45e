// HttpUrl: the parts of an http:// or https:// URL that a load generator needs (scheme, host,
// port, request target, Host header).
//
// Thread-safety: pure functions over value types.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace perfgate::protocols {

struct HttpUrl {
  bool tls = false;       // https://
  std::string host;       // without brackets for IPv6 literals
  uint16_t port = 80;     // explicit port, or the scheme's default (80, 443)
  std::string target;     // origin-form request target: path plus query, always starts with '/'
  std::string authority;  // the Host header value: host[:port] as written in the URL

  std::string_view scheme() const { return tls ? "https" : "http"; }
};

// Parses "http[s]://host[:port][/path][?query]". Fragments are dropped (never sent on the wire).
// Rejects other schemes, user-info, empty hosts, bad ports, and spaces or control characters.
Result<HttpUrl> parse_http_url(std::string_view text);

// Resolves a Location header value against the URL it answered (RFC 3986 5.2 for the forms
// servers send): absolute "http://h/p", scheme-relative "//h/p", absolute path "/p?q", and paths
// relative to the base's directory ("p", "../p" is taken literally).
Result<HttpUrl> resolve_http_url(const HttpUrl& base, std::string_view reference);

}  // namespace perfgate::protocols
