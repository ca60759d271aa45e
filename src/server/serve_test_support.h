// Test support for the server's integration tests: the real `perfgate serve` binary in a child
// process, and a small blocking raw-socket HTTP/1.1 client that reads responses exactly
// (Content-Length, chunked, or until close) so tests can check framing byte for byte.
//
// Thread-safety: none; one test thread uses these.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::server::testing {

// Starts `perfgate serve --listen 127.0.0.1:0 --quiet <extra_args>` and reads its base URL.
class ServeProcess {
 public:
  explicit ServeProcess(const std::string& extra_args = "--threads 2");
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  bool started() const { return port_ != 0; }
  const std::string& url() const { return url_; }
  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Sends `signal_number` and waits up to `timeout_ms`; the exit code, or -1 (killed/timeout).
  int stop(int signal_number, int timeout_ms = 5000);

 private:
  pid_t pid_ = -1;
  std::string url_;
  uint16_t port_ = 0;
};

// A connected blocking socket to 127.0.0.1:port with a receive timeout, or -1.
int connect_local(uint16_t port, int timeout_ms = 5000);
bool send_all(int fd, std::string_view data);

struct HttpResponse {
  int status = 0;
  std::string version;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;                            // de-chunked
  size_t chunks = 0;                           // data chunks when chunked

  std::string header(const std::string& lower_name) const;
};

// Reads responses one after another from a socket, keeping bytes that belong to the next one.
class ResponseReader {
 public:
  explicit ResponseReader(int fd) : fd_(fd) {}
  // The next response; nothing on timeout, malformed framing or a close before it is whole.
  // `head_request`: the request was HEAD, so there is no body whatever the headers say.
  std::optional<HttpResponse> next(bool head_request = false);
  // True when the peer closes the connection (reads EOF) with no further bytes.
  bool peer_closed();

 private:
  bool fill();  // reads more into buffer_; false on EOF, error or timeout
  bool read_line(std::string& line);
  bool read_exact(size_t n, std::string& out);
  bool read_chunked(HttpResponse& response);

  int fd_;
  std::string buffer_;
};

// Opens a connection, sends `request`, reads one response and closes.
std::optional<HttpResponse> exchange(uint16_t port, std::string_view request,
                                     bool head_request = false);

// "GET <target> HTTP/1.1" with a Host header and any `extra_headers` ("Name: value\r\n"...).
std::string get_request(std::string_view target, std::string_view extra_headers = {},
                        std::string_view method = "GET");

}  // namespace perfgate::server::testing
