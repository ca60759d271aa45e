// A tiny blocking HTTP/1.1 client for the live outputs' own traffic (InfluxDB writes and
// queries): one request per connection ("Connection: close"), every step bound by one deadline.
// It is not the load generator's client and never runs on the engine's threads.
//
// Thread-safety: reentrant; each call owns its socket.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "outputs/socket_util.h"

namespace perfgate::outputs {

// The parts of an http:// URL the outputs need.
struct HttpUrl {
  std::string host;       // without brackets for IPv6 literals
  uint16_t port = 80;     //
  std::string path;       // always starts with '/'
  std::string query;      // without the '?', possibly empty
  std::string authority;  // Host header value, as written
};

// Parses "http://host[:port][/path][?query]". https:// is refused with a hint.
Result<HttpUrl> parse_http_url(std::string_view text);

// The value of one query parameter ("db" in "db=perfgate&u=x"), percent-decoded; empty if absent.
std::string query_parameter(std::string_view query, std::string_view name);

// Percent-encodes everything but unreserved characters (RFC 3986), for query values.
std::string url_encode(std::string_view text);

struct HttpReply {
  int status = 0;
  std::string head;  // status line and headers, as received
  std::string body;
};

struct HttpCall {
  std::string_view method = "GET";
  std::string_view target;  // origin-form: "/write?db=x"
  std::string_view host_header;
  std::string_view body;
  std::string_view content_type;   // sent only with a body
  std::string_view extra_headers;  // "Name: value\r\n" lines, sent as they are
  Nanos timeout = 2 * kNanosPerSecond;
  // Set from another thread to give up early (checked at least every 50 ms).
  const std::atomic<bool>* cancel = nullptr;
};

// Connects, sends, reads the whole response (to Content-Length or to the close). Errors describe
// the step that failed: "connection refused", "timed out after 2 s waiting for the response"...
Result<HttpReply> http_exchange(const net::Address& address, const HttpCall& call);

}  // namespace perfgate::outputs
