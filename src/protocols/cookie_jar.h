// CookieJar: the cookies one virtual user holds, kept the way a browser keeps them (RFC 6265,
// the parts a load test meets): each Set-Cookie is stored under its domain and path, replaces an
// earlier cookie of the same name, domain and path, and is removed when Max-Age <= 0 or Expires
// is in the past; requests get the cookies whose domain, path and Secure flag match, longest path
// first. A Domain attribute that does not cover the answering host is ignored (the cookie is
// rejected), so one server cannot plant cookies for another.
//
// Bounded: at most kMaxCookies cookies (the oldest are evicted) and kMaxCookieBytes per cookie,
// so a misbehaving server cannot grow a VU without limit.
//
// Thread-safety: none; one jar per VU, used by the VU's worker thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::protocols {

class CookieJar {
 public:
  static constexpr size_t kMaxCookies = 300;
  static constexpr size_t kMaxCookieBytes = 4096;  // name + value, as browsers allow

  // Stores the cookie of one Set-Cookie header value received in answer to a request for
  // `host` and `request_path` (the path without the query). `now` is Unix time in seconds.
  // Returns false when the header was ignored (malformed, too large, foreign domain).
  bool store(std::string_view set_cookie, std::string_view host, std::string_view request_path,
             int64_t now);

  // Appends "name=value; name2=value2" for a request to `host` `path` (without the query) over
  // a secure (`secure`) or plain connection. `skip` is the Cookie header value the request
  // already carries (or empty): its names win over the jar's, and the jar's cookies follow it
  // after "; ". Returns how many cookies were appended.
  size_t append_header_value(std::string_view host, std::string_view path, bool secure, int64_t now,
                             std::string_view skip, std::string& out) const;

  void clear() { cookies_.clear(); }
  bool empty() const { return cookies_.empty(); }
  size_t size() const { return cookies_.size(); }

 private:
  struct Cookie {
    std::string name;
    std::string value;
    std::string domain;  // lower case, no leading dot
    std::string path;
    bool host_only = true;
    bool secure = false;
    int64_t expires = -1;  // Unix seconds; -1: a session cookie
    uint64_t created = 0;  // insertion order, kept when a cookie is replaced
  };

  void insert(Cookie cookie);

  std::vector<Cookie> cookies_;  // longest path first, then oldest first (the sending order)
  uint64_t next_created_ = 0;
};

// Whether `host` domain-matches `domain` (RFC 6265 5.1.3): equal, or a subdomain of it when the
// host is a name rather than an IP address. Both lower case.
bool domain_matches(std::string_view host, std::string_view domain);

// Whether `request_path` path-matches `cookie_path` (RFC 6265 5.1.4).
bool path_matches(std::string_view request_path, std::string_view cookie_path);

// The default path of a cookie set by a response to `request_path` (RFC 6265 5.1.4).
std::string_view default_cookie_path(std::string_view request_path);

// Parses an HTTP date as cookies write it ("Wed, 21 Oct 2026 07:28:00 GMT", also with dashes
// "21-Oct-2026" or a two-digit year) into Unix seconds; nothing when it is not a date.
bool parse_cookie_date(std::string_view text, int64_t* unix_seconds);

}  // namespace perfgate::protocols
