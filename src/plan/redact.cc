#include "plan/redact.h"

#include <algorithm>
#include <cctype>

#include "plan/plan.h"

namespace perfgate::plan {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Hides the value of "Name: value" when Name is sensitive; `line` has no line break.
std::string redact_header_line(std::string_view line) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return std::string(line);
  std::string_view name = line.substr(0, colon);
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front())))
    name.remove_prefix(1);
  if (!is_sensitive_header(name)) return std::string(line);
  return std::string(line.substr(0, colon + 1)) + " " + std::string(kRedacted);
}

}  // namespace

bool is_sensitive_header(std::string_view name) {
  return iequals(name, "authorization") || iequals(name, "proxy-authorization") ||
         iequals(name, "cookie") || iequals(name, "set-cookie");
}

Redactor::Redactor(std::vector<std::string> secret_values) : secrets_(std::move(secret_values)) {
  secrets_.erase(std::remove_if(secrets_.begin(), secrets_.end(),
                                [](const std::string& s) { return s.empty(); }),
                 secrets_.end());
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
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
  return out;
}

}  // namespace perfgate::plan
