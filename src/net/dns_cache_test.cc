#include "net/dns_cache.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace perfgate::net {
namespace {

Address v4(const char* text) {
  Address a;
  auto* in = reinterpret_cast<sockaddr_in*>(&a.storage);
  in->sin_family = AF_INET;
  inet_pton(AF_INET, text, &in->sin_addr);
  a.length = sizeof(sockaddr_in);
  return a;
}

Address v6(const char* text) {
  Address a;
  auto* in = reinterpret_cast<sockaddr_in6*>(&a.storage);
  in->sin6_family = AF_INET6;
  inet_pton(AF_INET6, text, &in->sin6_addr);
  a.length = sizeof(sockaddr_in6);
  return a;
}

constexpr Nanos kSecond = kNanosPerSecond;

TEST(DnsCache, AnAnswerLivesForItsRecordTtlCappedByTheOption) {
  DnsCache cache(DnsOptions{.ttl = 60 * kSecond});
  cache.store("short.test", {v4("10.0.0.1")}, 5 * kSecond, 0);
  cache.store("long.test", {v4("10.0.0.2")}, 3600 * kSecond, 0);
  cache.store("hosts-file.test", {v4("10.0.0.3")}, 0, 0);  // no TTL: the option's
  EXPECT_NE(cache.find("short.test", 5 * kSecond - 1), nullptr);
  EXPECT_EQ(cache.find("short.test", 5 * kSecond), nullptr);
  EXPECT_NE(cache.find("long.test", 60 * kSecond - 1), nullptr);
  EXPECT_EQ(cache.find("long.test", 60 * kSecond), nullptr);
  EXPECT_NE(cache.find("hosts-file.test", 59 * kSecond), nullptr);
  EXPECT_EQ(cache.find("hosts-file.test", 60 * kSecond), nullptr);
  EXPECT_EQ(cache.find("never.test", 0), nullptr);
}

TEST(DnsCache, FailuresAreRememberedForTheNegativeTtl) {
  DnsCache cache(DnsOptions{.negative_ttl = 2 * kSecond});
  cache.store_failure("gone.test", "Domain name not found", 10 * kSecond);
  const DnsCache::Entry* entry = cache.find("gone.test", 11 * kSecond);
  ASSERT_NE(entry, nullptr);
  EXPECT_TRUE(entry->failed());
  EXPECT_EQ(entry->error, "Domain name not found");
  EXPECT_EQ(cache.find("gone.test", 12 * kSecond), nullptr);
}

TEST(DnsCache, AStoreReplacesTheOldAnswer) {
  DnsCache cache;
  cache.store_failure("flaky.test", "timeout", 0);
  cache.store("flaky.test", {v4("10.0.0.9")}, 30 * kSecond, kSecond);
  DnsCache::Entry* entry = cache.find("flaky.test", 2 * kSecond);
  ASSERT_NE(entry, nullptr);
  ASSERT_FALSE(entry->failed());
  EXPECT_EQ(cache.pick(*entry, 80).to_string(), "10.0.0.9:80");
  EXPECT_EQ(cache.size(), 1u);
}

TEST(DnsCache, PreferIPv4PutsIPv4FirstAndKeepsIPv6) {
  DnsCache cache;  // default policy: preferIPv4, select first
  DnsCache::Entry& entry = cache.store("localhost", {v6("::1"), v4("127.0.0.1")}, 0, 0);
  ASSERT_EQ(entry.addresses.size(), 2u);
  EXPECT_EQ(cache.pick(entry, 8080).to_string(), "127.0.0.1:8080");
  EXPECT_EQ(entry.addresses[1].family(), AF_INET6);
}

TEST(DnsCache, PreferIPv6AndOnlyPolicies) {
  DnsCache prefer6(DnsOptions{.policy = DnsPolicy::kPreferIPv6});
  DnsCache::Entry& both = prefer6.store("localhost", {v4("127.0.0.1"), v6("::1")}, 0, 0);
  EXPECT_EQ(prefer6.pick(both, 443).to_string(), "[::1]:443");

  DnsCache only6(DnsOptions{.policy = DnsPolicy::kOnlyIPv6});
  EXPECT_TRUE(only6.store("v4only.test", {v4("10.0.0.1")}, 0, 0).failed());
  DnsCache::Entry& kept = only6.store("dual.test", {v4("10.0.0.1"), v6("fd00::1")}, 0, 0);
  ASSERT_EQ(kept.addresses.size(), 1u);
  EXPECT_EQ(only6.pick(kept, 80).to_string(), "[fd00::1]:80");

  DnsCache only4(DnsOptions{.policy = DnsPolicy::kOnlyIPv4});
  DnsCache::Entry& four = only4.store("dual.test", {v6("fd00::1"), v4("10.0.0.1")}, 0, 0);
  ASSERT_EQ(four.addresses.size(), 1u);
  EXPECT_EQ(four.addresses[0].family(), AF_INET);
}

TEST(DnsCache, RoundRobinCyclesThroughTheAnswer) {
  DnsCache cache(DnsOptions{.select = DnsSelect::kRoundRobin});
  DnsCache::Entry& entry =
      cache.store("pool.test", {v4("10.0.0.1"), v4("10.0.0.2"), v4("10.0.0.3")}, 0, 0);
  std::vector<std::string> picked;
  for (int i = 0; i < 4; ++i) picked.push_back(cache.pick(entry, 1).to_string());
  EXPECT_EQ(picked,
            (std::vector<std::string>{"10.0.0.1:1", "10.0.0.2:1", "10.0.0.3:1", "10.0.0.1:1"}));
}

TEST(DnsCache, RandomStaysWithinTheAnswerAndSpreads) {
  DnsCache cache(DnsOptions{.select = DnsSelect::kRandom});
  DnsCache::Entry& entry = cache.store("pool.test", {v4("10.0.0.1"), v4("10.0.0.2")}, 0, 0);
  int first = 0;
  for (int i = 0; i < 200; ++i) first += cache.pick(entry, 1).to_string() == "10.0.0.1:1";
  EXPECT_GT(first, 40);
  EXPECT_LT(first, 160);
}

}  // namespace
}  // namespace perfgate::net
