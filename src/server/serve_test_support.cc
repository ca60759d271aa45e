#include "server/serve_test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <sstream>
#include <thread>

namespace perfgate::server::testing {
namespace {

// Reads the first line the child prints, within a deadline.
std::string read_first_line(int fd, int timeout_ms) {
  std::string line;
  char c;
  while (line.find('\n') == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0 || read(fd, &c, 1) != 1) break;
    line.push_back(c);
  }
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

ServeProcess::ServeProcess(const std::string& extra_args) {
  int out[2];
  if (pipe(out) != 0) return;
  const std::string command =
      std::string("exec ") + PERFGATE_BINARY + " serve --listen 127.0.0.1:0 --quiet " + extra_args;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  url_ = read_first_line(out[0], 10000);
  close(out[0]);  // the server writes nothing else to stdout
  for (const std::string prefix : {"http://127.0.0.1:", "https://127.0.0.1:"}) {
    if (url_.rfind(prefix, 0) == 0)
      port_ = static_cast<uint16_t>(std::stoi(url_.substr(prefix.size())));
  }
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0) stop(SIGKILL);
}

int ServeProcess::stop(int signal_number, int timeout_ms) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal_number);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      pid_ = -1;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int connect_local(uint16_t port, int timeout_ms) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

bool ResponseReader::fill() {
  char chunk[16384];
  const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

bool ResponseReader::read_line(std::string& line) {
  size_t end;
  while ((end = buffer_.find("\r\n")) == std::string::npos) {
    if (!fill()) return false;
  }
  line = buffer_.substr(0, end);
  buffer_.erase(0, end + 2);
  return true;
}

bool ResponseReader::read_exact(size_t n, std::string& out) {
  while (buffer_.size() < n) {
    if (!fill()) return false;
  }
  out.append(buffer_, 0, n);
  buffer_.erase(0, n);
  return true;
}

bool ResponseReader::read_chunked(HttpResponse& response) {
  for (;;) {
    std::string line;
    if (!read_line(line)) return false;
    size_t size = 0;
    try {
      size = std::stoul(line, nullptr, 16);
    } catch (...) {
      return false;
    }
    if (size == 0) return read_line(line) && line.empty();  // no trailers are sent
    ++response.chunks;
    std::string crlf;
    if (!read_exact(size, response.body) || !read_exact(2, crlf) || crlf != "\r\n") return false;
  }
}

std::optional<HttpResponse> ResponseReader::next(bool head_request) {
  HttpResponse response;
  std::string line;
  if (!read_line(line)) return std::nullopt;
  std::istringstream status_line(line);
  status_line >> response.version >> response.status;
  if (response.version.rfind("HTTP/1.", 0) != 0 || response.status == 0) return std::nullopt;
  while (read_line(line) && !line.empty()) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) return std::nullopt;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    response.headers[lower(line.substr(0, colon))] = value;
  }
  if (!line.empty()) return std::nullopt;
  const bool no_body = head_request || response.status == 204 || response.status == 304;
  if (no_body) return response;
  if (lower(response.header("transfer-encoding")) == "chunked") {
    return read_chunked(response) ? std::optional(response) : std::nullopt;
  }
  if (response.headers.count("content-length") != 0) {
    const size_t length = std::stoul(response.header("content-length"));
    return read_exact(length, response.body) ? std::optional(response) : std::nullopt;
  }
  while (fill()) {
  }
  response.body = std::move(buffer_);
  buffer_.clear();
  return response;
}

bool ResponseReader::peer_closed() {
  if (!buffer_.empty()) return false;
  char c;
  return recv(fd_, &c, 1, 0) == 0;
}

std::optional<HttpResponse> exchange(uint16_t port, std::string_view request, bool head_request) {
  const int fd = connect_local(port);
  if (fd < 0) return std::nullopt;
  std::optional<HttpResponse> response;
  if (send_all(fd, request)) response = ResponseReader(fd).next(head_request);
  close(fd);
  return response;
}

std::string get_request(std::string_view target, std::string_view extra_headers,
                        std::string_view method) {
  std::string request(method);
  request += " ";
  request += target;
  request += " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  request += extra_headers;
  request += "\r\n";
  return request;
}

}  // namespace perfgate::server::testing
