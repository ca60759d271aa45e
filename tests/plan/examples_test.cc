// Every plan in examples/ must pass `plan --check`; the binary keeps its exit-code contract
// (0 valid, 104 invalid, 2 usage) and `--explain` draws the expanded load.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>

#include "plan/loader.h"

namespace perfgate::plan {
namespace {

namespace fs = std::filesystem;

const fs::path kExamples = fs::path(PERFGATE_SOURCE_DIR) / "examples";

std::vector<fs::path> examples() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(kExamples)) {
    if (entry.path().extension() == ".yaml") out.push_back(entry.path());
  }
  return out;
}

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

CommandResult run_perfgate(const std::string& args) {
  CommandResult r;
  const std::string command =
      std::string("env -u BASE_URL ") + PERFGATE_BINARY + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buffer;
  while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) r.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(Examples, AllRequiredExamplesExist) {
  for (const char* name : {"auth-login.yaml", "agent-mix.yaml", "stress-ramp.yaml", "soak.yaml",
                           "user-mix.yaml", "data/users.csv"}) {
    EXPECT_TRUE(fs::exists(kExamples / name)) << name;
  }
}

TEST(Examples, EachPassesPlanCheck) {
  for (const fs::path& path : examples()) {
    const CommandResult r = run_perfgate("plan --check " + path.string());
    EXPECT_EQ(r.exit_code, 0) << path << "\n" << r.output;
    EXPECT_NE(r.output.find(": ok ("), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("warning"), std::string::npos) << r.output;
  }
}

// A tag filter that no request can carry is still a valid plan, but --check says it will have no
// data, without looking up any host name.
TEST(Examples, CheckWarnsAboutSubMetricsNoSampleCanMatch) {
  const fs::path path = fs::temp_directory_path() / "perfgate_check_warning.yaml";
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(
      "options:\n"
      "  baseUrl: http://no-such-host.invalid:8080\n"
      "  thresholds:\n"
      "    'http_req_duration{scenario:typo}': ['p(95)<100']\n"
      "    'http_req_duration{scenario:default}': ['p(95)<100']\n"
      "  vus: 1\n"
      "  duration: 1s\n"
      "flows:\n"
      "  default:\n"
      "    - {url: /}\n",
      f);
  std::fclose(f);
  const CommandResult r = run_perfgate("plan --check " + path.string());
  fs::remove(path);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("warning: threshold on http_req_duration{scenario:typo} matches no "
                          "request"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("{scenario:default} matches"), std::string::npos) << r.output;
}

TEST(Examples, ExplainShowsStagesChartAndRedactsSecrets) {
  const CommandResult r = run_perfgate("plan --explain " + (kExamples / "user-mix.yaml").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("stages (from pattern step)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("20 VUs |"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Authorization: [REDACTED]"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Bearer {{token}}"), std::string::npos) << r.output;
  const CommandResult rate =
      run_perfgate("plan --explain " + (kExamples / "stress-ramp.yaml").string());
  EXPECT_NE(rate.output.find("400 it/s |"), std::string::npos) << rate.output;
}

TEST(Examples, InvalidPlanExits104AndUsageErrorsExit2) {
  const fs::path bad = fs::path(PERFGATE_SOURCE_DIR) / "tests/plan/bad/unknown-executor.yaml";
  const CommandResult r = run_perfgate("plan --check " + bad.string());
  EXPECT_EQ(r.exit_code, 104) << r.output;
  EXPECT_NE(r.output.find("unknown executor \"constant-vu\""), std::string::npos) << r.output;
  EXPECT_EQ(run_perfgate("plan --check /nonexistent/plan.yaml").exit_code, 104);
  EXPECT_EQ(run_perfgate("plan --bogus x").exit_code, 2);
  EXPECT_EQ(run_perfgate("plan").exit_code, 2);
}

TEST(Examples, LoadWithoutEnvironmentThroughTheLibrary) {
  for (const fs::path& path : examples()) {
    const LoadResult r =
        load_plan_file(path.string(), [](const std::string&) { return std::nullopt; });
    EXPECT_TRUE(r.ok()) << path << ": " << (r.ok() ? "" : r.diagnostics.sorted()[0].format());
  }
}

}  // namespace
}  // namespace perfgate::plan
