// Runs the cookie jar's fuzz target (fuzz/cookie_jar_fuzz.cc) over its seed corpus, so CI
// exercises the target and its invariants (bounded jar, no control characters) without libFuzzer.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

TEST(CookieJarFuzzReplay, SeedCorpusRunsClean) {
  const std::filesystem::path corpus =
      std::filesystem::path(PERFGATE_SOURCE_DIR) / "fuzz/corpus/cookie_jar";
  int replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
    // The target aborts on a broken invariant; every prefix is tried too (cut attributes).
    for (size_t size = 0; size <= bytes.size(); ++size) {
      EXPECT_EQ(LLVMFuzzerTestOneInput(bytes.data(), size), 0);
    }
    ++replayed;
  }
  EXPECT_GE(replayed, 5) << "seed corpus missing";
}

}  // namespace
