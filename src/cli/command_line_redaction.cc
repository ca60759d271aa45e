#include "cli/command_line_redaction.h"

#include <optional>
#include <string_view>
#include <utility>

namespace perfgate::cli {
namespace {

// The value of `arg` when it is option `name` written as --name=VALUE or -XVALUE; else nullopt.
std::optional<std::string> attached_value(const std::string& arg, std::string_view name) {
  if (name.size() == 2 && arg.size() > 2 && arg.starts_with(name)) return arg.substr(2);
  if (arg.size() > name.size() + 1 && arg.starts_with(name) && arg[name.size()] == '=')
    return arg.substr(name.size() + 1);
  return std::nullopt;
}

bool is_header_option(std::string_view arg) { return arg == "-H" || arg == "--header"; }

// The option a value belongs to ("-H", "--body") when `arg` carries it attached, with the value.
std::optional<std::pair<std::string, std::string>> split_option(const std::string& arg) {
  for (std::string_view name : {"--header", "-H", "--body"}) {
    if (auto value = attached_value(arg, name)) return std::make_pair(std::string(name), *value);
  }
  return std::nullopt;
}

std::vector<std::string> secrets_of(std::string_view option, const std::string& value) {
  std::vector<std::string> out;
  if (is_header_option(option)) {
    const size_t colon = value.find(':');
    if (colon == std::string::npos) return out;
    std::string v = value.substr(colon + 1);
    v.erase(0, v.find_first_not_of(" \t"));
    return plan::secrets_in_header(value.substr(0, colon), v);
  }
  if (option == "--body" && !value.starts_with("@") && value.size() >= 4) out.push_back(value);
  return out;
}

// `value` of `option` as it may be shown.
std::string shown(std::string_view option, const std::string& value) {
  if (option == "--body" && !value.starts_with("@")) return std::string(plan::kRedacted);
  if (is_header_option(option)) {
    const size_t colon = value.find(':');
    if (colon != std::string::npos && plan::is_sensitive_header(value.substr(0, colon)))
      return value.substr(0, colon + 1) + " " + std::string(plan::kRedacted);
  }
  return value;
}

// Calls visit(option, value) for every option value in `args` ("" for positional arguments).
template <typename Visit>
void for_each_value(const std::vector<std::string>& args, Visit visit) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (auto split = split_option(args[i])) {
      visit(i, split->first, split->second, true);
    } else if ((is_header_option(args[i]) || args[i] == "--body") && i + 1 < args.size()) {
      visit(i + 1, args[i], args[i + 1], false);
      ++i;
    } else {
      visit(i, std::string(), args[i], false);
    }
  }
}

}  // namespace

plan::Redactor redactor_for_arguments(const std::vector<std::string>& args) {
  std::vector<std::string> secrets;
  for_each_value(args, [&](size_t, const std::string& option, const std::string& value, bool) {
    for (std::string& s : secrets_of(option, value)) secrets.push_back(std::move(s));
    for (std::string& s : plan::secrets_in_url(value)) secrets.push_back(std::move(s));
  });
  return plan::Redactor(std::move(secrets));
}

std::string redacted_command_line(const std::string& program, const std::vector<std::string>& args,
                                  const std::vector<std::string>& plan_secrets) {
  std::vector<std::string> words = args;
  for_each_value(args,
                 [&](size_t i, const std::string& option, const std::string& value, bool attached) {
                   const std::string show = shown(option, value);
                   words[i] = attached ? option + (option.size() == 2 ? "" : "=") + show : show;
                 });
  std::vector<std::string> secrets = plan_secrets;
  const plan::Redactor typed = redactor_for_arguments(args);
  std::string line = program;
  for (const std::string& w : words) line += " " + w;
  return plan::Redactor(std::move(secrets)).text(typed.text(line));
}

}  // namespace perfgate::cli
