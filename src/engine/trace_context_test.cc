// Unit tests: traceparent headers in the W3C shape with the asked sampling ratio, and the
// slowest-traces list (bounded, slowest first, mergeable).
#include "engine/trace_context.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace perfgate::engine {
namespace {

TEST(Traceparent, HasTheW3cShapeAndFreshIds) {
  std::mt19937_64 rng(7);
  const std::regex shape("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
  std::set<std::string> ids;
  for (int i = 0; i < 200; ++i) {
    const Traceparent t = make_traceparent(rng, 1.0);
    const std::string value(t.value());
    EXPECT_TRUE(std::regex_match(value, shape)) << value;
    EXPECT_TRUE(t.sampled);
    EXPECT_EQ(value.substr(53), "01");
    EXPECT_NE(t.trace_id(), std::string(32, '0'));
    ids.insert(std::string(t.trace_id()));
  }
  EXPECT_EQ(ids.size(), 200u);
}

TEST(Traceparent, SamplesTheAskedShare) {
  std::mt19937_64 rng(11);
  int sampled = 0;
  for (int i = 0; i < 10000; ++i) {
    const Traceparent t = make_traceparent(rng, 0.1);
    sampled += t.sampled;
    EXPECT_EQ(t.value().substr(53), t.sampled ? "01" : "00");
  }
  EXPECT_GT(sampled, 850);  // 1000 expected; a binomial sd is 30
  EXPECT_LT(sampled, 1150);
  EXPECT_FALSE(make_traceparent(rng, 0.0).sampled);
}

std::string id(char c) { return std::string(32, c); }

TEST(SlowestTraces, KeepsTheSlowestFiveSlowestFirst) {
  SlowestTraces s;
  const int64_t durations[] = {30, 10, 90, 50, 70, 20, 80, 60};
  char c = 'a';
  for (int64_t d : durations) s.offer(d, id(c++));
  const auto list = s.list();
  ASSERT_EQ(list.size(), kSlowestTraces);
  EXPECT_EQ(list[0], std::make_pair(id('c'), int64_t{90}));
  EXPECT_EQ(list[1], std::make_pair(id('g'), int64_t{80}));
  EXPECT_EQ(list[2], std::make_pair(id('e'), int64_t{70}));
  EXPECT_EQ(list[3], std::make_pair(id('h'), int64_t{60}));
  EXPECT_EQ(list[4], std::make_pair(id('d'), int64_t{50}));
  s.offer(1, "short");  // not a trace id: ignored
  EXPECT_EQ(s.list(), list);
}

TEST(SlowestTraces, MergesAcrossWorkers) {
  SlowestTraces a, b;
  a.offer(5, id('a'));
  a.offer(100, id('b'));
  b.offer(50, id('c'));
  a.add(b);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a.list()[1].first, id('c'));
  a.reset();
  EXPECT_TRUE(a.list().empty());
}

}  // namespace
}  // namespace perfgate::engine
