// Fuzz target for the server's HTTP/1.x request parser (src/server/request_parser.h).
//
// Beyond "does not crash" (run it under ASan/UBSan), it checks the parser's contract:
//   1. pipelined parsing always makes progress and never claims bytes it was not given;
//   2. every view in a parsed request points into the input (or the decoded chunked body);
//   3. a complete request does not depend on the bytes after it, and the byte before its end
//      leaves it incomplete (so a connection never answers a request too early);
//   4. parsing with the scan hint from an incomplete prefix gives the same result as without.
// Built as a libFuzzer target with PERFGATE_BUILD_FUZZ=ON (clang), and replayed over
// fuzz/corpus/http1_request/ by server_fuzz_replay_test in the normal build.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/request_parser.h"

namespace {

using perfgate::server::ParseOutcome;
using perfgate::server::ParseStatus;
using perfgate::server::Request;
using perfgate::server::RequestParser;

void check(bool condition) {
  if (!condition) std::abort();
}

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void check_views(const Request& r, std::string_view input) {
  for (std::string_view v : {r.method, r.target, r.query}) check(inside(v, input));
  check(r.path == "/" || inside(r.path, input));
  for (const auto& h : r.headers) check(inside(h.name, input) && inside(h.value, input));
  if (!r.chunked) check(inside(r.body, input));
}

bool same(const ParseOutcome& a, const ParseOutcome& b) {
  return a.status == b.status && a.consumed == b.consumed && a.error_status == b.error_status;
}

void check_first_request(std::string_view input, const ParseOutcome& whole) {
  RequestParser parser;
  Request request;
  if (whole.status == ParseStatus::kComplete) {
    check(same(parser.parse(input.substr(0, whole.consumed), request), whole));
    check(parser.parse(input.substr(0, whole.consumed - 1), request).status ==
          ParseStatus::kIncomplete);
  }
  const ParseOutcome half = parser.parse(input.substr(0, input.size() / 2), request);
  if (half.status == ParseStatus::kIncomplete) {
    check(same(parser.parse(input, request, half.scan_from), whole));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string copy(reinterpret_cast<const char*>(data), size);
  const std::string_view input = copy;
  perfgate::server::ParserLimits limits;
  limits.max_head_bytes = 4096;  // small limits so the fuzzer reaches them
  limits.max_body_bytes = 4096;
  RequestParser parser(limits);
  Request request;
  std::string_view rest = input;
  bool first = true;
  while (!rest.empty()) {
    const ParseOutcome out = parser.parse(rest, request);
    if (first) {
      RequestParser fresh(limits);
      Request fresh_request;
      check(same(fresh.parse(rest, fresh_request), out));
      if (out.status == ParseStatus::kComplete) check_views(request, rest);
      first = false;
    }
    if (out.status != ParseStatus::kComplete) {
      check(out.status == ParseStatus::kIncomplete || out.error_status >= 400);
      break;
    }
    check(out.consumed > 0 && out.consumed <= rest.size());
    rest.remove_prefix(out.consumed);
  }
  check_first_request(input, RequestParser().parse(input, request));
  return 0;
}
