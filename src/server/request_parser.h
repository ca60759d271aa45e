// RequestParser: a hand-written HTTP/1.x request parser for the built-in target server.
//
// The parser is restartable rather than incremental: it parses from the start of the buffered
// bytes each time and reports kIncomplete until a whole request (head and body) is there, so a
// request split across reads at any byte works, and several pipelined requests in one buffer are
// taken one at a time via `consumed`. To keep slow senders from costing O(n^2), callers pass the
// offset up to which they already know there is no end of head (`scan_from`).
//
// The Request it fills points into the caller's buffer (and, for chunked bodies, into the
// parser's own body storage), so it is valid until the buffer changes or the next parse().
// Limits: head size (431), header count (431), body size (413). Anything malformed is a 400,
// an unknown transfer coding 501, an HTTP version other than 1.0/1.1 505.
//
// Thread-safety: a parser is used by one thread; use one per worker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::server {

struct Header {
  std::string_view name;
  std::string_view value;
};

struct Request {
  std::string_view method;
  std::string_view target;  // as sent: path plus optional "?query"
  std::string_view path;    // target up to '?'
  std::string_view query;   // after '?', without it; empty when absent
  int version_minor = 1;    // HTTP/1.<minor>, 0 or 1
  std::vector<Header> headers;
  std::string_view body;  // decoded (de-chunked) body
  bool keep_alive = true;
  bool chunked = false;  // the body came with Transfer-Encoding: chunked
  bool http2 = false;    // came over HTTP/2 (H2Session), not from this parser

  // The first header with this name (case-insensitive), or an empty view.
  std::string_view header(std::string_view name) const;
  bool is_head() const { return method == "HEAD"; }
};

struct ParserLimits {
  size_t max_head_bytes = 64 * 1024;
  size_t max_headers = 100;
  size_t max_body_bytes = 16 * 1024 * 1024;
};

enum class ParseStatus { kIncomplete, kComplete, kError };

struct ParseOutcome {
  ParseStatus status = ParseStatus::kIncomplete;
  size_t consumed = 0;     // bytes of the request when kComplete
  int error_status = 0;    // HTTP status to answer with when kError
  size_t scan_from = 0;    // when kIncomplete: no end of head before this offset
  std::string_view error;  // a short reason when kError (static text)
};

class RequestParser {
 public:
  explicit RequestParser(ParserLimits limits = {}) : limits_(limits) {}

  // Parses one request at the start of `input`. `scan_from` is a hint from a previous
  // kIncomplete outcome on a prefix of the same bytes (0 when unknown).
  ParseOutcome parse(std::string_view input, Request& request, size_t scan_from = 0);

  const ParserLimits& limits() const { return limits_; }

 private:
  ParseOutcome parse_head(std::string_view head, Request& request);
  ParseOutcome parse_body(std::string_view input, size_t head_size, Request& request);
  ParseOutcome parse_chunked(std::string_view input, size_t head_size, Request& request);

  ParserLimits limits_;
  std::string body_storage_;  // de-chunked bodies; reused between requests
};

// ASCII case-insensitive comparison, for header names and tokens.
bool equals_ignore_case(std::string_view a, std::string_view b);

// Whether a comma-separated header value (e.g. Connection) contains `token`, ignoring case.
bool has_token(std::string_view list, std::string_view token);

}  // namespace perfgate::server
