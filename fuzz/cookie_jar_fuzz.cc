// Fuzz target for the cookie jar (src/protocols/cookie_jar.cc): each input line is a Set-Cookie
// value a server sent; the jar must never crash, never exceed its bounds, and never produce a
// Cookie header value with a control character (which would inject a header line).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocols/cookie_jar.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using perfgate::protocols::CookieJar;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr int64_t kNow = 1'800'000'000;
  CookieJar jar;
  size_t pos = 0;
  while (pos <= input.size()) {
    const size_t end = std::min(input.find('\n', pos), input.size());
    const std::string_view line = input.substr(pos, end - pos);
    jar.store(line, "www.shop.test", "/app/page", kNow);
    int64_t unix_seconds = 0;
    perfgate::protocols::parse_cookie_date(line, &unix_seconds);
    pos = end + 1;
  }
  if (jar.size() > CookieJar::kMaxCookies) std::abort();
  for (std::string_view path : {"/", "/app/page", "/other"}) {
    std::string header;
    jar.append_header_value("www.shop.test", path, pos % 2 == 0, kNow, "", header);
    for (char c : header) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) std::abort();
    }
  }
  return 0;
}
