// The bad-plan corpus: every tests/plan/bad/<case>.yaml must be rejected, and the first error
// (in file order) must be exactly the line pinned in <case>.expected. Set
// PERFGATE_UPDATE_GOLDEN=1 to rewrite the .expected files after an intended message change, then
// review the diff.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "plan/loader.h"

namespace perfgate::plan {
namespace {

namespace fs = std::filesystem;

const fs::path kBadDir = fs::path(PERFGATE_SOURCE_DIR) / "tests" / "plan" / "bad";

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<fs::path> cases() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(kBadDir)) {
    if (entry.path().extension() == ".yaml") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

LoadResult load_case(const fs::path& path) {
  LoadOptions options;
  options.display_name = path.filename().string();
  options.base_dir = kBadDir.string();
  options.env = [](const std::string&) { return std::nullopt; };  // no environment at all
  return load_plan_text(read(path), options);
}

TEST(BadPlans, CorpusIsLargeEnough) { EXPECT_GE(cases().size(), 30u); }

TEST(BadPlans, EachIsRejectedWithItsPinnedFirstError) {
  const bool update = std::getenv("PERFGATE_UPDATE_GOLDEN") != nullptr;
  for (const fs::path& path : cases()) {
    SCOPED_TRACE(path.filename().string());
    const LoadResult result = load_case(path);
    ASSERT_FALSE(result.ok()) << "the plan was accepted";
    const std::string first = result.diagnostics.sorted().front().format();
    fs::path expected_path = path;
    expected_path.replace_extension(".expected");
    if (update) std::ofstream(expected_path) << first << "\n";
    std::string expected = read(expected_path);
    while (!expected.empty() && expected.back() == '\n') expected.pop_back();
    EXPECT_EQ(first, expected);
    // Every diagnostic points into the file and says what to do or what was expected.
    for (const Diagnostic& d : result.diagnostics.items()) {
      EXPECT_FALSE(d.message.empty());
      EXPECT_TRUE(d.pos.file == path.filename().string() || d.pos.file.ends_with(".csv"))
          << d.format();
    }
  }
}

TEST(BadPlans, SeveralMistakesAreAllReported) {
  std::ofstream(kBadDir.parent_path() / "many.tmp") << "";  // keep the directory writable check
  fs::remove(kBadDir.parent_path() / "many.tmp");
  LoadOptions options;
  options.display_name = "many.yaml";
  options.env = [](const std::string&) { return std::nullopt; };
  const LoadResult result = load_plan_text(R"(options:
  baseUrl: http://127.0.0.1:8080
  thresholds:
    http_req_duration: ["p(95)<<200"]
  scenarios:
    a: {executor: constant-vus, vus: 2, duraton: 5s}
    b: {executor: ramping-arrival-rate, stages: [{duration: 5s, target: 10}]}
flows:
  main:
    - url: /{{who}}
      method: GRAB
)",
                                           options);
  std::vector<int> lines;
  for (const Diagnostic& d : result.diagnostics.sorted()) lines.push_back(d.pos.line);
  EXPECT_EQ(lines, (std::vector<int>{4, 6, 7, 10, 11}));
}

}  // namespace
}  // namespace perfgate::plan
