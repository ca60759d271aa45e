// Replays fuzz/corpus/importers through the importers fuzz target (fuzz/importers_fuzz.cc) in
// the normal build, so every seed — and every crash input added to the corpus — stays fixed.
#include <gtest/gtest.h>

#include "fuzz/seed_corpus.h"

namespace perfgate::fuzz {
namespace {

TEST(ImportersFuzzReplay, EveryCorpusInputIsHandled) {
  const std::vector<std::string> seeds = read_seed_corpus("importers");
  for (size_t i = 0; i < seeds.size(); ++i) EXPECT_EQ(run_fuzz_target(seeds[i]), 0) << "seed " << i;
  EXPECT_GE(seeds.size(), 10u);
}

}  // namespace
}  // namespace perfgate::fuzz
