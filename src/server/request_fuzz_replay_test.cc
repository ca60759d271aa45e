// Replays the request parser's fuzz target over its seed corpus (fuzz/corpus/http1_request/),
// so the normal build exercises the fuzz target's invariants in CI. The target aborts on a
// broken invariant, which fails this test.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

TEST(RequestFuzzReplay, SeedCorpusAndAllItsPrefixesKeepTheInvariants) {
  const std::filesystem::path corpus =
      std::filesystem::path(PERFGATE_SOURCE_DIR) / "fuzz/corpus/http1_request";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (size_t n = 0; n <= input.size(); ++n) run(input.substr(0, n));
    ++files;
  }
  EXPECT_GE(files, 10) << "seed corpus missing at " << corpus;
}

}  // namespace
