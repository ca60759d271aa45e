// Command-line redaction: the command as typed is stored in results files (meta.command_line) and
// from there in every report and the history store, so the secrets typed on it are hidden first:
// the values of sensitive headers (-H 'Authorization: ...', see plan/redact.h), an inline --body
// (it may hold a password; --body @FILE keeps the file name), URL userinfo and secret query
// values (the target URL, --out influxdb=URL?p=...). The same values are hidden wherever else
// they appear on the line.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "plan/redact.h"

namespace perfgate::cli {

// A Redactor that knows every secret value typed in `args` (for error messages too).
plan::Redactor redactor_for_arguments(const std::vector<std::string>& args);

// "perfgate run <args...>" with the secrets in `args` replaced by [REDACTED]; `plan_secrets`
// adds the values a plan knows to be secret.
std::string redacted_command_line(const std::string& program, const std::vector<std::string>& args,
                                  const std::vector<std::string>& plan_secrets = {});

}  // namespace perfgate::cli
