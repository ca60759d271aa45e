#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/version.h"

namespace perfgate::cli {
namespace {

void print_help() {
  fmt::print(
      "perfgate {} — load tests, reports and performance gates\n\n"
      "Usage: perfgate <command> [options]\n\nCommands:\n",
      kVersion);
  for (const Command& c : commands()) fmt::print("  {:<10} {}\n", c.name, c.summary);
  fmt::print(
      "\nRun 'perfgate <command> --help' for a command's options and examples.\n"
      "Example: perfgate run http://127.0.0.1:8080/ --vus 50 --duration 10s\n");
}

// Formats CLI11's error as one line, then the usage line of the command.
int usage_error(CLI::App& app, const CLI::Error& error) {
  std::string usage = app.get_name();
  fmt::print(stderr, "error: {}\nusage: {} [options]  (see '{} --help')\n", error.what(), usage,
             usage);
  return kExitUsage;
}

// CLI11 lists unexpected words in the reverse of the order it parsed them: name them in the
// order they were typed ("-u 5 -d 2s", not "2s -d 5 -u").
std::string unexpected_words(const CLI::App& app, const std::vector<std::string>& args) {
  std::vector<std::string> left = app.remaining();
  std::string out;
  for (const std::string& arg : args) {
    auto it = std::find(left.begin(), left.end(), arg);
    if (it == left.end()) continue;
    left.erase(it);
    out += (out.empty() ? "" : " ") + arg;
  }
  return out;
}

}  // namespace

int parse_arguments(CLI::App& app, const std::vector<std::string>& args) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 wants them reversed
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return kExitOk;
  } catch (const CLI::ExtrasError& e) {
    return usage_error(app,
                       CLI::ExtrasError(fmt::format("The following arguments were not expected: {}",
                                                    unexpected_words(app, args)),
                                        e.get_exit_code()));
  } catch (const CLI::ParseError& e) {
    return usage_error(app, e);
  }
  return -1;
}

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    print_help();
    return kExitUsage;
  }
  const std::string first = argv[1];
  if (first == "--version" || first == "-V") {
    fmt::print("perfgate {}\n", kVersion);
    return kExitOk;
  }
  if (first == "--help" || first == "-h" || first == "help") {
    print_help();
    return kExitOk;
  }
  const auto& all = commands();
  auto it = std::find_if(all.begin(), all.end(), [&](const Command& c) { return c.name == first; });
  if (it == all.end()) {
    fmt::print(stderr,
               "error: unknown command '{}'\nusage: perfgate <command> [options]  (see 'perfgate "
               "--help')\n",
               first);
    return kExitUsage;
  }
  return it->main(std::vector<std::string>(argv + 2, argv + argc));
}

}  // namespace perfgate::cli
