#include "server/token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>

namespace perfgate::server {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

std::string to_hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(kHexDigits[c >> 4]);
    out.push_back(kHexDigits[c & 15]);
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper case is never issued, so it is never accepted either
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int high = hex_value(hex[i]);
    const int low = hex_value(hex[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
  }
  return out;
}

}  // namespace

TokenSigner::TokenSigner() {
  // Without a key every token would be forgeable; failing to get randomness is fatal.
  if (RAND_bytes(key_.data(), static_cast<int>(key_.size())) != 1) std::abort();
}

std::string TokenSigner::mac_hex(std::string_view username) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(username.data()), username.size(), mac, &length);
  return to_hex(std::string_view(reinterpret_cast<const char*>(mac), length));
}

std::string TokenSigner::issue(std::string_view username) const {
  return to_hex(username) + "." + mac_hex(username);
}

std::optional<std::string> TokenSigner::verify(std::string_view token) const {
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 2 * kMaxUsernameBytes) return std::nullopt;
  std::optional<std::string> username = from_hex(token.substr(0, dot));
  if (!username) return std::nullopt;
  const std::string expected = mac_hex(*username);
  const std::string_view given = token.substr(dot + 1);
  // Constant-time comparison, so response timing does not leak how much of a MAC was right.
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return std::nullopt;
  }
  return username;
}

}  // namespace perfgate::server
