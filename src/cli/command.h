// Command: one `perfgate <name>` subcommand. Each subcommand lives in its own <name>_command.cc,
// parses its own arguments (CLI11) and returns an ExitCode; commands.cc lists them.
//
// Thread-safety: commands run on the main thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace perfgate::cli {

struct Command {
  std::string_view name;
  std::string_view summary;
  // `args` are the words after the subcommand's name.
  int (*main)(const std::vector<std::string>& args);
};

// All subcommands, in the order `perfgate --help` lists them.
const std::vector<Command>& commands();

// Parses `args` with `app`. Returns -1 when the command should go on; otherwise the exit code
// to return right away (0 after --help; kExitUsage with a one-line error and the usage line).
int parse_arguments(CLI::App& app, const std::vector<std::string>& args);

// The entry point behind main().
int dispatch(int argc, char** argv);

}  // namespace perfgate::cli
