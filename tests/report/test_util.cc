#include "test_util.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "core/atomic_file.h"

namespace perfgate::report::testing {

std::string compare_with_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(PERFGATE_SOURCE_DIR) + "/tests/report/golden/" + name;
  const char* update = std::getenv("PERFGATE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    auto ok = write_file_atomically(path, actual);
    return ok ? "" : ok.error().message;
  }
  auto expected = read_file(path);
  if (!expected) return expected.error().message + " (run with PERFGATE_UPDATE_GOLDEN=1 to create)";
  if (*expected == actual) return "";
  std::istringstream a(actual), e(*expected);
  std::string la, le;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_e = static_cast<bool>(std::getline(e, le));
    if (!more_a && !more_e) return name + ": differs only in line endings";
    if (la != le || more_a != more_e) {
      return name + ":" + std::to_string(line) + ":\n  expected: " + (more_e ? le : "<end>") +
             "\n  actual:   " + (more_a ? la : "<end>");
    }
  }
}

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string make_temp_dir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/perfgate-report-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

}  // namespace perfgate::report::testing
