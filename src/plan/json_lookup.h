// JSON lookup by streaming: the value at a JSON pointer (RFC 6901) in a JSON text, found with
// nlohmann's SAX parser instead of a DOM. Only the addressed value is built, so a 100 MB body
// costs O(that value + nesting depth + the longest string token) extra memory, not the ~5x of the
// body that a DOM takes. The whole text is still parsed: a body that is not valid JSON (or is
// nested deeper than kMaxJsonDepth) has no values at all, as with a DOM.
//
// Thread-safety: a pure function.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace perfgate::plan {

// Deeper documents are treated as not JSON: it bounds the parser's bookkeeping and keeps
// printing a found value (recursive in nlohmann) far from the stack's end.
constexpr size_t kMaxJsonDepth = 512;

// The value at `pointer` ("" is the whole document, "/a/0/b" a member of an element) in `text`,
// or nullopt when `text` is not valid JSON or has nothing there. With duplicate keys the last
// one wins, as in nlohmann's DOM. REQUIRES: `pointer` is a valid JSON pointer.
std::optional<nlohmann::json> json_lookup(std::string_view text, std::string_view pointer);

}  // namespace perfgate::plan
