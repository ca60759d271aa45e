// Redaction: secrets never reach the screen, logs or results. Authorization, Proxy-Authorization,
// Cookie and Set-Cookie header values are always hidden; so are the values of environment
// variables that look secret (names containing TOKEN, SECRET, PASSWORD, KEY, CREDENTIAL) or that
// the plan lists under options.secrets (Plan::secret_values), wherever they appear in a text.
//
// Thread-safety: immutable after construction; share freely.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace perfgate::plan {

struct Plan;

inline constexpr std::string_view kRedacted = "[REDACTED]";

// Authorization, Proxy-Authorization, Cookie, Set-Cookie (any letter case).
bool is_sensitive_header(std::string_view name);

class Redactor {
 public:
  explicit Redactor(std::vector<std::string> secret_values = {});
  static Redactor for_plan(const Plan& plan);

  // The value to show for a header: [REDACTED] for sensitive headers, else text(value).
  std::string header(std::string_view name, std::string_view value) const;
  // `text` with every secret value replaced and the values of sensitive "Name: value" header
  // lines (e.g. in a dumped request) hidden.
  std::string text(std::string_view text) const;

 private:
  std::vector<std::string> secrets_;  // longest first, so a secret containing another goes first
};

}  // namespace perfgate::plan
