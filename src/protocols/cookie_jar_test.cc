#include "protocols/cookie_jar.h"

#include <gtest/gtest.h>

#include <string>

namespace perfgate::protocols {
namespace {

constexpr int64_t kNow = 1'800'000'000;  // 2027-01-15

std::string header_for(const CookieJar& jar, std::string_view host, std::string_view path,
                       bool secure = false, int64_t now = kNow, std::string_view skip = {}) {
  std::string out;
  jar.append_header_value(host, path, secure, now, skip, out);
  return out;
}

TEST(CookieJar, SendsBackWhatTheServerSet) {
  CookieJar jar;
  EXPECT_TRUE(jar.store("session=abc123; Path=/; HttpOnly", "shop.test", "/login", kNow));
  EXPECT_TRUE(jar.store("theme = dark ", "shop.test", "/prefs/theme", kNow));  // path /prefs
  EXPECT_EQ(header_for(jar, "shop.test", "/cart"), "session=abc123");
  EXPECT_EQ(header_for(jar, "shop.test", "/prefs/x"), "theme=dark; session=abc123");
  EXPECT_EQ(header_for(jar, "SHOP.test", "/prefs"), "theme=dark; session=abc123");
  EXPECT_EQ(header_for(jar, "other.test", "/"), "");
}

TEST(CookieJar, DefaultPathIsTheRequestDirectory) {
  EXPECT_EQ(default_cookie_path("/a/b/c"), "/a/b");
  EXPECT_EQ(default_cookie_path("/a"), "/");
  EXPECT_EQ(default_cookie_path(""), "/");
  CookieJar jar;
  jar.store("k=v", "h", "/api/v1/login", kNow);
  EXPECT_EQ(header_for(jar, "h", "/api/v1/me"), "k=v");
  EXPECT_EQ(header_for(jar, "h", "/api/v1"), "k=v");
  EXPECT_EQ(header_for(jar, "h", "/api/v10"), "");
  EXPECT_EQ(header_for(jar, "h", "/api"), "");
}

TEST(CookieJar, PathMatchingFollowsRfc6265) {
  EXPECT_TRUE(path_matches("/docs", "/docs"));
  EXPECT_TRUE(path_matches("/docs/a", "/docs"));
  EXPECT_TRUE(path_matches("/docs/a", "/docs/"));
  EXPECT_FALSE(path_matches("/docsx", "/docs"));
  EXPECT_FALSE(path_matches("/doc", "/docs"));
  EXPECT_TRUE(path_matches("/anything", "/"));
}

TEST(CookieJar, DomainCookiesReachSubdomainsAndForeignDomainsAreRejected) {
  EXPECT_TRUE(domain_matches("a.shop.test", "shop.test"));
  EXPECT_FALSE(domain_matches("ashop.test", "shop.test"));
  EXPECT_FALSE(domain_matches("10.0.0.1", "0.0.1"));
  EXPECT_TRUE(domain_matches("127.0.0.1", "127.0.0.1"));
  CookieJar jar;
  EXPECT_TRUE(jar.store("wide=1; Domain=.shop.test", "www.shop.test", "/", kNow));
  EXPECT_TRUE(jar.store("narrow=1", "www.shop.test", "/", kNow));
  EXPECT_FALSE(jar.store("evil=1; Domain=bank.test", "www.shop.test", "/", kNow));
  EXPECT_EQ(jar.size(), 2u);
  EXPECT_EQ(header_for(jar, "api.shop.test", "/"), "wide=1");
  EXPECT_EQ(header_for(jar, "www.shop.test", "/"), "wide=1; narrow=1");
  EXPECT_EQ(header_for(jar, "bank.test", "/"), "");
}

TEST(CookieJar, ReplacingKeepsTheOriginalOrderAndLongerPathsComeFirst) {
  CookieJar jar;
  jar.store("a=1; Path=/", "h", "/", kNow);
  jar.store("b=1; Path=/", "h", "/", kNow);
  jar.store("c=1; Path=/deep/er", "h", "/", kNow);
  jar.store("a=2; Path=/", "h", "/", kNow);
  EXPECT_EQ(header_for(jar, "h", "/deep/er/x"), "c=1; a=2; b=1");
  jar.store("a=3; Path=/deep", "h", "/", kNow);  // same name, other path: a second cookie
  EXPECT_EQ(header_for(jar, "h", "/deep/er/x"), "c=1; a=3; a=2; b=1");
}

TEST(CookieJar, MaxAgeAndExpiresRemoveCookies) {
  CookieJar jar;
  jar.store("s=1", "h", "/", kNow);
  jar.store("t=1; Max-Age=60", "h", "/", kNow);
  jar.store("u=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT", "h", "/", kNow);  // already past
  EXPECT_EQ(header_for(jar, "h", "/"), "s=1; t=1");
  EXPECT_EQ(header_for(jar, "h", "/", false, kNow + 61), "s=1");
  jar.store("s=gone; Max-Age=0", "h", "/", kNow);
  EXPECT_EQ(header_for(jar, "h", "/"), "t=1");
  // Max-Age wins over Expires whatever the order.
  jar.store("v=1; Max-Age=100; Expires=Wed, 21 Oct 2015 07:28:00 GMT", "h", "/", kNow);
  EXPECT_EQ(header_for(jar, "h", "/"), "t=1; v=1");
  jar.store("t=2; Max-Age=junk", "h", "/", kNow);  // an unreadable Max-Age is ignored
  EXPECT_EQ(header_for(jar, "h", "/", false, kNow + 10'000), "t=2");
}

TEST(CookieJar, SecureCookiesOnlyTravelOverSecureConnections) {
  CookieJar jar;
  jar.store("plain=1", "h", "/", kNow);
  jar.store("tls=1; Secure", "h", "/", kNow);
  EXPECT_EQ(header_for(jar, "h", "/"), "plain=1");
  EXPECT_EQ(header_for(jar, "h", "/", true), "plain=1; tls=1");
}

TEST(CookieJar, TheRequestsOwnCookieHeaderWins) {
  CookieJar jar;
  jar.store("a=jar", "h", "/", kNow);
  jar.store("b=jar", "h", "/", kNow);
  EXPECT_EQ(header_for(jar, "h", "/", false, kNow, "a=mine"), "; b=jar");
  EXPECT_EQ(header_for(jar, "h", "/", false, kNow, "x=1; a=2"), "; b=jar");
}

TEST(CookieJar, MalformedAndOversizedCookiesAreIgnoredAndTheJarIsBounded) {
  CookieJar jar;
  EXPECT_FALSE(jar.store("no-equals-sign", "h", "/", kNow));
  EXPECT_FALSE(jar.store("=value", "h", "/", kNow));
  EXPECT_FALSE(jar.store("a=b\rX-Injected: 1", "h", "/", kNow));
  EXPECT_FALSE(jar.store("big=" + std::string(CookieJar::kMaxCookieBytes, 'x'), "h", "/", kNow));
  EXPECT_TRUE(jar.empty());
  for (size_t i = 0; i < CookieJar::kMaxCookies + 5; ++i) {
    jar.store("c" + std::to_string(i) + "=1", "h", "/", kNow);
  }
  EXPECT_EQ(jar.size(), CookieJar::kMaxCookies);
  const std::string header = header_for(jar, "h", "/");
  EXPECT_EQ(header.find("c0=1;"), std::string::npos);  // the oldest went first
  EXPECT_EQ(header.substr(0, 5), "c5=1;");
  jar.clear();
  EXPECT_TRUE(jar.empty());
}

TEST(CookieDate, ParsesTheFormatsServersWrite) {
  int64_t t = 0;
  ASSERT_TRUE(parse_cookie_date("Wed, 21 Oct 2015 07:28:00 GMT", &t));
  EXPECT_EQ(t, 1445412480);
  ASSERT_TRUE(parse_cookie_date("Wednesday, 21-Oct-15 07:28:00 GMT", &t));
  EXPECT_EQ(t, 1445412480);
  ASSERT_TRUE(parse_cookie_date("Thu Jan  1 00:00:00 1970", &t));  // asctime order
  EXPECT_EQ(t, 0);
  EXPECT_FALSE(parse_cookie_date("tomorrow", &t));
  EXPECT_FALSE(parse_cookie_date("Wed, 32 Oct 2015 07:28:00 GMT", &t));
  EXPECT_FALSE(parse_cookie_date("Wed, 21 Oct 2015 25:28:00 GMT", &t));
  EXPECT_FALSE(parse_cookie_date("Wed, 21 Foo 2015 07:28:00 GMT", &t));
}

}  // namespace
}  // namespace perfgate::protocols
