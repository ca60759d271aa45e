// Replays fuzz/corpus/importers through the importers fuzz target (fuzz/importers_fuzz.cc) in
// the normal build, so every seed — and every crash input added to the corpus — stays fixed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

TEST(ImportersFuzzReplay, EveryCorpusInputIsHandled) {
  const std::filesystem::path corpus =
      std::filesystem::path(PERFGATE_SOURCE_DIR) / "fuzz" / "corpus" / "importers";
  int replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
              0)
        << entry.path();
    ++replayed;
  }
  EXPECT_GE(replayed, 10);
}

}  // namespace
