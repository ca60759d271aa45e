// CookieJar: Set-Cookie parsing, matching and the Cookie header; see cookie_jar.h.
#include "protocols/cookie_jar.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>

namespace perfgate::protocols {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_ip_literal(std::string_view host) {
  if (host.find(':') != std::string_view::npos) return true;  // IPv6
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
  });
}

// Leading digits of `token` (at most `max` of them, at least `min`) as a number; -1 otherwise.
int leading_number(std::string_view token, size_t min, size_t max) {
  size_t n = 0;
  while (n < token.size() && std::isdigit(static_cast<unsigned char>(token[n]))) ++n;
  if (n < min || n > max) return -1;
  int value = 0;
  std::from_chars(token.data(), token.data() + n, value);
  return value;
}

// hh:mm:ss with one or two digits each, possibly followed by non-digits (RFC 6265 5.1.1).
bool parse_time(std::string_view token, int* h, int* m, int* s) {
  int parts[3];
  size_t pos = 0;
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (pos >= token.size() || token[pos] != ':') return false;
      ++pos;
    }
    const size_t start = pos;
    while (pos < token.size() && pos - start < 3 &&
           std::isdigit(static_cast<unsigned char>(token[pos])))
      ++pos;
    if (pos == start || pos - start > 2) return false;
    std::from_chars(token.data() + start, token.data() + pos, parts[i]);
  }
  if (pos < token.size() && std::isdigit(static_cast<unsigned char>(token[pos]))) return false;
  *h = parts[0], *m = parts[1], *s = parts[2];
  return true;
}

int month_of(std::string_view token) {
  static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  if (token.size() < 3) return -1;
  for (int i = 0; i < 12; ++i) {
    if (iequals(token.substr(0, 3), kMonths[i])) return i;
  }
  return -1;
}

// Control characters never belong in a cookie (RFC 6265 4.1.1); refusing them also keeps a
// stored cookie from ever injecting a line into a request head.
bool has_control_character(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

bool is_date_delimiter(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x09 || (u >= 0x20 && u <= 0x2F) || (u >= 0x3B && u <= 0x40) ||
         (u >= 0x5B && u <= 0x60) || (u >= 0x7B && u <= 0x7E);
}

}  // namespace

bool domain_matches(std::string_view host, std::string_view domain) {
  if (host == domain) return true;
  return !is_ip_literal(host) && host.size() > domain.size() &&
         host.substr(host.size() - domain.size()) == domain &&
         host[host.size() - domain.size() - 1] == '.';
}

bool path_matches(std::string_view request_path, std::string_view cookie_path) {
  if (request_path == cookie_path) return true;
  if (request_path.substr(0, cookie_path.size()) != cookie_path) return false;
  return cookie_path.back() == '/' || request_path[cookie_path.size()] == '/';
}

std::string_view default_cookie_path(std::string_view request_path) {
  if (request_path.empty() || request_path.front() != '/') return "/";
  const size_t last = request_path.rfind('/');
  return last == 0 ? std::string_view("/") : request_path.substr(0, last);
}

// RFC 6265 5.1.1: tokens split at delimiters; the first time, day of month, month and year found
// win, whatever their order.
bool parse_cookie_date(std::string_view text, int64_t* unix_seconds) {
  int hour = -1, minute = 0, second = 0, day = -1, month = -1, year = -1;
  size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && is_date_delimiter(text[pos])) ++pos;
    size_t end = pos;
    while (end < text.size() && !is_date_delimiter(text[end])) ++end;
    const std::string_view token = text.substr(pos, end - pos);
    pos = end;
    if (token.empty()) continue;
    if (hour < 0 && parse_time(token, &hour, &minute, &second)) continue;
    if (day < 0 && (day = leading_number(token, 1, 2)) >= 0) continue;
    if (month < 0 && (month = month_of(token)) >= 0) continue;
    if (year < 0) year = leading_number(token, 2, 4);
  }
  if (year >= 70 && year <= 99) year += 1900;
  if (year >= 0 && year <= 69) year += 2000;
  if (hour < 0 || day < 1 || day > 31 || month < 0 || year < 1601 || hour > 23 || minute > 59 ||
      second > 59) {
    return false;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  *unix_seconds = static_cast<int64_t>(timegm(&tm));
  return true;
}

bool CookieJar::store(std::string_view set_cookie, std::string_view host,
                      std::string_view request_path, int64_t now) {
  std::string_view rest = set_cookie;
  const size_t semicolon = rest.find(';');
  const std::string_view pair = rest.substr(0, semicolon);
  rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
  const size_t eq = pair.find('=');
  if (eq == std::string_view::npos) return false;
  Cookie cookie;
  cookie.name = trim(pair.substr(0, eq));
  cookie.value = trim(pair.substr(eq + 1));
  if (cookie.name.empty() || cookie.name.size() + cookie.value.size() > kMaxCookieBytes ||
      has_control_character(cookie.name) || has_control_character(cookie.value)) {
    return false;
  }
  cookie.domain = lower(host);
  cookie.path = default_cookie_path(request_path);
  bool max_age_seen = false;
  while (!rest.empty()) {
    const size_t next = rest.find(';');
    const std::string_view attribute = rest.substr(0, next);
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    const size_t aeq = attribute.find('=');
    const std::string_view key = trim(attribute.substr(0, aeq));
    const std::string_view value =
        aeq == std::string_view::npos ? std::string_view() : trim(attribute.substr(aeq + 1));
    if (iequals(key, "Max-Age")) {
      int64_t seconds = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec != std::errc() || p != value.data() + value.size()) continue;  // ignored (5.2.2)
      constexpr int64_t kMaxAge = 400LL * 24 * 3600;  // RFC 6265bis caps lifetimes at 400 days
      cookie.expires = seconds <= 0 ? 0 : now + std::min(seconds, kMaxAge);
      max_age_seen = true;
    } else if (iequals(key, "Expires") && !max_age_seen) {
      int64_t when = 0;
      if (parse_cookie_date(value, &when)) cookie.expires = std::max<int64_t>(when, 0);
    } else if (iequals(key, "Domain") && !value.empty()) {
      std::string domain = lower(value.front() == '.' ? value.substr(1) : value);
      if (!domain_matches(cookie.domain, domain)) return false;  // 5.3 step 6
      cookie.domain = std::move(domain);
      cookie.host_only = false;
    } else if (iequals(key, "Path") && !value.empty() && value.front() == '/' &&
               !has_control_character(value)) {
      cookie.path = value;
    } else if (iequals(key, "Secure")) {
      cookie.secure = true;
    }
  }
  insert(std::move(cookie));
  // An expired cookie deletes its namesake and is not kept (insert() replaced, now drop it).
  cookies_.erase(
      std::remove_if(cookies_.begin(), cookies_.end(),
                     [now](const Cookie& c) { return c.expires >= 0 && c.expires <= now; }),
      cookies_.end());
  return true;
}

void CookieJar::insert(Cookie cookie) {
  for (auto it = cookies_.begin(); it != cookies_.end(); ++it) {
    if (it->name == cookie.name && it->domain == cookie.domain && it->path == cookie.path) {
      cookie.created = it->created;
      *it = std::move(cookie);
      return;
    }
  }
  if (cookies_.size() >= kMaxCookies) {
    cookies_.erase(
        std::min_element(cookies_.begin(), cookies_.end(),
                         [](const Cookie& a, const Cookie& b) { return a.created < b.created; }));
  }
  cookie.created = next_created_++;
  // Longest path first; among equal lengths the new cookie goes last (it is the youngest).
  auto at = std::find_if(cookies_.begin(), cookies_.end(),
                         [&](const Cookie& c) { return c.path.size() < cookie.path.size(); });
  cookies_.insert(at, std::move(cookie));
}

size_t CookieJar::append_header_value(std::string_view host, std::string_view path, bool secure,
                                      int64_t now, std::string_view skip, std::string& out) const {
  const std::string request_host = lower(host);
  size_t appended = 0;
  for (const Cookie& c : cookies_) {
    if (c.expires >= 0 && c.expires <= now) continue;
    if (c.secure && !secure) continue;
    if (c.host_only ? request_host != c.domain : !domain_matches(request_host, c.domain)) continue;
    if (!path_matches(path, c.path)) continue;
    if (!skip.empty()) {
      // The request's own Cookie header wins over the jar for the same name.
      bool named = false;
      for (size_t pos = 0; pos < skip.size() && !named;) {
        const size_t end = std::min(skip.find(';', pos), skip.size());
        const std::string_view entry = trim(skip.substr(pos, end - pos));
        named = entry.substr(0, entry.find('=')) == c.name;
        pos = end + 1;
      }
      if (named) continue;
    }
    if (appended > 0 || !skip.empty()) out.append("; ");
    out.append(c.name).append("=").append(c.value);
    ++appended;
  }
  return appended;
}

}  // namespace perfgate::protocols
