// Runs the response parser's fuzz target (fuzz/http1_response_fuzz.cc) over its seed corpus, so
// CI exercises the target and its whole-vs-split consistency check without libFuzzer.
#include <gtest/gtest.h>

#include "fuzz/seed_corpus.h"

namespace perfgate::fuzz {
namespace {

TEST(Http1ResponseFuzzReplay, SeedCorpusRunsClean) {
  const std::vector<std::string> seeds = read_seed_corpus("http1_response");
  for (std::string input : seeds) {
    // The target aborts on any inconsistency; every piece size is tried, not just the seed's.
    if (input.empty()) input.push_back('\0');
    for (int flags = 0; flags < 64; ++flags) {
      input[0] = static_cast<char>(flags);
      EXPECT_EQ(run_fuzz_target(input), 0);
    }
  }
  EXPECT_GE(seeds.size(), 10u) << "seed corpus missing";
}

}  // namespace
}  // namespace perfgate::fuzz
