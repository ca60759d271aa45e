#include "plan/regex.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace perfgate::plan {
namespace {

TEST(Regex, GroupOneIfPresentElseTheWholeMatch) {
  auto with_group = Regex::compile("id=(\\d+)");
  ASSERT_TRUE(with_group);
  EXPECT_EQ(with_group->extract("a id=42 b"), "42");
  auto without = Regex::compile("id=\\d+");
  ASSERT_TRUE(without);
  EXPECT_EQ(without->extract("a id=42 b"), "id=42");
  EXPECT_EQ(without->extract("nothing"), std::nullopt);
  auto optional_group = Regex::compile("id(=\\d+)?");
  ASSERT_TRUE(optional_group);
  EXPECT_EQ(optional_group->extract("id!"), "");  // the group took no part: empty, not a miss
}

TEST(Regex, SearchFindsAMatchAnywhere) {
  auto re = Regex::compile("\"id\":\\s*\\d+");
  ASSERT_TRUE(re);
  EXPECT_TRUE(re->search(R"({"name": "x", "id": 7})"));
  EXPECT_FALSE(re->search(R"({"id": "seven"})"));
}

// std::regex recursed once per character and crashed on ~50 KB; RE2 does not recurse.
TEST(Regex, ExtractsOverAOneMegabyteLine) {
  std::string body = "x" + std::string(1 << 20, 'y');
  auto re = Regex::compile("x(.*)");
  ASSERT_TRUE(re);
  auto match = re->extract(body);
  ASSERT_TRUE(match);
  EXPECT_EQ(match->size(), size_t{1} << 20);
  EXPECT_TRUE(re->search(body));
}

// A catastrophic pattern for backtracking engines: 2^100000 paths. RE2 answers in linear time;
// were it to backtrack, this test would not end within its timeout.
TEST(Regex, CatastrophicPatternReturns) {
  const std::string text = std::string(100'000, 'a') + "!";
  auto re = Regex::compile("(a+)+$");
  ASSERT_TRUE(re);
  EXPECT_FALSE(re->search(text));
  EXPECT_EQ(re->extract(text), std::nullopt);
  EXPECT_TRUE(re->search(std::string(100'000, 'a')));
}

TEST(Regex, OneCompiledPatternServesManyThreads) {
  auto re = Regex::compile("order-(\\d+)");
  ASSERT_TRUE(re);
  const Regex shared = *re;  // copies share the compiled program
  std::atomic<int> right{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string body = "x order-" + std::to_string(t * 10000 + i) + " y";
        if (shared.extract(body) == std::to_string(t * 10000 + i)) ++right;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(right.load(), 8 * 2000);
}

TEST(Regex, BadPatternsCarryRe2sMessage) {
  auto bad = Regex::compile("([a-z");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("missing ]"), std::string::npos) << bad.error().message;
  auto backreference = Regex::compile("(a)\\1");
  ASSERT_FALSE(backreference);
  EXPECT_NE(backreference.error().hint.find("no backreferences"), std::string::npos);
  EXPECT_FALSE(Regex::compile(std::string(Regex::kMaxPatternLength + 1, 'a')));
}

}  // namespace
}  // namespace perfgate::plan
