// Runs the response parser's fuzz target (fuzz/http1_response_fuzz.cc) over its seed corpus, so
// CI exercises the target and its whole-vs-split consistency check without libFuzzer.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

TEST(Http1ResponseFuzzReplay, SeedCorpusRunsClean) {
  const std::filesystem::path corpus =
      std::filesystem::path(PERFGATE_SOURCE_DIR) / "fuzz/corpus/http1_response";
  int replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
    // The target aborts on any inconsistency; every piece size is tried, not just the seed's.
    for (uint8_t flags = 0; flags < 64; ++flags) {
      std::vector<uint8_t> input = bytes;
      if (input.empty()) input.push_back(0);
      input[0] = flags;
      EXPECT_EQ(LLVMFuzzerTestOneInput(input.data(), input.size()), 0);
    }
    ++replayed;
  }
  EXPECT_GE(replayed, 10) << "seed corpus missing";
}

}  // namespace
