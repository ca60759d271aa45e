// What may appear in a request's target and header fields, for every protocol session: one
// place decides what a header injection is and how names compare.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

namespace perfgate::protocols {

// True when `text` holds CR, LF or NUL: as a target, header name or value it would end the field
// early (HTTP/1.1) or is refused by the peer (HTTP/2), so such a request is never sent. One pass
// over the bytes (find_first_of with a 3-byte set calls memchr once per byte: a few per cent of a
// gRPC call in a profile).
inline bool has_line_break(std::string_view text) {
  for (const char c : text) {
    if (c == '\r' || c == '\n' || c == '\0') return true;
  }
  return false;
}

// ASCII case-insensitive equality of a header name with a name already in lower case.
inline bool same_name(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace perfgate::protocols
