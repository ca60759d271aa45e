#include "protocols/http1_response_parser.h"

#include <strings.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace perfgate::protocols {
namespace {

constexpr uint64_t kMaxBodyLength = uint64_t{1} << 60;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool equals_ignore_case(std::string_view a, std::string_view lower) {
  return a.size() == lower.size() && strncasecmp(a.data(), lower.data(), a.size()) == 0;
}

// Calls `fn` with each trimmed, non-empty element of a comma-separated header value.
template <typename Fn>
void for_each_token(std::string_view value, Fn fn) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    std::string_view token = trim(value.substr(0, comma));
    if (!token.empty()) fn(token);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// RFC 9110 5.6.2: tchar, as a table (a header name is checked byte by byte on every response).
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (const char c : std::string_view("!#$%&'*+-.^_`|~"))
    table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool is_token(std::string_view s) {
  for (const char c : s) {
    if (!kTokenChars[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void Http1ResponseParser::start(bool head_request) {
  state_ = State::kStatusLine;
  head_request_ = head_request;
  keep_alive_ = true;
  status_ = 0;
  remaining_ = 0;
  body_bytes_ = 0;
  header_bytes_ = 0;
  bytes_seen_ = false;
  error_ = "";
  carry_.clear();
}

void Http1ResponseParser::fail(const char* why) {
  state_ = State::kError;
  error_ = why;
  keep_alive_ = false;
}

bool Http1ResponseParser::take_line(const char* data, size_t size, size_t* pos,
                                    std::string_view* line) {
  const char* begin = data + *pos;
  const size_t available = size - *pos;
  const auto* newline = static_cast<const char*>(std::memchr(begin, '\n', available));
  const bool counts_as_header = state_ != State::kChunkSize && state_ != State::kChunkDataEnd;
  if (newline == nullptr) {
    if (carry_.size() + available > kMaxLineBytes) {
      fail("line too long");
    } else if (counts_as_header && header_bytes_ + carry_.size() + available > kMaxHeaderBytes) {
      fail("headers too large");
    } else {
      carry_.append(begin, available);
    }
    *pos = size;
    return false;
  }
  const size_t length = static_cast<size_t>(newline - begin);
  *pos += length + 1;
  if (carry_.size() + length > kMaxLineBytes) {  // same bound whether or not the line was split
    fail("line too long");
    return false;
  }
  if (counts_as_header) {
    header_bytes_ += carry_.size() + length + 1;
    if (header_bytes_ > kMaxHeaderBytes) {
      fail("headers too large");
      return false;
    }
  }
  if (carry_.empty()) {
    *line = std::string_view(begin, length);
  } else {
    carry_.append(begin, length);
    *line = carry_;
  }
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  return true;
}

Http1ResponseParser::Progress Http1ResponseParser::feed(const char* data, size_t size) {
  size_t pos = 0;
  if (size > 0 && state_ != State::kComplete && state_ != State::kError) bytes_seen_ = true;
  while (pos < size) {
    switch (state_) {
      case State::kBody:
      case State::kChunkData: {
        const uint64_t n = std::min<uint64_t>(remaining_, size - pos);
        if (sink_ != nullptr) sink_->on_body(data + pos, static_cast<size_t>(n));
        pos += n;
        remaining_ -= n;
        body_bytes_ += n;
        if (remaining_ == 0) {
          state_ = state_ == State::kBody ? State::kComplete : State::kChunkDataEnd;
        }
        break;
      }
      case State::kBodyUntilClose:
        if (sink_ != nullptr) sink_->on_body(data + pos, size - pos);
        body_bytes_ += size - pos;
        pos = size;
        break;
      case State::kComplete:
        return {pos, Event::kComplete};
      case State::kError:
        return {pos, Event::kError};
      default: {
        std::string_view line;
        if (take_line(data, size, &pos, &line)) {
          on_line(line);
          carry_.clear();
        }
        break;
      }
    }
  }
  if (state_ == State::kComplete) return {pos, Event::kComplete};
  if (state_ == State::kError) return {pos, Event::kError};
  return {pos, Event::kNeedMore};
}

Http1ResponseParser::Event Http1ResponseParser::finish_on_close() {
  switch (state_) {
    case State::kBodyUntilClose:
      state_ = State::kComplete;
      return Event::kComplete;
    case State::kComplete:
      return Event::kComplete;
    case State::kError:
      return Event::kError;
    default:
      if (!bytes_seen_) return Event::kNeedMore;
      fail("connection closed mid-response");
      return Event::kError;
  }
}

void Http1ResponseParser::on_line(std::string_view line) {
  switch (state_) {
    case State::kStatusLine:
      return on_status_line(line);
    case State::kHeaders:
      return on_header_line(line);
    case State::kChunkSize:
      return on_chunk_size_line(line);
    case State::kChunkDataEnd:
      if (!line.empty()) return fail("missing CRLF after chunk data");
      state_ = State::kChunkSize;
      return;
    case State::kTrailers:
      if (line.empty()) {
        state_ = State::kComplete;
      } else if (line.find(':') == std::string_view::npos) {
        fail("malformed trailer line");
      }
      return;
    default:
      return;
  }
}

void Http1ResponseParser::on_status_line(std::string_view line) {
  // "HTTP/1.x SSS[ reason]"
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || (line[7] != '0' && line[7] != '1') ||
      line[8] != ' ' || (line.size() > 12 && line[12] != ' ')) {
    return fail("malformed status line");
  }
  int status = 0;
  for (size_t i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') return fail("malformed status code");
    status = status * 10 + (line[i] - '0');
  }
  if (status < 100) return fail("malformed status code");
  status_ = status;
  http10_ = line[7] == '0';
  chunked_ = has_length_ = has_transfer_encoding_ = false;
  connection_close_ = connection_keep_alive_ = false;
  content_length_ = 0;
  state_ = State::kHeaders;
}

void Http1ResponseParser::on_header_line(std::string_view line) {
  if (line.empty()) return on_headers_end();
  if (line.front() == ' ' || line.front() == '\t') return fail("obsolete header line folding");
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return fail("malformed header line");
  const std::string_view name = line.substr(0, colon);
  if (!is_token(name)) {
    const bool space = name.find_first_of(" \t") != std::string_view::npos;
    return fail(space ? "space in header name" : "invalid character in header name");
  }
  const std::string_view value = trim(line.substr(colon + 1));
  if (sink_ != nullptr) sink_->on_header(name, value);
  if (equals_ignore_case(name, "content-length")) {
    uint64_t length = 0;
    if (value.empty()) return fail("malformed Content-Length");
    for (char c : value) {
      if (c < '0' || c > '9' || length > kMaxBodyLength) return fail("malformed Content-Length");
      length = length * 10 + static_cast<uint64_t>(c - '0');
    }
    if (has_length_ && length != content_length_) return fail("conflicting Content-Length");
    has_length_ = true;
    content_length_ = length;
  } else if (equals_ignore_case(name, "transfer-encoding")) {
    has_transfer_encoding_ = true;
    chunked_ = false;  // only a final "chunked" frames the body
    for_each_token(value, [&](std::string_view t) { chunked_ = equals_ignore_case(t, "chunked"); });
  } else if (equals_ignore_case(name, "connection")) {
    for_each_token(value, [&](std::string_view t) {
      if (equals_ignore_case(t, "close")) connection_close_ = true;
      if (equals_ignore_case(t, "keep-alive")) connection_keep_alive_ = true;
    });
  }
}

void Http1ResponseParser::on_headers_end() {
  if (status_ < 200 && status_ != 101) {  // interim response: the real one follows
    if (sink_ != nullptr) sink_->on_interim_end();
    state_ = State::kStatusLine;
    return;
  }
  keep_alive_ = !connection_close_ && (!http10_ || connection_keep_alive_);
  if (status_ == 101) {  // the connection now speaks another protocol; it cannot be reused
    keep_alive_ = false;
    state_ = State::kComplete;
  } else if (head_request_ || status_ == 204 || status_ == 304) {
    state_ = State::kComplete;
  } else if (has_transfer_encoding_) {
    // RFC 9112 6.3: chunked wins over Content-Length; any other coding is read until close.
    state_ = chunked_ ? State::kChunkSize : State::kBodyUntilClose;
    if (!chunked_) keep_alive_ = false;
  } else if (has_length_) {
    remaining_ = content_length_;
    state_ = remaining_ == 0 ? State::kComplete : State::kBody;
  } else {
    state_ = State::kBodyUntilClose;
    keep_alive_ = false;
  }
}

void Http1ResponseParser::on_chunk_size_line(std::string_view line) {
  uint64_t size = 0;
  size_t i = 0;
  for (; i < line.size() && hex_value(line[i]) >= 0; ++i) {
    if (size > kMaxBodyLength) return fail("chunk too large");
    size = size * 16 + static_cast<uint64_t>(hex_value(line[i]));
  }
  if (i == 0) return fail("malformed chunk size");
  const std::string_view rest = trim(line.substr(i));
  if (!rest.empty() && rest.front() != ';') return fail("malformed chunk size");
  if (size == 0) {
    state_ = State::kTrailers;
  } else {
    remaining_ = size;
    state_ = State::kChunkData;
  }
}

}  // namespace perfgate::protocols
