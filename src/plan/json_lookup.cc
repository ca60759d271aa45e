#include "plan/json_lookup.h"

#include <charconv>
#include <vector>

namespace perfgate::plan {
namespace {

using nlohmann::json;

// RFC 6901 reference tokens of `pointer`, unescaped (~1 is '/', ~0 is '~').
std::vector<std::string> tokens_of(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  size_t start = 1;  // pointer[0] == '/'
  while (true) {
    const size_t slash = pointer.find('/', start);
    std::string_view raw = pointer.substr(start, slash - start);
    std::string token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size()) {
        token += raw[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        token += raw[i];
      }
    }
    tokens.push_back(std::move(token));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return tokens;
}

// An array index token ("0", "17"; no sign, no leading zero) as a number, else nullopt.
std::optional<size_t> index_of(const std::string& token) {
  if (token.empty() || (token.size() > 1 && token[0] == '0')) return std::nullopt;
  size_t index = 0;
  const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
  if (ec != std::errc() || ptr != token.data() + token.size()) return std::nullopt;
  return index;
}

// Builds one JSON value from SAX events (the captured value).
class ValueBuilder {
 public:
  // Adds a scalar or an opened container; true when the captured value is complete.
  bool add(json value) {
    const bool container = value.is_object() || value.is_array();
    json* slot = nullptr;
    if (open_.empty()) {
      root_ = std::move(value);
      slot = &root_;
    } else if (open_.back()->is_object()) {
      slot = &(*open_.back())[key_];
      *slot = std::move(value);
    } else {
      open_.back()->push_back(std::move(value));
      slot = &open_.back()->back();
    }
    if (container) open_.push_back(slot);
    return open_.empty();
  }
  void key(std::string key) { key_ = std::move(key); }
  // Closes the innermost container; true when the captured value is complete.
  bool close() {
    open_.pop_back();
    return open_.empty();
  }
  bool building() const { return !open_.empty(); }
  json take() { return std::move(root_); }

 private:
  json root_;
  std::vector<json*> open_;  // containers being filled, outermost first
  std::string key_;
};

// SAX handler: follows the path to the current value and captures the value at the pointer.
class PointerSax {
 public:
  explicit PointerSax(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {
    for (const std::string& t : tokens_) indices_.push_back(index_of(t));
  }

  bool null() { return scalar(nullptr); }
  bool boolean(bool v) { return scalar(v); }
  bool number_integer(json::number_integer_t v) { return scalar(v); }
  bool number_unsigned(json::number_unsigned_t v) { return scalar(v); }
  bool number_float(json::number_float_t v, const json::string_t&) { return scalar(v); }
  bool string(json::string_t& v) { return scalar(v); }
  bool binary(json::binary_t&) { return false; }  // not produced by the JSON parser
  bool start_object(size_t) { return open(false); }
  bool start_array(size_t) { return open(true); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(json::string_t& k) {
    if (builder_.building()) {
      builder_.key(k);
    } else {
      Frame& f = frames_.back();
      f.child_on_path =
          f.on_path && frames_.size() <= tokens_.size() && k == tokens_[frames_.size() - 1];
      // A repeated key on the path replaces the member it repeats, as in the DOM: whatever was
      // found under the earlier one is gone.
      if (f.child_on_path) found_ = false;
    }
    return true;
  }
  bool parse_error(size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

  std::optional<json> result() {
    if (!found_) return std::nullopt;
    return std::move(found_value_);
  }

 private:
  struct Frame {
    bool array = false;
    bool on_path = false;        // this container is at tokens_[0, depth)
    bool child_on_path = false;  // objects: the current member's key is the next token
    size_t next_index = 0;       // arrays: index of the next element
  };

  // Whether the value starting now sits on the pointer's path (and is its target when the path
  // is complete).
  bool value_on_path() {
    if (frames_.empty()) return true;
    Frame& f = frames_.back();
    const size_t depth = frames_.size();  // the value's token is tokens_[depth - 1]
    if (!f.array) return f.child_on_path;
    const size_t index = f.next_index++;
    return f.on_path && depth <= tokens_.size() && indices_[depth - 1] == index;
  }

  // A json is made only for a value that is kept: skipped values allocate nothing.
  template <typename T>
  bool scalar(const T& value) {
    if (builder_.building()) return builder_.add(json(value)) ? finish() : true;
    if (value_on_path() && frames_.size() == tokens_.size()) {
      builder_.add(json(value));
      return finish();
    }
    return true;
  }

  bool open(bool array) {
    if (frames_.size() >= kMaxJsonDepth) return false;
    const auto container = [array] { return array ? json::array() : json::object(); };
    if (builder_.building()) {
      builder_.add(container());
      frames_.push_back(Frame{array});
      return true;
    }
    const bool on_path = value_on_path();
    if (on_path && frames_.size() == tokens_.size()) builder_.add(container());
    frames_.push_back(Frame{array, on_path});
    return true;
  }

  bool close() {
    frames_.pop_back();
    if (builder_.building() && builder_.close()) return finish();
    return true;
  }

  bool finish() {
    found_value_ = builder_.take();
    found_ = true;  // a later duplicate key replaces it, as in the DOM
    return true;
  }

  std::vector<std::string> tokens_;
  std::vector<std::optional<size_t>> indices_;  // tokens_ read as array indices
  std::vector<Frame> frames_;                   // the open containers, outermost first
  ValueBuilder builder_;
  json found_value_;
  bool found_ = false;
};

}  // namespace

std::optional<json> json_lookup(std::string_view text, std::string_view pointer) {
  PointerSax sax(tokens_of(pointer));
  if (!json::sax_parse(text.begin(), text.end(), &sax)) return std::nullopt;
  return sax.result();
}

}  // namespace perfgate::plan
