// Replays the request parser's fuzz target over its seed corpus (fuzz/corpus/http1_request/),
// so the normal build exercises the fuzz target's invariants in CI. The target aborts on a
// broken invariant, which fails this test.
#include <gtest/gtest.h>

#include "fuzz/seed_corpus.h"

namespace perfgate::fuzz {
namespace {

TEST(RequestFuzzReplay, SeedCorpusAndAllItsPrefixesKeepTheInvariants) {
  const std::vector<std::string> seeds = read_seed_corpus("http1_request");
  for (const std::string& seed : seeds) {
    for (size_t n = 0; n <= seed.size(); ++n) run_fuzz_target(seed.substr(0, n));
  }
  EXPECT_GE(seeds.size(), 10u) << "seed corpus missing";
}

}  // namespace
}  // namespace perfgate::fuzz
