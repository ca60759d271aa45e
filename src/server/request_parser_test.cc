#include "server/request_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace perfgate::server {
namespace {

struct Parsed {
  ParseOutcome outcome;
  Request request;
};

Parsed parse(std::string_view input, ParserLimits limits = {}) {
  RequestParser parser(limits);
  Parsed p;
  p.outcome = parser.parse(input, p.request);
  return p;
}

ParseStatus status_of(std::string_view input) { return parse(input).outcome.status; }
int error_of(std::string_view input, ParserLimits limits = {}) {
  const Parsed p = parse(input, limits);
  return p.outcome.status == ParseStatus::kError ? p.outcome.error_status : 0;
}

TEST(RequestParser, ParsesASimpleGet) {
  const std::string input = "GET /bytes/10?x=1&y=2 HTTP/1.1\r\nHost: a\r\nX-Y:  v w \r\n\r\n";
  RequestParser parser;
  Request r;
  const ParseOutcome out = parser.parse(input, r);
  ASSERT_EQ(out.status, ParseStatus::kComplete);
  EXPECT_EQ(out.consumed, input.size());
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/bytes/10?x=1&y=2");
  EXPECT_EQ(r.path, "/bytes/10");
  EXPECT_EQ(r.query, "x=1&y=2");
  EXPECT_EQ(r.version_minor, 1);
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.header("host"), "a");
  EXPECT_EQ(r.header("X-Y"), "v w");  // surrounding whitespace trimmed, inner kept
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(r.body, "");
}

TEST(RequestParser, KeepAliveFollowsVersionAndConnectionHeader) {
  EXPECT_TRUE(parse("GET / HTTP/1.1\r\n\r\n").request.keep_alive);
  EXPECT_FALSE(parse("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n").request.keep_alive);
  EXPECT_FALSE(parse("GET / HTTP/1.1\r\nConnection: upgrade, close\r\n\r\n").request.keep_alive);
  EXPECT_FALSE(parse("GET / HTTP/1.0\r\n\r\n").request.keep_alive);
  EXPECT_TRUE(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").request.keep_alive);
  EXPECT_EQ(parse("GET / HTTP/1.0\r\n\r\n").request.version_minor, 0);
}

TEST(RequestParser, TargetForms) {
  Parsed p = parse("GET http://example.com:80/a/b?q HTTP/1.1\r\n\r\n");
  EXPECT_EQ(p.request.path, "/a/b");
  EXPECT_EQ(p.request.query, "q");
  EXPECT_EQ(parse("GET http://example.com HTTP/1.1\r\n\r\n").request.path, "/");
  EXPECT_EQ(parse("OPTIONS * HTTP/1.1\r\n\r\n").request.path, "*");
  EXPECT_EQ(error_of("GET foo HTTP/1.1\r\n\r\n"), 400);
}

TEST(RequestParser, ContentLengthBody) {
  const std::string input = "POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET";
  Parsed p = parse(input);
  ASSERT_EQ(p.outcome.status, ParseStatus::kComplete);
  EXPECT_EQ(p.request.body, "hello");
  EXPECT_EQ(p.outcome.consumed, input.size() - 3);
  EXPECT_FALSE(p.request.chunked);
}

TEST(RequestParser, ChunkedBodyWithExtensionsAndTrailers) {
  const std::string input =
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\nA;name=value\r\n, world!!!\r\n0\r\nX-Trailer: 1\r\n\r\n";
  const std::string with_next = input + "NEXT";
  RequestParser parser;  // the decoded body lives in the parser
  Request r;
  const ParseOutcome out = parser.parse(with_next, r);
  ASSERT_EQ(out.status, ParseStatus::kComplete);
  EXPECT_EQ(r.body, "hello, world!!!");
  EXPECT_TRUE(r.chunked);
  EXPECT_EQ(out.consumed, input.size());
}

TEST(RequestParser, EveryPrefixIsIncompleteAndEverySplitGivesTheSameRequest) {
  const std::vector<std::string> inputs = {
      "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
      "\r\nGET /a?b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
      "POST /echo HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
      "PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1;e\r\nc\r\n0\r\nT: "
      "v\r\n\r\n",
  };
  for (const std::string& input : inputs) {
    RequestParser parser;
    Request r;
    size_t scan_from = 0;
    // Feeding one byte at a time, as a connection would, with its scan hint.
    for (size_t n = 0; n < input.size(); ++n) {
      const ParseOutcome out = parser.parse(std::string_view(input).substr(0, n), r, scan_from);
      ASSERT_EQ(out.status, ParseStatus::kIncomplete) << "prefix " << n << " of " << input;
      scan_from = out.scan_from;
    }
    const ParseOutcome whole = parser.parse(input, r, scan_from);
    ASSERT_EQ(whole.status, ParseStatus::kComplete) << input;
    EXPECT_EQ(whole.consumed, input.size());
    const std::string body(r.body);
    // The same outcome as parsing the whole request at once, without a hint.
    RequestParser fresh_parser;  // owns a de-chunked body, so it must outlive the check
    Request fresh;
    ASSERT_EQ(fresh_parser.parse(input, fresh).consumed, whole.consumed);
    EXPECT_EQ(fresh.body, body);
  }
}

TEST(RequestParser, PipelinedRequestsAreTakenOneAtATime) {
  const std::string a = "GET /1 HTTP/1.1\r\n\r\n";
  const std::string b = "POST /2 HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi";
  const std::string c = "GET /3 HTTP/1.1\r\n\r\n";
  const std::string all = a + b + c + "GET /4";
  RequestParser parser;
  Request r;
  std::string_view rest = all;
  std::vector<std::string> paths;
  for (;;) {
    const ParseOutcome out = parser.parse(rest, r);
    if (out.status != ParseStatus::kComplete) break;
    paths.emplace_back(r.path);
    rest.remove_prefix(out.consumed);
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"/1", "/2", "/3"}));
  EXPECT_EQ(rest, "GET /4");
}

TEST(RequestParser, HeadLimitGives431) {
  ParserLimits limits;
  limits.max_head_bytes = 1024;
  const std::string big = "GET / HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n";
  EXPECT_EQ(error_of(big, limits), 431);
  // Also while the head is still arriving, once it is past the limit.
  EXPECT_EQ(error_of(big.substr(0, 1500), limits), 431);
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 101; ++i) many += "H" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(error_of(many + "\r\n"), 431);
}

TEST(RequestParser, BodyLimitGives413) {
  ParserLimits limits;
  limits.max_body_bytes = 10;
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", limits), 413);
  EXPECT_EQ(status_of("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n"), ParseStatus::kIncomplete);
  const std::string chunked = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_EQ(error_of(chunked + "6\r\nabcdef\r\n5\r\n", limits), 413);
  EXPECT_EQ(error_of(chunked + "fffffffffffffff\r\n", limits), 413);
  EXPECT_EQ(error_of(chunked + "ffffffffffffffff\r\n", limits), 400);  // would overflow
}

TEST(RequestParser, MalformedRequestLinesAre400) {
  for (std::string bad : {"GET\r\n\r\n", "GET / HTTP/1.1 extra\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n",
                          "G(T / HTTP/1.1\r\n\r\n", "GET / HTTP/1.x\r\n\r\n",
                          "GET / http/1.1\r\n\r\n", "GET /\x01 HTTP/1.1\r\n\r\n"}) {
    EXPECT_EQ(error_of(bad), 400) << bad;
  }
  EXPECT_EQ(error_of("GET / HTTP/2.0\r\n\r\n"), 505);
  EXPECT_EQ(error_of("GET / HTTP/0.9\r\n\r\n"), 505);
}

TEST(RequestParser, GarbageIsRejectedBeforeTheHeadEnds) {
  EXPECT_EQ(error_of(std::string("\x16\x03\x01\x00", 4)), 400);  // a TLS hello
  EXPECT_EQ(error_of("\x80\x81"), 400);
  EXPECT_EQ(error_of("GET / HTTP/1.1 x\r\nHost"), 400);  // first line complete and bad
  EXPECT_EQ(status_of("GET /partial"), ParseStatus::kIncomplete);
}

TEST(RequestParser, MalformedHeadersAre400) {
  for (std::string bad :
       {"GET / HTTP/1.1\r\nNoColon\r\n\r\n", "GET / HTTP/1.1\r\nBad Name: v\r\n\r\n",
        "GET / HTTP/1.1\r\nName : v\r\n\r\n", "GET / HTTP/1.1\r\n: v\r\n\r\n",
        "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", "GET / HTTP/1.1\r\nA: b\x01\r\n\r\n",
        "GET / HTTP/1.1\r\nA: b\nC: d\r\n\r\n"}) {
    EXPECT_EQ(error_of(bad), 400) << bad;
  }
}

TEST(RequestParser, AmbiguousOrUnsupportedFramingIsRefused) {
  const std::string post = "POST / HTTP/1.1\r\n";
  EXPECT_EQ(error_of(post + "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
  EXPECT_EQ(error_of(post + "Content-Length: 1\r\nContent-Length: 2\r\n\r\n"), 400);
  EXPECT_EQ(status_of(post + "Content-Length: 1\r\nContent-Length: 1\r\n\r\nx"),
            ParseStatus::kComplete);
  EXPECT_EQ(error_of(post + "Content-Length: -1\r\n\r\n"), 400);
  EXPECT_EQ(error_of(post + "Content-Length: 1x\r\n\r\n"), 400);
  EXPECT_EQ(error_of(post + "Transfer-Encoding: gzip\r\n\r\n"), 400);
  EXPECT_EQ(error_of(post + "Transfer-Encoding: gzip, chunked\r\n\r\n"), 501);
  EXPECT_EQ(error_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
}

TEST(RequestParser, MalformedChunksAre400) {
  const std::string head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_EQ(error_of(head + "z\r\n"), 400);
  EXPECT_EQ(error_of(head + "3\r\nabcd\r\n"), 400);  // data longer than announced
  EXPECT_EQ(error_of(head + "3 x\r\nabc\r\n"), 400);
  EXPECT_EQ(error_of(head + "0\r\nnot a trailer\r\n\r\n"), 400);
  EXPECT_EQ(error_of(head + std::string(2000, '0')), 400);  // endless size line
  EXPECT_EQ(status_of(head + "3\r\nab"), ParseStatus::kIncomplete);
}

TEST(RequestParser, LeadingEmptyLinesAreSkippedAndCounted) {
  const std::string input = "\r\n\r\nGET / HTTP/1.1\r\n\r\n";
  Parsed p = parse(input);
  ASSERT_EQ(p.outcome.status, ParseStatus::kComplete);
  EXPECT_EQ(p.outcome.consumed, input.size());
}

TEST(RequestParserHelpers, TokensAndCase) {
  EXPECT_TRUE(equals_ignore_case("Content-Length", "content-LENGTH"));
  EXPECT_FALSE(equals_ignore_case("Content-Length", "Content-Lengt"));
  EXPECT_TRUE(has_token("keep-alive, Upgrade", "upgrade"));
  EXPECT_FALSE(has_token("keep-alive-ish", "keep-alive"));
  EXPECT_FALSE(has_token("", "close"));
}

}  // namespace
}  // namespace perfgate::server
