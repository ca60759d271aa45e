#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/version.h"

namespace perfgate::cli {

int version_main(const std::vector<std::string>& args) {
  CLI::App app("Print perfgate's version.\n\nExample:\n  perfgate version", "perfgate version");
  if (int rc = parse_arguments(app, args); rc >= 0) return rc;
  fmt::print("perfgate {}\n", kVersion);
  return kExitOk;
}

}  // namespace perfgate::cli
