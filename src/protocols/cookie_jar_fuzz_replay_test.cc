// Runs the cookie jar's fuzz target (fuzz/cookie_jar_fuzz.cc) over its seed corpus and every
// prefix of each seed (cut attributes), so CI checks its invariants (bounded jar, no control
// characters) without libFuzzer.
#include <gtest/gtest.h>

#include "fuzz/seed_corpus.h"

namespace perfgate::fuzz {
namespace {

TEST(CookieJarFuzzReplay, SeedCorpusAndItsPrefixesRunClean) {
  const std::vector<std::string> seeds = read_seed_corpus("cookie_jar");
  for (const std::string& seed : seeds) {
    for (size_t n = 0; n <= seed.size(); ++n) EXPECT_EQ(run_fuzz_target(seed.substr(0, n)), 0);
  }
  EXPECT_GE(seeds.size(), 5u) << "seed corpus missing";
}

}  // namespace
}  // namespace perfgate::fuzz
