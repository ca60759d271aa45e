#include "protocols/http1_response_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace perfgate::protocols {
namespace {

using Event = Http1ResponseParser::Event;

struct Case {
  std::string name;
  std::string bytes;
  bool head = false;
  Event event = Event::kComplete;
  int status = 200;
  uint64_t body = 0;
  bool keep_alive = true;
  size_t trailing = 0;  // bytes after the end of the response that must be left unconsumed
};

struct Outcome {
  Event event = Event::kNeedMore;
  size_t consumed = 0;
  int status = 0;
  uint64_t body = 0;
  bool keep_alive = false;
};

// Feeds `bytes` in pieces of the given sizes (the last piece takes the rest), stopping at the
// first event other than kNeedMore. At EOF, a body delimited by close is finished.
Outcome parse_in_pieces(const Case& c, const std::vector<size_t>& pieces) {
  Http1ResponseParser parser;
  parser.start(c.head);
  Outcome out;
  size_t offset = 0;
  for (size_t i = 0; i <= pieces.size() && offset < c.bytes.size(); ++i) {
    const size_t n =
        i < pieces.size() ? std::min(pieces[i], c.bytes.size() - offset) : c.bytes.size() - offset;
    auto progress = parser.feed(c.bytes.data() + offset, n);
    out.consumed += progress.consumed;
    offset += n;
    out.event = progress.event;
    if (progress.event != Event::kNeedMore) break;
  }
  if (out.event == Event::kNeedMore) out.event = parser.finish_on_close();
  out.status = parser.status_code();
  out.body = parser.body_bytes();
  out.keep_alive = parser.keep_alive();
  return out;
}

void expect_outcome(const Case& c, const Outcome& out, const std::string& how) {
  SCOPED_TRACE(c.name + " fed " + how);
  ASSERT_EQ(out.event, c.event);
  if (c.event != Event::kComplete) return;
  EXPECT_EQ(out.status, c.status);
  EXPECT_EQ(out.body, c.body);
  EXPECT_EQ(out.keep_alive, c.keep_alive);
  EXPECT_EQ(out.consumed, c.bytes.size() - c.trailing);
}

const std::vector<Case>& cases() {
  static const std::vector<Case> kCases = {
      {"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false,
       Event::kComplete, 200, 5, true},
      {"empty body", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, Event::kComplete, 200,
       0, true},
      {"no reason phrase", "HTTP/1.1 404\r\nContent-Length: 2\r\n\r\nno", false, Event::kComplete,
       404, 2, true},
      {"bare LF line ends", "HTTP/1.1 200 OK\nContent-Length: 3\n\nabc", false, Event::kComplete,
       200, 3, true},
      {"header case and spaces", "HTTP/1.1 201 Created\r\ncOnTeNt-LeNgTh:   4  \r\n\r\nabcd", false,
       Event::kComplete, 201, 4, true},
      {"chunked",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n "
       "world\r\n0\r\n\r\n",
       false, Event::kComplete, 200, 11, true},
      {"chunked with extension and trailers",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
       "A;name=value\r\n0123456789\r\n0\r\nX-Checksum: abc\r\nX-More: 1\r\n\r\n",
       false, Event::kComplete, 200, 10, true},
      {"chunked wins over content-length",
       "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: "
       "chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
       false, Event::kComplete, 200, 3, true},
      {"connection close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
       false, Event::kComplete, 200, 2, false},
      {"http/1.0 defaults to close", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false,
       Event::kComplete, 200, 2, false},
      {"http/1.0 keep-alive",
       "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok", false,
       Event::kComplete, 200, 2, true},
      {"body until close", "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nstreamed until eof", false,
       Event::kComplete, 200, 18, false},
      {"unknown transfer-coding reads until close",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxyz", false, Event::kComplete, 200, 3,
       false},
      {"100 continue skipped",
       "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", false,
       Event::kComplete, 200, 1, true},
      {"103 early hints skipped",
       "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", false,
       Event::kComplete, 204, 0, true},
      {"head ignores content-length", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", true,
       Event::kComplete, 200, 0, true},
      {"204 has no body", "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", false,
       Event::kComplete, 204, 0, true},
      {"304 has no body", "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", false,
       Event::kComplete, 304, 0, true},
      {"101 switching protocols ends reuse",
       "HTTP/1.1 101 Switching Protocols\r\nUpgrade: ws\r\n\r\n", false, Event::kComplete, 101, 0,
       false},
      {"5xx with body", "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy", false,
       Event::kComplete, 503, 4, true},
      {"bytes after response left over", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA",
       false, Event::kComplete, 200, 2, true, 5},
      {"duplicate equal content-length",
       "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", false,
       Event::kComplete, 200, 2, true},
      {"garbage", "garbage\r\n\r\n", false, Event::kError},
      {"html instead of http", "<html><body>hi</body></html>\n", false, Event::kError},
      {"http/2 preface", "HTTP/2 200\r\n\r\n", false, Event::kError},
      {"bad status code", "HTTP/1.1 2x0 OK\r\n\r\n", false, Event::kError},
      {"status below 100", "HTTP/1.1 099 Odd\r\n\r\n", false, Event::kError},
      {"header without colon", "HTTP/1.1 200 OK\r\nBroken header\r\n\r\n", false, Event::kError},
      {"space before colon", "HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx", false,
       Event::kError},
      {"folded header", "HTTP/1.1 200 OK\r\nX-A: 1\r\n  continued\r\n\r\n", false, Event::kError},
      {"bad content-length", "HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", false,
       Event::kError},
      {"negative content-length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false,
       Event::kError},
      {"conflicting content-length",
       "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", false, Event::kError},
      {"huge content-length", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
       false, Event::kError},
      {"bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false,
       Event::kError},
      {"chunk without CRLF",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX0\r\n\r\n", false,
       Event::kError},
      {"closed mid-body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", false,
       Event::kError},
      {"closed mid-headers", "HTTP/1.1 200 OK\r\nContent-Len", false, Event::kError},
      {"closed mid-chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhe", false,
       Event::kError},
  };
  return kCases;
}

TEST(Http1ResponseParser, EveryCaseWhole) {
  for (const Case& c : cases()) expect_outcome(c, parse_in_pieces(c, {}), "whole");
}

TEST(Http1ResponseParser, EveryCaseByteByByte) {
  for (const Case& c : cases()) {
    expect_outcome(c, parse_in_pieces(c, std::vector<size_t>(c.bytes.size(), 1)), "byte by byte");
  }
}

TEST(Http1ResponseParser, EveryCaseSplitInTwoAtEveryOffset) {
  for (const Case& c : cases()) {
    for (size_t split = 1; split < c.bytes.size(); ++split) {
      expect_outcome(c, parse_in_pieces(c, {split}), "split at " + std::to_string(split));
    }
  }
}

TEST(Http1ResponseParser, ReusedForConsecutiveResponses) {
  Http1ResponseParser parser;
  const std::string first = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
  const std::string second = "HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
  parser.start(false);
  EXPECT_EQ(parser.feed(first.data(), first.size()).event, Event::kComplete);
  parser.start(false);
  EXPECT_FALSE(parser.started());
  EXPECT_EQ(parser.feed(second.data(), second.size()).event, Event::kComplete);
  EXPECT_EQ(parser.status_code(), 500);
  EXPECT_EQ(parser.body_bytes(), 0u);
}

TEST(Http1ResponseParser, IdleCloseIsNotAnError) {
  Http1ResponseParser parser;
  parser.start(false);
  EXPECT_EQ(parser.finish_on_close(), Event::kNeedMore);
}

TEST(Http1ResponseParser, CountsHeaderBytesAndRejectsHugeHeaders) {
  Http1ResponseParser parser;
  const std::string ok = "HTTP/1.1 200 OK\r\nA: b\r\n\r\n";
  parser.start(true);
  ASSERT_EQ(parser.feed(ok.data(), ok.size()).event, Event::kComplete);
  EXPECT_EQ(parser.header_bytes(), ok.size());

  std::string huge = "HTTP/1.1 200 OK\r\n";
  while (huge.size() < Http1ResponseParser::kMaxHeaderBytes + 100) huge += "X-Pad: 0123456789\r\n";
  parser.start(false);
  EXPECT_EQ(parser.feed(huge.data(), huge.size()).event, Event::kError);
  EXPECT_STREQ(parser.error(), "headers too large");
}

TEST(Http1ResponseParser, RejectsAnEndlessLineWithoutBufferingIt) {
  Http1ResponseParser parser;
  parser.start(false);
  const std::string status = "HTTP/1.1 200 OK\r\nX-Long: ";
  ASSERT_EQ(parser.feed(status.data(), status.size()).event, Event::kNeedMore);
  const std::string chunk(1024, 'a');
  Event last = Event::kNeedMore;
  for (int i = 0; i < 64 && last == Event::kNeedMore; ++i) {
    last = parser.feed(chunk.data(), chunk.size()).event;
  }
  EXPECT_EQ(last, Event::kError);
}

TEST(Http1ResponseParser, LargeBodyCountedNotCopied) {
  Http1ResponseParser parser;
  parser.start(false);
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n";
  ASSERT_EQ(parser.feed(head.data(), head.size()).event, Event::kNeedMore);
  const std::string block(65536, 'z');
  uint64_t sent = 0;
  Event last = Event::kNeedMore;
  while (last == Event::kNeedMore) {
    const size_t n = std::min<uint64_t>(block.size(), 10000000 - sent);
    auto p = parser.feed(block.data(), n);
    sent += p.consumed;
    last = p.event;
  }
  EXPECT_EQ(last, Event::kComplete);
  EXPECT_EQ(parser.body_bytes(), 10000000u);
}

}  // namespace
}  // namespace perfgate::protocols
