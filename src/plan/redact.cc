#include "plan/redact.h"

#include <algorithm>
#include <cctype>

#include "plan/plan.h"

namespace perfgate::plan {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool contains_any(const std::string& haystack, std::initializer_list<std::string_view> needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&](std::string_view n) { return haystack.find(n) != std::string::npos; });
}

// Hides the value of "Name: value" when Name is sensitive; `line` has no line break.
std::string redact_header_line(std::string_view line) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return std::string(line);
  std::string_view name = line.substr(0, colon);
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front())))
    name.remove_prefix(1);
  while (!name.empty() && (name.front() == '\'' || name.front() == '"')) name.remove_prefix(1);
  if (name.empty() || name.find(' ') != std::string_view::npos || !is_sensitive_header(name))
    return std::string(line);
  return std::string(line.substr(0, colon + 1)) + " " + std::string(kRedacted);
}

// Characters that end a URL inside free text.
bool ends_url(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '<' ||
         c == '>' || c == '`';
}

// Replaces out[from, to) by [REDACTED] unless it already is; returns the index after it.
size_t hide(std::string& out, size_t from, size_t to) {
  if (out.compare(from, to - from, kRedacted) == 0) return to;
  out.replace(from, to - from, kRedacted);
  return from + kRedacted.size();
}

// http://user:password@host → http://[REDACTED]@host, anywhere in `out`.
void hide_userinfo(std::string& out) {
  for (size_t at = out.find("://"); at != std::string::npos; at = out.find("://", at)) {
    const size_t start = at + 3;
    size_t end = start;
    while (end < out.size() && !ends_url(out[end]) && out[end] != '/' && out[end] != '?' &&
           out[end] != '#')
      ++end;
    const size_t sign = out.rfind('@', end == 0 ? 0 : end - 1);
    at = (sign != std::string::npos && sign >= start) ? hide(out, start, sign) : end;
  }
}

// ?token=abc&x=1 → ?token=[REDACTED]&x=1, anywhere in `out`.
void hide_query_values(std::string& out) {
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] != '?' && out[i] != '&' && out[i] != ';') continue;
    size_t eq = i + 1;
    while (eq < out.size() && (std::isalnum(static_cast<unsigned char>(out[eq])) ||
                               out[eq] == '_' || out[eq] == '-' || out[eq] == '.'))
      ++eq;
    if (eq == i + 1 || eq >= out.size() || out[eq] != '=') continue;
    if (!secret_query_name(std::string_view(out).substr(i + 1, eq - i - 1))) continue;
    size_t end = eq + 1;
    while (end < out.size() && !ends_url(out[end]) && out[end] != '&' && out[end] != '#' &&
           out[end] != ';')
      ++end;
    if (end > eq + 1) i = hide(out, eq + 1, end) - 1;
  }
}

void add_word(std::string_view word, std::vector<std::string>& out) {
  while (!word.empty() && (word.back() == ';' || word.back() == ',')) word.remove_suffix(1);
  if (const size_t eq = word.find('='); eq != std::string_view::npos && eq + 1 < word.size())
    word = word.substr(eq + 1);
  while (!word.empty() && word.front() == '"') word.remove_prefix(1);
  while (!word.empty() && word.back() == '"') word.remove_suffix(1);
  if (word.size() >= 4) out.emplace_back(word);
}

}  // namespace

bool is_sensitive_header(std::string_view name) {
  const std::string n = lower(name);
  return n == "authorization" || n == "proxy-authorization" || n == "cookie" || n == "set-cookie" ||
         contains_any(n, {"token", "secret", "password", "passwd", "api-key", "apikey", "api_key",
                          "session"});
}

bool looks_secret_name(std::string_view name) {
  return contains_any(lower(name), {"token", "secret", "password", "passwd", "key", "credential"});
}

bool secret_query_name(std::string_view name) {
  const std::string n = lower(name);
  return looks_secret_name(n) || contains_any(n, {"auth", "signature", "session"}) || n == "p" ||
         n == "pw" || n == "pwd" || n == "pass" || n == "sig";
}

std::vector<std::string> secrets_in_url(std::string_view url) {
  std::vector<std::string> out;
  if (const size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    const std::string_view rest = url.substr(scheme + 3);
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (const size_t sign = authority.rfind('@'); sign != std::string_view::npos && sign > 0) {
      const std::string_view userinfo = authority.substr(0, sign);
      out.emplace_back(userinfo);
      const size_t colon = userinfo.find(':');
      if (colon != std::string_view::npos && colon + 1 < userinfo.size())
        out.emplace_back(userinfo.substr(colon + 1));
    }
  }
  const size_t query = url.find('?');
  if (query == std::string_view::npos) return out;
  std::string_view params = url.substr(query + 1);
  params = params.substr(0, params.find('#'));
  for (size_t start = 0; start <= params.size();) {
    const size_t end = std::min(params.find_first_of("&;", start), params.size());
    const std::string_view pair = params.substr(start, end - start);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && eq + 1 < pair.size() &&
        secret_query_name(pair.substr(0, eq)))
      out.emplace_back(pair.substr(eq + 1));
    start = end + 1;
  }
  return out;
}

std::vector<std::string> secrets_in_header(std::string_view name, std::string_view value) {
  std::vector<std::string> out;
  if (!is_sensitive_header(name) || value.empty()) return out;
  out.emplace_back(value);
  std::vector<std::string_view> words;
  for (size_t start = 0; start < value.size();) {
    const size_t space = std::min(value.find(' ', start), value.size());
    if (space > start) words.push_back(value.substr(start, space - start));
    start = space + 1;
  }
  // "Bearer abc": the first of several words is the auth scheme, not a credential.
  const bool scheme = words.size() > 1 && words[0].find('=') == std::string_view::npos;
  for (size_t i = scheme ? 1 : 0; i < words.size(); ++i) add_word(words[i], out);
  return out;
}

Redactor::Redactor(std::vector<std::string> secret_values) : secrets_(std::move(secret_values)) {
  secrets_.erase(std::remove_if(secrets_.begin(), secrets_.end(),
                                [](const std::string& s) { return s.empty(); }),
                 secrets_.end());
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  secrets_.erase(std::unique(secrets_.begin(), secrets_.end()), secrets_.end());
}

Redactor Redactor::for_plan(const Plan& plan) { return Redactor(plan.secret_values); }

std::string Redactor::header(std::string_view name, std::string_view value) const {
  if (is_sensitive_header(name)) return std::string(kRedacted);
  return text(value);
}

std::string Redactor::text(std::string_view input) const {
  std::string out;
  size_t start = 0;
  while (start <= input.size()) {
    const size_t end = std::min(input.find('\n', start), input.size());
    out += redact_header_line(input.substr(start, end - start));
    if (end == input.size()) break;
    out += '\n';
    start = end + 1;
  }
  for (const std::string& secret : secrets_) {
    for (size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at)) {
      out.replace(at, secret.size(), kRedacted);
      at += kRedacted.size();
    }
  }
  hide_userinfo(out);
  hide_query_values(out);
  return out;
}

}  // namespace perfgate::plan
