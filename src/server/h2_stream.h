// H2Stream: one HTTP/2 request stream of H2Session: the request as it arrives, then the answer
// being sent. Internal to H2Session, which owns it from the stream's first HEADERS until
// nghttp2 closes the stream.
//
// Thread-safety: owned by one session, on its worker's thread.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace perfgate::server {

struct H2Stream {
  int32_t id = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // pseudo-headers included
  size_t header_bytes = 0;                                   // as counted against the limit
  std::string body;
  bool answered = false;  // routed: a response was submitted or waits for its delay
  int status = 200;
  std::vector<std::pair<std::string, std::string>> response_headers;  // lower-case names
  std::string text;  // a text body, sent from text_pos on
  size_t text_pos = 0;
  uint64_t generated_offset = 0;  // a generated body, produced as flow control lets it out
  uint64_t generated_left = 0;
};

}  // namespace perfgate::server
