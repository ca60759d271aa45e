// Test support for plan runs: writes a plan to a temporary file, runs `perfgate run` on it
// against a `perfgate serve` child, and reads the summary JSON back.
//
// Thread-safety: one object per test.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "child_process.h"

namespace perfgate::test_support {

struct PlanRun {
  int exit_code = -1;
  double seconds = 0;  // wall time of the run
  std::string out, err;
  nlohmann::json summary;  // the --summary-json document (null when none was written)
};

inline std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("perfgate_plan_run_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

// Runs `perfgate run <plan_path> <extra...> --summary-json F` with BASE_URL=<base_url>.
inline PlanRun run_plan_file(const std::string& plan_path, const std::string& base_url,
                             std::vector<std::string> extra = {},
                             std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const std::string summary = temp_path("summary_" + std::to_string(std::rand()) + ".json");
  ::setenv("BASE_URL", base_url.c_str(), 1);
  std::vector<std::string> args = {"run", plan_path, "--summary-json", summary};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto start = std::chrono::steady_clock::now();
  RunOutcome outcome = run_perfgate(args, limit);
  PlanRun run;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.exit_code = outcome.exit_code;
  run.out = std::move(outcome.out);
  run.err = std::move(outcome.err);
  std::ifstream in(summary);
  if (in) run.summary = nlohmann::json::parse(in, nullptr, false);
  std::filesystem::remove(summary);
  return run;
}

// Writes `text` to a temporary .yaml file and runs it.
inline PlanRun run_plan_text(const std::string& name, const std::string& text,
                             const std::string& base_url, std::vector<std::string> extra = {}) {
  const std::string path = temp_path(name + ".yaml");
  std::ofstream(path) << text;
  PlanRun run = run_plan_file(path, base_url, std::move(extra));
  std::filesystem::remove(path);
  return run;
}

}  // namespace perfgate::test_support
