// Replays fuzz/corpus/<PERFGATE_FUZZ_CORPUS> through the fuzz target linked into this test (see
// perfgate_fuzz_replay in cmake/PerfgateModule.cmake), so every seed - and every crash input
// added to the corpus - runs in each normal test run, without libFuzzer.
#include <gtest/gtest.h>

#include "fuzz/seed_corpus.h"

namespace perfgate::fuzz {
namespace {

TEST(FuzzReplay, EveryCorpusInputIsHandled) {
  const std::vector<std::string> seeds = read_seed_corpus(PERFGATE_FUZZ_CORPUS);
  for (size_t i = 0; i < seeds.size(); ++i) EXPECT_EQ(run_fuzz_target(seeds[i]), 0) << "seed " << i;
  EXPECT_GE(seeds.size(), 5u);
}

}  // namespace
}  // namespace perfgate::fuzz
