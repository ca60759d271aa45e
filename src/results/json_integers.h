// Integer fields of a results file read without undefined behaviour. nlohmann's get<int64_t>()
// of a JSON float casts it, and a cast of a float beyond the integer's range (1e67 as a count,
// found by results_reader_fuzz) is undefined. A field that should be an integer may be written
// as a float by another tool or a hand edit: an integral float in range is accepted, anything
// else is malformed (std::out_of_range, which the reader turns into an Error naming the field).
//
// Thread-safety: pure functions.
#pragma once

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace perfgate::results {

// `v` as an Int. Throws std::out_of_range for a number that is not an integer in Int's range,
// nlohmann's type_error for a value that is not a number (as get<Int>() does).
template <typename Int>
Int json_integer(const nlohmann::json& v, std::string_view what = "a number") {
  using Limits = std::numeric_limits<Int>;
  bool fits = true;
  if (v.is_number_float()) {
    const double d = v.get<double>();
    const double above = std::ldexp(1.0, Limits::digits);   // max() + 1, exact as a double
    const double below = Limits::is_signed ? -above : 0.0;  // lowest(), exact
    fits = d >= below && d < above && d == std::trunc(d);
    if (fits) return static_cast<Int>(d);
  } else if (v.is_number_unsigned()) {
    fits = std::in_range<Int>(v.get<uint64_t>());
  } else if (v.is_number_integer()) {
    fits = std::in_range<Int>(v.get<int64_t>());
  }
  if (!fits) {
    throw std::out_of_range(std::string(what) + " must be an integer in range, not " + v.dump());
  }
  return v.get<Int>();
}

// Member `key` of object `j` as an Int, or `fallback` when `j` has no such member (a `j` that is
// not an object throws nlohmann's type_error, as json::value() does).
template <typename Int>
Int json_integer_at(const nlohmann::json& j, const char* key, Int fallback) {
  if (!j.is_object()) return j.value(key, fallback);  // throws: the message names the type
  auto it = j.find(key);
  return it == j.end() ? fallback : json_integer<Int>(*it, key);
}

}  // namespace perfgate::results
