// TokenSigner: issues and verifies the bearer tokens of `POST /login` and `/me`.
//
// A token is "<hex(username)>.<hex(HMAC-SHA256(key, username))>" with a key drawn at random
// when the signer is made (once per server process). Verification recomputes the MAC, so no
// table of issued tokens is shared between threads; tokens die with the process.
//
// Thread-safety: immutable after construction; issue() and verify() may run on any thread.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace perfgate::server {

class TokenSigner {
 public:
  static constexpr size_t kKeyBytes = 32;
  static constexpr size_t kMaxUsernameBytes = 256;

  // A signer with a fresh random key.
  TokenSigner();
  // A signer with a given key (tests).
  explicit TokenSigner(const std::array<unsigned char, kKeyBytes>& key) : key_(key) {}

  std::string issue(std::string_view username) const;

  // The username a token was issued for, or nothing when the token is not one of ours.
  std::optional<std::string> verify(std::string_view token) const;

 private:
  std::string mac_hex(std::string_view username) const;

  std::array<unsigned char, kKeyBytes> key_{};
};

}  // namespace perfgate::server
