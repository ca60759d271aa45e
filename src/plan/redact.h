// Redaction: secrets never reach the screen, logs, results files, reports or the history store.
// A value is secret when it came from
//   - an environment variable whose name looks secret (looks_secret_name: TOKEN, SECRET,
//     PASSWORD, PASSWD, KEY, CREDENTIAL) or that the plan lists under options.secrets;
//   - a sensitive header (is_sensitive_header): Authorization, Proxy-Authorization, Cookie,
//     Set-Cookie, and any header whose name contains token, secret, password, passwd, api-key,
//     apikey, api_key or session (X-Api-Key, X-Auth-Token, X-Session-Id, ...);
//   - the userinfo of a URL (http://user:password@host), or the value of a URL query parameter
//     whose name looks secret (secret_query_name: ?token=, &api_key=, &p=, &sig=, ...).
// Redactor::text replaces every known secret value wherever it appears inside a longer string,
// and also hides, by their shape alone, URL userinfo, secret query values and the values of
// "Name: value" lines of sensitive headers — so a text can be cleaned without knowing the
// values (error messages, command lines).
//
// Thread-safety: a Redactor is immutable once built; share it freely.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace perfgate::plan {

struct Plan;
class Diagnostics;

inline constexpr std::string_view kRedacted = "[REDACTED]";

// The header names listed above (any letter case).
bool is_sensitive_header(std::string_view name);
// Environment variable names containing TOKEN, SECRET, PASSWORD, PASSWD, KEY or CREDENTIAL (any
// letter case).
bool looks_secret_name(std::string_view name);
// Query parameter names that carry credentials: looks_secret_name, or containing AUTH,
// SIGNATURE or SESSION, or exactly p, pw, pwd, pass or sig (InfluxDB 1.x takes ?u=&p=).
bool secret_query_name(std::string_view name);

// The secret values inside a URL: its userinfo and the values of secret query parameters.
std::vector<std::string> secrets_in_url(std::string_view url);
// The secret values inside a header: for a sensitive header its whole value and each credential
// word in it (the word after an auth scheme, cookie values); none for other headers.
std::vector<std::string> secrets_in_header(std::string_view name, std::string_view value);

class Redactor {
 public:
  explicit Redactor(std::vector<std::string> secret_values = {});
  static Redactor for_plan(const Plan& plan);

  // The value to show for a header: [REDACTED] for sensitive headers, else text(value).
  std::string header(std::string_view name, std::string_view value) const;
  // `text` with every secret value replaced, URL userinfo and secret query values hidden, and the
  // values of sensitive "Name: value" header lines (e.g. in a dumped request) hidden.
  std::string text(std::string_view text) const;

 private:
  std::vector<std::string> secrets_;  // longest first, so a secret containing another goes first
};

// Makes a loaded plan safe to show: adds the secrets found in its headers and URLs to
// plan.secret_values, then redacts every name that reaches results and reports (request names,
// check names, groups, scenario tags, threshold selectors and expressions) and every diagnostic.
// Those names also lose terminal control sequences (core/escape.h terminal_safe).
// Names and threshold selectors go through the same Redactor, so they still match each other.
void redact_plan(Plan& plan, Diagnostics& diagnostics);

}  // namespace perfgate::plan
