// The chunked request body half of RequestParser (RFC 9112 section 7.1).
//
// A body is scanned twice: once without copying, to learn whether it is complete (cheap to
// repeat while a large body trickles in, since it only touches chunk-size lines), and once more,
// copying the chunk data, when it is.
//
// perfgate's other chunked decoder, the client's (protocols/http1_response_parser.h), differs on
// purpose: it is incremental (state kept across reads) and only counts body bytes, never copying
// them; this one restarts from the buffer's start and hands handlers the decoded body.
#include <charconv>

#include "server/request_parser.h"

namespace perfgate::server {
namespace {

constexpr size_t kMaxChunkLine = 1024;  // chunk size plus extensions, or one trailer line

struct Scan {
  ParseStatus status = ParseStatus::kIncomplete;
  size_t end = 0;  // offset just past the body when kComplete
  int error_status = 0;
  std::string_view error;
};

Scan scan_error(int status, std::string_view reason) {
  return Scan{ParseStatus::kError, 0, status, reason};
}

// Finds the CRLF ending a line that starts at `pos`; npos while incomplete, or `error` set.
size_t line_end(std::string_view input, size_t pos, bool& too_long) {
  const size_t end = input.find("\r\n", pos);
  const size_t length = (end == std::string_view::npos ? input.size() : end) - pos;
  too_long = length > kMaxChunkLine;
  return end;
}

// "1a;name=value": the hex size, then nothing or extensions (ignored).
bool parse_chunk_size(std::string_view line, size_t& size) {
  size_t digits = 0;
  while (digits < line.size() && std::isxdigit(static_cast<unsigned char>(line[digits]))) ++digits;
  if (digits == 0 || digits > 15) return false;  // 15 hex digits cannot overflow size_t
  std::from_chars(line.data(), line.data() + digits, size, 16);
  std::string_view rest = line.substr(digits);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  if (!rest.empty() && rest.front() != ';') return false;
  for (char ch : rest) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

// Trailer fields after the last chunk: header lines until an empty line. Ignored.
Scan scan_trailers(std::string_view input, size_t pos, size_t max_bytes) {
  const size_t start = pos;
  for (;;) {
    bool too_long = false;
    const size_t end = line_end(input, pos, too_long);
    if (too_long || pos - start > max_bytes) return scan_error(431, "trailer section too large");
    if (end == std::string_view::npos) return Scan{};
    if (end == pos) return Scan{ParseStatus::kComplete, end + 2};
    if (input.substr(pos, end - pos).find(':') == std::string_view::npos) {
      return scan_error(400, "malformed trailer field");
    }
    pos = end + 2;
  }
}

// Walks the chunks from `pos`; appends their data to `sink` when it is not null.
Scan scan_chunks(std::string_view input, size_t pos, const ParserLimits& limits,
                 std::string* sink) {
  size_t total = 0;
  for (;;) {
    bool too_long = false;
    const size_t end = line_end(input, pos, too_long);
    if (too_long) return scan_error(400, "chunk size line too long");
    if (end == std::string_view::npos) return Scan{};
    size_t size = 0;
    if (!parse_chunk_size(input.substr(pos, end - pos), size)) {
      return scan_error(400, "malformed chunk size");
    }
    if (size > limits.max_body_bytes - total) return scan_error(413, "request body too large");
    pos = end + 2;
    if (size == 0) return scan_trailers(input, pos, limits.max_head_bytes);
    if (input.size() - pos < size + 2) return Scan{};
    if (input.substr(pos + size, 2) != "\r\n") return scan_error(400, "chunk data without CRLF");
    if (sink != nullptr) sink->append(input.data() + pos, size);
    total += size;
    pos += size + 2;
  }
}

}  // namespace

ParseOutcome RequestParser::parse_chunked(std::string_view input, size_t head_size,
                                          Request& request) {
  ParseOutcome out;
  const Scan scan = scan_chunks(input, head_size, limits_, nullptr);
  if (scan.status == ParseStatus::kError) {
    out.status = ParseStatus::kError;
    out.error_status = scan.error_status;
    out.error = scan.error;
    return out;
  }
  if (scan.status == ParseStatus::kIncomplete) return out;
  body_storage_.clear();
  (void)scan_chunks(input, head_size, limits_, &body_storage_);
  request.body = body_storage_;
  request.chunked = true;
  out.status = ParseStatus::kComplete;
  out.consumed = scan.end;
  return out;
}

}  // namespace perfgate::server
