// HttpClient: the live outputs' own HTTP client (InfluxDB writes and queries, Prometheus remote
// write), over libcurl: http:// and https:// (certificates verified against the system CA store
// unless told otherwise), keep-alive (a client keeps its connection, and its TLS session, from
// one call to the next), basic and token authentication. It is not the load generator's client
// and never runs on the engine's threads; it sends a few requests a second.
//
// Every call is bounded by its timeout and can be cancelled from another thread (checked at least
// every 50 ms). Errors describe what failed: "connect: Connection refused", "timed out after 2 s".
//
// Thread-safety: an HttpClient is used by one thread at a time; distinct clients are independent.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "protocols/url.h"

namespace perfgate::outputs {

// An output's endpoint: the URL as protocols::parse_http_url reads it (the one URL parser), with
// its request target split into path and query.
struct EndpointUrl {
  protocols::HttpUrl url;
  std::string path;   // always starts with '/'
  std::string query;  // without the '?', possibly empty

  // "scheme://authority" + path, plus "?" + query when there is one.
  std::string with(std::string_view path, std::string_view query) const;
};

Result<EndpointUrl> parse_endpoint_url(std::string_view text);

// The value of one query parameter ("db" in "db=perfgate&u=x"), percent-decoded; empty if absent.
std::string query_parameter(std::string_view query, std::string_view name);

// Percent-encodes everything but unreserved characters (RFC 3986), for query values.
std::string url_encode(std::string_view text);

struct HttpReply {
  int status = 0;
  std::string head;  // status line and headers, as received (of the last response)
  std::string body;
};

struct HttpCall {
  std::string_view method = "GET";
  std::string url;  // absolute http:// or https:// URL
  std::string_view body;
  std::string_view content_type;     // sent only with a body
  std::vector<std::string> headers;  // "Name: value", sent as they are
  Nanos timeout = 2 * kNanosPerSecond;
  // Set from another thread to give up early (checked at least every 50 ms).
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpClientOptions {
  bool insecure_skip_tls_verify = false;  // accept any certificate (k6's K6_INFLUXDB_INSECURE)
  std::string ca_file;                    // PEM CA bundle instead of the system store
  std::string username;                   // HTTP basic authentication when not empty
  std::string password;
  std::string token;  // "Authorization: Token <token>" (InfluxDB 1.8+ and 2.x) when not empty
  size_t max_reply_bytes = 16 << 20;  // a longer reply is an error
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends the request and reads the whole response, on the kept-alive connection when the
  // previous call left one to the same host.
  Result<HttpReply> exchange(const HttpCall& call);

  // Connections opened so far (1 after any number of calls to one server that kept it alive).
  int64_t connections_opened() const { return connections_opened_; }

 private:
  struct Handles;
  HttpClientOptions options_;
  std::unique_ptr<Handles> handles_;
  int64_t connections_opened_ = 0;  // libcurl easy and multi handles
};

// One call on a client of its own (a fresh connection): start-up checks and tests.
Result<HttpReply> http_exchange(const HttpCall& call, const HttpClientOptions& options = {});

}  // namespace perfgate::outputs
