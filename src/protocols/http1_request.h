// HTTP/1.1 request writer: turns a request description into the exact bytes sent on the wire,
// once, before a run. Workers then write the same immutable bytes for every request, so the hot
// path does no formatting and no allocation.
//
// Thread-safety: pure function; the returned bytes are immutable and shared read-only.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "protocols/session.h"

namespace perfgate::protocols {

struct HttpRequestSpec {
  std::string method = "GET";
  std::string target = "/";  // origin-form: "/path?query"
  std::string host;          // Host header value, unless `headers` carries its own Host
  std::vector<std::pair<std::string, std::string>> headers;  // in order, as given
  std::string body;
  std::string user_agent = "perfgate";  // sent unless `headers` has a User-Agent; "" = none
};

// Serialises `spec` as an HTTP/1.1 request:
//   <METHOD> <target> HTTP/1.1\r\n Host, User-Agent (unless given), the caller's headers,
//   Content-Length (when there is a body, or for POST/PUT/PATCH), \r\n, body.
// Rejects a method or header name that is not an HTTP token, CR/LF/NUL in values or the target
// (header injection), and a caller-supplied Content-Length or Transfer-Encoding (the writer
// computes the framing itself, so it always matches the body).
Result<std::string> write_http1_request(const HttpRequestSpec& spec);

// Appends `request` as HTTP/1.1 bytes to `out` — the one request writer: write_http1_request
// uses it before a run, Http1Session for every rendered request. Same framing rules as above.
// Returns false (and leaves `out` partly written) when a header value or the target holds CR,
// LF or NUL, which would inject lines into the request.
bool append_http1_request(const OutgoingRequest& request, std::string& out);

// True when a response to `method` never has a body (HEAD), which the parser must know.
bool is_head_method(const std::string& method);

}  // namespace perfgate::protocols
