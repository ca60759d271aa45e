#include "protocols/http1_request.h"

#include <gtest/gtest.h>

#include "protocols/url.h"

namespace perfgate::protocols {
namespace {

TEST(Http1Request, SerialisesGetWithHostAndUserAgent) {
  HttpRequestSpec spec;
  spec.target = "/a?b=1";
  spec.host = "example.test:8080";
  auto bytes = write_http1_request(spec);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes,
            "GET /a?b=1 HTTP/1.1\r\nHost: example.test:8080\r\nUser-Agent: perfgate\r\n\r\n");
}

TEST(Http1Request, SerialisesBodyWithContentLengthAndCustomHeaders) {
  HttpRequestSpec spec;
  spec.method = std::string("POST");
  spec.host = "h";
  spec.user_agent = "";
  spec.headers = {{"Content-Type", "application/json"}, {"X-Id", "7"}};
  spec.body = "{\"a\":1}";
  EXPECT_EQ(*write_http1_request(spec),
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nX-Id: 7\r\n"
            "Content-Length: 7\r\n\r\n{\"a\":1}");
}

TEST(Http1Request, EmptyPostStillSaysContentLengthZero) {
  HttpRequestSpec spec;
  spec.method = std::string("POST");
  spec.host = "h";
  EXPECT_NE(write_http1_request(spec)->find("Content-Length: 0\r\n"), std::string::npos);
}

TEST(Http1Request, CallerHostAndUserAgentReplaceDefaults) {
  HttpRequestSpec spec;
  spec.host = "default";
  spec.headers = {{"host", "other"}, {"User-Agent", "me"}};
  const std::string bytes = *write_http1_request(spec);
  EXPECT_EQ(bytes.find("Host: default"), std::string::npos);
  EXPECT_EQ(bytes.find("perfgate"), std::string::npos);
  EXPECT_NE(bytes.find("host: other\r\n"), std::string::npos);
}

TEST(Http1Request, RejectsInjectionAndHandMadeFraming) {
  HttpRequestSpec spec;
  spec.host = "h";
  spec.headers = {{"X-Evil", "a\r\nInjected: 1"}};
  EXPECT_FALSE(write_http1_request(spec));
  spec.headers = {{"Bad Name", "v"}};
  EXPECT_FALSE(write_http1_request(spec));
  spec.headers = {{"Content-Length", "3"}};
  EXPECT_FALSE(write_http1_request(spec));
  spec.headers = {};
  spec.method = std::string("GE T");
  EXPECT_FALSE(write_http1_request(spec));
  spec.method = std::string("GET");
  spec.target = std::string("/a b");
  EXPECT_FALSE(write_http1_request(spec));
}

TEST(HttpUrl, ParsesHostPortTargetAndAuthority) {
  auto url = parse_http_url("http://127.0.0.1:8080/bytes/10?x=1#frag");
  ASSERT_TRUE(url) << url.error().describe();
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->target, "/bytes/10?x=1");
  EXPECT_EQ(url->authority, "127.0.0.1:8080");

  auto plain = parse_http_url("HTTP://localhost");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->port, 80);
  EXPECT_EQ(plain->target, "/");

  auto v6 = parse_http_url("http://[::1]:9/?q");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9);
  EXPECT_EQ(v6->target, "/?q");
}

TEST(HttpUrl, HttpsHasItsSchemeAndPort) {
  auto https = parse_http_url("HTTPS://example.test/x");
  ASSERT_TRUE(https);
  EXPECT_TRUE(https->tls);
  EXPECT_EQ(https->port, 443);
  EXPECT_EQ(https->scheme(), "https");
  EXPECT_EQ(parse_http_url("https://example.test:8443/")->port, 8443);
  EXPECT_FALSE(parse_http_url("http://example.test/")->tls);
}

TEST(HttpUrl, RejectsWhatItCannotLoad) {
  for (const char* bad :
       {"127.0.0.1:80", "ftp://x/", "http://", "http://:80/", "http://h:0/", "http://h:70000/",
        "http://h:/", "http://u:p@h/", "http://h/a b", "http://[::1/"}) {
    EXPECT_FALSE(parse_http_url(bad)) << bad;
  }
}

TEST(HttpUrl, ResolvesLocationHeaders) {
  const HttpUrl base = *parse_http_url("http://shop.test:8080/a/b/page?x=1");
  auto target = [&](std::string_view location) {
    auto url = resolve_http_url(base, location);
    return url ? url->authority + url->target : "error: " + url.error().message;
  };
  EXPECT_EQ(target("/login?next=%2F"), "shop.test:8080/login?next=%2F");
  EXPECT_EQ(target("other"), "shop.test:8080/a/b/other");
  EXPECT_EQ(target("?y=2"), "shop.test:8080/a/b/page?y=2");
  EXPECT_EQ(target("/p#frag"), "shop.test:8080/p");
  EXPECT_EQ(target("HTTP://127.0.0.1:9/x"), "127.0.0.1:9/x");
  EXPECT_EQ(target("//cdn.test/img"), "cdn.test/img");
  EXPECT_EQ(target(""), "shop.test:8080/a/b/page?x=1");
  auto secure = resolve_http_url(base, "https://shop.test/");
  ASSERT_TRUE(secure);
  EXPECT_TRUE(secure->tls);
  EXPECT_EQ(secure->port, 443);
  const HttpUrl https_base = *parse_http_url("https://shop.test/a/");
  EXPECT_TRUE(resolve_http_url(https_base, "//cdn.test/x")->tls) << "scheme-relative keeps https";
  EXPECT_TRUE(resolve_http_url(https_base, "b")->tls);
  EXPECT_FALSE(resolve_http_url(base, "/a b"));
}

}  // namespace
}  // namespace perfgate::protocols
