// JSON nesting depth by a character scan, without parsing: how deep `[` and `{` go outside
// strings. Readers of outside JSON refuse documents deeper than they need before parsing them,
// because printing or walking a parsed value (nlohmann's dump()) recurses once per level and a
// file of a million `[` would overflow the stack.
//
// Thread-safety: a pure function.
#pragma once

#include <cstddef>
#include <string_view>

namespace perfgate {

// Results, summaries and data files nest a few levels; 256 leaves room for any honest file.
constexpr size_t kMaxJsonNesting = 256;

// Whether `text` opens more than `limit` arrays/objects inside each other (strings, with their
// escapes, are skipped). Stops scanning at the first level past the limit.
bool json_nesting_exceeds(std::string_view text, size_t limit = kMaxJsonNesting);

}  // namespace perfgate
