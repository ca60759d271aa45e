// Result<T>: a value or an Error, shaped like C++23 std::expected so that the later switch is a
// rename. Used at module boundaries; per-request failures are data, never exceptions.
//
// Thread-safety: a plain value type.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace perfgate {

// An error message meant for a person: what went wrong, where, and (optionally) a hint.
struct Error {
  std::string message;
  std::string hint;  // empty when there is nothing useful to suggest

  // "message (hint: ...)" or just "message".
  std::string describe() const {
    return hint.empty() ? message : message + " (hint: " + hint + ")";
  }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit like std::expected
  Result(Error error) : state_(std::move(error)) {}  // NOLINT

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

inline Error make_error(std::string message, std::string hint = {}) {
  return Error{std::move(message), std::move(hint)};
}

}  // namespace perfgate
