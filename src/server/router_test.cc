#include "server/router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace perfgate::server {
namespace {

class RouterTest : public ::testing::Test {
 protected:
  // Parses `raw` (a whole request) and routes it.
  Response route(const std::string& raw) {
    raw_ = raw;
    const ParseOutcome out = parser_.parse(raw_, request_);
    EXPECT_EQ(out.status, ParseStatus::kComplete) << raw;
    Response response;
    router_.route(request_, response);
    return response;
  }
  Response get(const std::string& target, const std::string& headers = "") {
    return route("GET " + target + " HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n");
  }
  Response post(const std::string& target, const std::string& body) {
    return route("POST " + target + " HTTP/1.1\r\nContent-Length: " + std::to_string(body.size()) +
                 "\r\n\r\n" + body);
  }

  TokenSigner signer_;
  Router router_{signer_};
  RequestParser parser_;
  Request request_;
  std::string raw_;
};

TEST_F(RouterTest, Root) {
  const Response r = get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.text_body(), "hello from perfgate\n");
  EXPECT_EQ(r.delay_ms, 0);
}

TEST_F(RouterTest, BytesAndChunkedAreGenerated) {
  Response r = get("/bytes/1234");
  EXPECT_EQ(r.body_kind, Response::Body::kGenerated);
  EXPECT_EQ(r.generated_bytes, 1234u);
  r = get("/chunked/99");
  EXPECT_EQ(r.body_kind, Response::Body::kGeneratedChunked);
  EXPECT_EQ(r.generated_bytes, 99u);
  EXPECT_EQ(get("/bytes/67108864").status, 200);
  EXPECT_EQ(get("/bytes/67108865").status, 400);
  EXPECT_EQ(get("/bytes/").status, 400);
  EXPECT_EQ(get("/bytes/-1").status, 400);
  EXPECT_EQ(get("/bytes/1x").status, 400);
  EXPECT_EQ(get("/bytes/99999999999999999999999").status, 400);
}

TEST_F(RouterTest, DelayIsReturnedNotSlept) {
  const Response r = get("/delay/250?cache=no");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.delay_ms, 250);
  EXPECT_EQ(r.text_body(), "delayed 250 ms\n");
  EXPECT_EQ(get("/delay/60001").status, 400);
  EXPECT_EQ(get("/delay/abc").status, 400);
}

TEST_F(RouterTest, StatusCodes) {
  EXPECT_EQ(get("/status/200").status, 200);
  EXPECT_EQ(get("/status/503").status, 503);
  EXPECT_EQ(get("/status/503").text_body(), "503 Service Unavailable\n");
  EXPECT_EQ(get("/status/204").text_body(), "");
  EXPECT_EQ(get("/status/599").status, 599);
  EXPECT_EQ(get("/status/100").status, 400);
  EXPECT_EQ(get("/status/199").status, 400);
  EXPECT_EQ(get("/status/600").status, 400);
  EXPECT_EQ(get("/status/0").status, 400);
}

TEST_F(RouterTest, EchoCombinesRepeatedHeadersAndSurvivesBinaryBodies) {
  const std::string body("\xff\x00z", 3);  // invalid UTF-8 and a NUL
  const Response r =
      route("POST /echo?q=1 HTTP/1.1\r\nA: 1\r\nA: 2\r\nContent-Length: 3\r\n\r\n" + body);
  const auto doc = nlohmann::json::parse(r.text_body());
  EXPECT_EQ(doc["headers"]["A"], "1, 2");
  EXPECT_EQ(doc["query"], "q=1");
  EXPECT_EQ(doc["method"], "POST");
  EXPECT_EQ(doc["body"].get<std::string>().size(), 5u);  // U+FFFD (3 bytes), NUL, 'z'
}

TEST_F(RouterTest, JsonSample) {
  const Response r = get("/json");
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_GT(r.text_body().size(), 2000u);
  EXPECT_LT(r.text_body().size(), 8000u);
  EXPECT_TRUE(nlohmann::json::accept(r.text_body()));
}

TEST_F(RouterTest, LoginRules) {
  Response ok = post("/login", R"({"username":"u","password":"secret"})");
  ASSERT_EQ(ok.status, 200);
  const std::string token = nlohmann::json::parse(ok.text_body())["token"];
  EXPECT_EQ(signer_.verify(token), "u");
  EXPECT_EQ(ok.extra_headers, "Set-Cookie: session=" + token + "; Path=/; HttpOnly\r\n");
  EXPECT_EQ(post("/login", R"({"username":"u","password":"Secret"})").status, 401);
  EXPECT_EQ(post("/login", R"({"username":"","password":"secret"})").status, 400);
  EXPECT_EQ(post("/login", R"({"username":1,"password":"secret"})").status, 400);
  EXPECT_EQ(post("/login", R"({"password":"secret"})").status, 400);
  EXPECT_EQ(post("/login", R"(["u","secret"])").status, 400);
  EXPECT_EQ(post("/login", "{").status, 400);
  const std::string long_name(257, 'n');
  EXPECT_EQ(post("/login", R"({"username":")" + long_name + R"(","password":"secret"})").status,
            400);
  const Response wrong_method = get("/login");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.extra_headers, "Allow: POST\r\n");
}

TEST_F(RouterTest, MeNeedsAValidBearerToken) {
  const std::string token = signer_.issue("carol");
  Response me = get("/me", "Authorization: Bearer " + token + "\r\n");
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(nlohmann::json::parse(me.text_body())["username"], "carol");
  EXPECT_EQ(get("/me", "Authorization: bearer " + token + "\r\n").status, 200);
  const Response none = get("/me");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.extra_headers, "WWW-Authenticate: Bearer\r\n");
  EXPECT_EQ(get("/me", "Authorization: Basic dTpw\r\n").status, 401);
  EXPECT_EQ(get("/me", "Authorization: Bearer " + TokenSigner().issue("carol") + "\r\n").status,
            401);
}

TEST_F(RouterTest, MeAcceptsTheSessionCookieInstead) {
  const std::string token = signer_.issue("dave");
  Response me = get("/me", "Cookie: theme=dark; session=" + token + "; x=1\r\n");
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(nlohmann::json::parse(me.text_body())["username"], "dave");
  EXPECT_EQ(get("/me", "Cookie: session=" + token + "\r\n").status, 200);
  EXPECT_EQ(get("/me", "Cookie: session=nope\r\n").status, 401);
  EXPECT_EQ(get("/me", "Cookie: xsession=" + token + "\r\n").status, 401);
}

TEST_F(RouterTest, RedirectCountsDown) {
  const Response hop = get("/redirect/3");
  EXPECT_EQ(hop.status, 302);
  EXPECT_EQ(hop.extra_headers, "Location: /redirect/2\r\n");
  const Response done = get("/redirect/0");
  EXPECT_EQ(done.status, 200);
  EXPECT_EQ(done.text_body(), "redirects done\n");
  EXPECT_EQ(get("/redirect/101").status, 400);
  EXPECT_EQ(get("/redirect/x").status, 400);
}

TEST_F(RouterTest, UnknownPathsAre404) {
  EXPECT_EQ(get("/nope").status, 404);
  EXPECT_EQ(get("/jsonx").status, 404);
  EXPECT_EQ(get("/bytes").status, 404);
}

TEST(ChunkSize, SeveralChunksCappedAt16KiB) {
  EXPECT_EQ(chunk_size_for(0), 1u);
  EXPECT_EQ(chunk_size_for(1), 1u);
  EXPECT_EQ(chunk_size_for(10), 3u);
  EXPECT_EQ(chunk_size_for(1000), 250u);
  EXPECT_EQ(chunk_size_for(10'000'000), 16384u);
}

TEST(ResponseHead, FramingHeaders) {
  Response r;
  r.static_body = "abc";
  std::string out;
  append_head(r, /*keep_alive=*/true, /*http10=*/false, out);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\n");
  out.clear();
  r.status = 304;
  append_head(r, /*keep_alive=*/false, /*http10=*/false, out);
  EXPECT_EQ(out, "HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n");
  out.clear();
  r.reset();
  r.body_kind = Response::Body::kGeneratedChunked;
  r.generated_bytes = 5;
  append_head(r, /*keep_alive=*/true, /*http10=*/true, out);
  EXPECT_NE(out.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_NE(out.find("Connection: keep-alive\r\n"), std::string::npos);
}

TEST(ResponseBody, GeneratedPatternContinuesAcrossPieces) {
  std::string whole;
  append_generated(0, 100'000, whole);
  std::string pieces;
  for (uint64_t offset = 0; offset < 100'000; offset += 7'001) {
    append_generated(offset, std::min<uint64_t>(7'001, 100'000 - offset), pieces);
  }
  EXPECT_EQ(pieces, whole);
  EXPECT_EQ(whole.substr(25, 3), "zab");
  std::string chunk;
  append_generated_chunk(3, 26, chunk);
  EXPECT_EQ(chunk, "1a\r\ndefghijklmnopqrstuvwxyzabc\r\n");
}

}  // namespace
}  // namespace perfgate::server
