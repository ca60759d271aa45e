#include "server/router.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>

namespace perfgate::server {
namespace {

using nlohmann::json;

constexpr std::string_view kJsonType = "application/json";

// The decimal number after `prefix` in `path` when the whole rest is digits.
std::optional<uint64_t> number_after(std::string_view path, std::string_view prefix) {
  if (path.substr(0, prefix.size()) != prefix) return std::nullopt;
  const std::string_view digits = path.substr(prefix.size());
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return value;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Bodies can hold any bytes; JSON output replaces invalid UTF-8 instead of throwing.
std::string dump(const json& document) {
  return document.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

void json_error(Response& response, int status, std::string_view message) {
  response.set_text(status, kJsonType, dump(json{{"error", message}}));
}

void bad_request(Response& response, std::string_view message) {
  response.set_text(400, "text/plain", std::string(message) + "\n");
}

std::string build_sample_json() {
  static constexpr const char* kNames[] = {"keyboard", "mouse", "monitor", "cable", "laptop"};
  json items = json::array();
  for (int i = 0; i < 25; ++i) {
    items.push_back({{"id", i + 1},
                     {"name", std::string(kNames[i % 5]) + " " + std::to_string(i + 1)},
                     {"price", 9.99 + i * 3.5},
                     {"in_stock", i % 3 != 0},
                     {"tags", {"sample", kNames[(i + 2) % 5]}}});
  }
  return dump(json{{"service", "perfgate"}, {"version", 1}, {"items", items}});
}

void bytes_route(uint64_t n, bool chunked, Response& response) {
  response.content_type = "application/octet-stream";
  response.body_kind = chunked ? Response::Body::kGeneratedChunked : Response::Body::kGenerated;
  response.generated_bytes = n;
}

// /redirect/n answers 302 to /redirect/n-1, and /redirect/0 answers 200: n hops in all.
void redirect_route(uint64_t n, Response& response) {
  if (n == 0) {
    response.owned_body = "redirects done\n";
    return;
  }
  response.status = 302;
  response.extra_headers = "Location: /redirect/" + std::to_string(n - 1) + "\r\n";
  response.owned_body = "302 Found\n";
}

void status_route(uint64_t code, Response& response) {
  if (code < 200 || code > 599) return bad_request(response, "status must be 200..599");
  response.status = static_cast<int>(code);
  if (status_has_body(response.status)) {
    response.owned_body = std::to_string(code) + " " + std::string(reason_phrase(response.status));
    response.owned_body += "\n";
  }
}

}  // namespace

size_t chunk_size_for(uint64_t total_bytes) {
  return static_cast<size_t>(std::clamp<uint64_t>((total_bytes + 3) / 4, 1, 16 * 1024));
}

Router::Router(const TokenSigner& signer) : signer_(signer), sample_json_(build_sample_json()) {}

void Router::route(const Request& request, Response& response) const {
  const std::string_view path = request.path;
  if (path == "/") {
    response.static_body = kHelloBody;
  } else if (path == "/json") {
    response.content_type = kJsonType;
    response.static_body = sample_json_;
  } else if (path == "/echo") {
    echo(request, response);
  } else if (path == "/login") {
    login(request, response);
  } else if (path == "/me") {
    me(request, response);
  } else if (starts_with(path, "/bytes/") || starts_with(path, "/chunked/")) {
    const bool chunked = path[1] == 'c';
    const auto n = number_after(path, chunked ? "/chunked/" : "/bytes/");
    if (!n || *n > kMaxGeneratedBytes) return bad_request(response, "size must be 0..67108864");
    bytes_route(*n, chunked, response);
  } else if (starts_with(path, "/delay/")) {
    const auto ms = number_after(path, "/delay/");
    if (!ms || *ms > static_cast<uint64_t>(kMaxDelayMs)) {
      return bad_request(response, "delay must be 0..60000 ms");
    }
    response.delay_ms = static_cast<int64_t>(*ms);
    response.owned_body = "delayed " + std::to_string(*ms) + " ms\n";
  } else if (starts_with(path, "/redirect/")) {
    const auto n = number_after(path, "/redirect/");
    if (!n || *n > 100) return bad_request(response, "redirects must be 0..100");
    redirect_route(*n, response);
  } else if (starts_with(path, "/status/")) {
    const auto code = number_after(path, "/status/");
    if (!code) return bad_request(response, "status must be 200..599");
    status_route(*code, response);
  } else {
    response.set_text(404, "text/plain", "not found\n");
  }
}

void Router::echo(const Request& request, Response& response) const {
  json headers = json::object();
  for (const Header& h : request.headers) {
    const std::string name(h.name);
    const std::string value(h.value);
    // Repeated fields are combined with ", " as RFC 9110 5.3 allows.
    headers[name] =
        headers.contains(name) ? headers[name].get<std::string>() + ", " + value : value;
  }
  const json document = {{"method", request.method},
                         {"path", request.path},
                         {"query", request.query},
                         {"version", request.http2                ? "HTTP/2"
                                     : request.version_minor == 0 ? "HTTP/1.0"
                                                                  : "HTTP/1.1"},
                         {"headers", headers},
                         {"body", request.body}};
  response.set_text(200, kJsonType, dump(document));
}

void Router::login(const Request& request, Response& response) const {
  if (request.method != "POST") {
    response.extra_headers = "Allow: POST\r\n";
    return json_error(response, 405, "use POST with {\"username\":..,\"password\":..}");
  }
  const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("username") || !body.contains("password") ||
      !body["username"].is_string() || !body["password"].is_string()) {
    return json_error(response, 400, "expected {\"username\": string, \"password\": string}");
  }
  const auto& username = body["username"].get_ref<const std::string&>();
  if (username.empty() || username.size() > TokenSigner::kMaxUsernameBytes) {
    return json_error(response, 400, "username must be 1..256 bytes");
  }
  if (body["password"].get_ref<const std::string&>() != kLoginPassword) {
    return json_error(response, 401, "wrong password");
  }
  const std::string token = signer_.issue(username);
  // The same token as a session cookie, so cookie-based flows can be tested too.
  response.extra_headers = "Set-Cookie: session=" + token + "; Path=/; HttpOnly\r\n";
  response.set_text(200, kJsonType, dump(json{{"token", token}}));
}

namespace {

// The `session` cookie's value in a Cookie header ("a=1; session=x; b=2"), or empty.
std::string_view session_cookie(std::string_view cookie_header) {
  size_t pos = 0;
  while (pos < cookie_header.size()) {
    const size_t end = std::min(cookie_header.find(';', pos), cookie_header.size());
    std::string_view pair = cookie_header.substr(pos, end - pos);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.substr(0, 8) == "session=") return pair.substr(8);
    pos = end + 1;
  }
  return {};
}

}  // namespace

void Router::me(const Request& request, Response& response) const {
  const std::string_view authorization = request.header("Authorization");
  std::optional<std::string> user;
  if (authorization.size() > 7 && equals_ignore_case(authorization.substr(0, 7), "Bearer ")) {
    user = signer_.verify(authorization.substr(7));
  } else if (const std::string_view session = session_cookie(request.header("Cookie"));
             !session.empty()) {
    user = signer_.verify(session);
  }
  if (!user) {
    response.extra_headers = "WWW-Authenticate: Bearer\r\n";
    return json_error(response, 401, "missing or invalid bearer token or session cookie");
  }
  response.set_text(200, kJsonType, dump(json{{"username", *user}}));
}

}  // namespace perfgate::server
