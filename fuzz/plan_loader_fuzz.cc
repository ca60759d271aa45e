// Fuzz target for the plan loader: any bytes must yield a Plan or diagnostics — never a crash,
// hang or exception. Built as a libFuzzer target (PERFGATE_BUILD_FUZZ=ON, clang) and, with
// PERFGATE_FUZZ_REPLAY_MAIN, as a replay tool that feeds every file under the given
// directories through the same entry point (a ctest runs it over fuzz/corpus/plan).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "plan/explain.h"
#include "plan/loader.h"
#include "plan/schedule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace perfgate::plan;
  LoadOptions options;
  options.display_name = "fuzz.yaml";
  options.base_dir = "/nonexistent";  // data files never resolve: no file system reads
  options.env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "BASE_URL") return std::string("http://127.0.0.1:8080");
    return std::nullopt;
  };
  const LoadResult result =
      load_plan_text(std::string_view(reinterpret_cast<const char*>(data), size), options);
  if (result.ok()) {
    // Valid plans also go through explain and the schedules, with bounded work: arrival
    // schedules are only walked when their iteration count is small.
    (void)explain_plan(result.plan, Redactor::for_plan(result.plan));
    for (const Scenario& s : result.plan.scenarios) {
      if (is_arrival_rate(s.executor)) {
        ArrivalSchedule schedule(s);
        if (schedule.total() < 100000) (void)arrival_start_times(s);
      }
    }
  } else {
    for (const Diagnostic& d : result.diagnostics.sorted()) (void)d.format();
  }
  return 0;
}

#ifdef PERFGATE_FUZZ_REPLAY_MAIN
int main(int argc, char** argv) {
  size_t files = 0;
  for (int i = 1; i < argc; ++i) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[i])) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      const std::string bytes = buffer.str();
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      ++files;
    }
  }
  std::printf("replayed %zu inputs\n", files);
  return files > 0 ? 0 : 1;
}
#endif
