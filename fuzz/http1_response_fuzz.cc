// Fuzz target for the HTTP/1.1 response parser (src/protocols/http1_response_parser.h).
//
// Input: byte 0 chooses the request kind (bit 0: HEAD) and a piece size (1..32); the rest is
// what a server sent. The target parses it whole and again in pieces of that size and aborts
// when the two disagree (event, status, body bytes, keep-alive, bytes consumed) or when the
// parser consumes more than it was given. So besides crashes and sanitizer reports, the fuzzer
// finds any byte boundary at which the incremental parser behaves differently.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "protocols/http1_response_parser.h"

namespace {

using perfgate::protocols::Http1ResponseParser;

struct Outcome {
  Http1ResponseParser::Event event = Http1ResponseParser::Event::kNeedMore;
  size_t consumed = 0;
  int status = 0;
  uint64_t body = 0;
  bool keep_alive = false;
};

Outcome parse(const char* data, size_t size, bool head, size_t piece) {
  Http1ResponseParser parser;
  parser.start(head);
  Outcome out;
  for (size_t offset = 0; offset < size;) {
    const size_t n = piece < size - offset ? piece : size - offset;
    const auto progress = parser.feed(data + offset, n);
    if (progress.consumed > n) std::abort();
    out.consumed += progress.consumed;
    offset += n;
    out.event = progress.event;
    if (progress.event != Http1ResponseParser::Event::kNeedMore) break;
  }
  if (out.event == Http1ResponseParser::Event::kNeedMore) out.event = parser.finish_on_close();
  out.status = parser.status_code();
  out.body = parser.body_bytes();
  out.keep_alive = parser.keep_alive();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool head = (data[0] & 1) != 0;
  const size_t piece = 1 + (data[0] >> 1) % 32;
  const char* bytes = reinterpret_cast<const char*>(data + 1);
  const Outcome whole = parse(bytes, size - 1, head, size);
  const Outcome split = parse(bytes, size - 1, head, piece);
  if (whole.event != split.event) std::abort();
  if (whole.event == Http1ResponseParser::Event::kComplete &&
      (whole.status != split.status || whole.body != split.body ||
       whole.keep_alive != split.keep_alive || whole.consumed != split.consumed)) {
    std::abort();
  }
  return 0;
}
