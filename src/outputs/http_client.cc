#include "outputs/http_client.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

namespace perfgate::outputs {
namespace {

constexpr size_t kMaxResponseBytes = 16 * 1024 * 1024;

Error step_error(std::string_view step, int err) {
  return make_error(fmt::format("{}: {}", step, std::strerror(err)));
}

Error timeout_error(std::string_view step, Nanos timeout) {
  return make_error(fmt::format("timed out after {:g} s {}",
                                static_cast<double>(timeout) / kNanosPerSecond, step));
}

Result<UniqueFd> connect_to(const net::Address& address, Nanos deadline, const HttpCall& call) {
  UniqueFd fd(::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return step_error("socket", errno);
  const int one = 1;
  setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd.get(), address.sockaddr_ptr(), address.length) != 0 && errno != EINPROGRESS) {
    return step_error("connect", errno);
  }
  if (!wait_ready(fd.get(), POLLOUT, deadline, call.cancel)) {
    return timeout_error("connecting", call.timeout);
  }
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) return step_error("connect", err);
  return fd;
}

Result<void> send_all(int fd, std::string_view data, Nanos deadline, const HttpCall& call) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_ready(fd, POLLOUT, deadline, call.cancel)) {
        return timeout_error("sending the request", call.timeout);
      }
    } else {
      return step_error("send", errno);
    }
  }
  return {};
}

// The value of header `name` (lower case, with the colon) in a response head; empty if absent.
std::string_view header_value(std::string_view head, std::string_view name) {
  size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    const size_t end = head.find("\r\n", pos + 2);
    std::string_view line = head.substr(pos + 2, end - pos - 2);
    if (line.size() > name.size() &&
        std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      std::string_view v = line.substr(name.size());
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      return v;
    }
    pos = end;
  }
  return {};
}

// How the body of a response ends.
struct Framing {
  int64_t length = -1;   // Content-Length, or -1
  bool chunked = false;  // Transfer-Encoding: chunked
};

Result<Framing> parse_head(std::string_view head, int& status) {
  if (head.size() < 12 || head.substr(0, 5) != "HTTP/") {
    return make_error("the response is not HTTP");
  }
  std::from_chars(head.data() + 9, head.data() + 12, status);
  Framing framing;
  const std::string_view length = header_value(head, "content-length:");
  std::from_chars(length.data(), length.data() + length.size(), framing.length);
  framing.chunked =
      header_value(head, "transfer-encoding:").find("chunked") != std::string_view::npos;
  return framing;
}

// Decodes a complete chunked body; nullopt while the last (zero-size) chunk has not arrived.
std::optional<std::string> decode_chunked(std::string_view data) {
  std::string body;
  for (;;) {
    const size_t line_end = data.find("\r\n");
    if (line_end == std::string_view::npos) return std::nullopt;
    size_t size = 0;
    std::from_chars(data.data(), data.data() + line_end, size, 16);
    if (size == 0) return body;  // trailers, if any, are not needed
    if (data.size() < line_end + 2 + size + 2) return std::nullopt;
    body.append(data.substr(line_end + 2, size));
    data.remove_prefix(line_end + 2 + size + 2);
  }
}

// True once `data` (head and body so far) holds the whole response.
bool complete(std::string_view data, size_t head_end, const Framing& framing) {
  if (head_end == std::string_view::npos) return false;
  if (framing.chunked) return decode_chunked(data.substr(head_end)).has_value();
  return framing.length >= 0 && data.size() >= head_end + static_cast<size_t>(framing.length);
}

Result<HttpReply> read_reply(int fd, Nanos deadline, const HttpCall& call) {
  std::string data;
  size_t head_end = std::string::npos;
  Framing framing;
  HttpReply reply;
  char buffer[16384];
  while (!complete(data, head_end, framing)) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      data.append(buffer, static_cast<size_t>(n));
      if (data.size() > kMaxResponseBytes) return make_error("the response is too large");
      if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != data.npos) {
        head_end += 4;
        auto parsed = parse_head(std::string_view(data).substr(0, head_end), reply.status);
        if (!parsed) return parsed.error();
        framing = *parsed;
      }
    } else if (n == 0) {
      break;  // closed: the body ends here (Connection: close)
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!wait_ready(fd, POLLIN, deadline, call.cancel)) {
        return timeout_error("waiting for the response", call.timeout);
      }
    } else {
      return step_error("recv", errno);
    }
  }
  if (head_end == std::string::npos) return make_error("the connection closed before a response");
  reply.head = data.substr(0, head_end);
  if (framing.chunked) {
    reply.body = decode_chunked(std::string_view(data).substr(head_end)).value_or("");
  } else {
    reply.body = data.substr(head_end,
                             framing.length >= 0 ? static_cast<size_t>(framing.length) : data.npos);
  }
  return reply;
}

}  // namespace

Result<HttpUrl> parse_http_url(std::string_view text) {
  constexpr std::string_view kScheme = "http://";
  if (text.substr(0, 8) == "https://") {
    return make_error(fmt::format("\"{}\": https is not supported for live outputs", text),
                      "use http:// (e.g. through a local proxy)");
  }
  if (text.substr(0, kScheme.size()) != kScheme) {
    return make_error(fmt::format("\"{}\" is not an http:// URL", text));
  }
  std::string_view rest = text.substr(kScheme.size());
  const size_t slash = rest.find_first_of("/?");
  HttpUrl url;
  url.authority = std::string(rest.substr(0, slash));
  std::string_view tail = slash == rest.npos ? std::string_view("/") : rest.substr(slash);
  const size_t question = tail.find('?');
  // "http://h?q" has an empty path: the request target then starts with '/'.
  url.path = question == 0 ? std::string(1, '/') : std::string(tail.substr(0, question));
  if (question != tail.npos) url.query = std::string(tail.substr(question + 1));
  if (url.authority.empty() || url.authority.front() == ':') {
    return make_error(fmt::format("\"{}\": the URL has no host", text));
  }
  // "[::1]" has colons but no port; "host" and "[::1]" get the default one.
  std::string with_port = url.authority;
  if (with_port.back() == ']' || with_port.find(':') == std::string::npos) with_port.append(":80");
  auto host_port = net::parse_host_port(with_port);
  if (!host_port) return make_error(fmt::format("\"{}\": invalid host or port", text));
  url.host = host_port->host;
  url.port = host_port->port;
  return url;
}

std::string url_encode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

std::string query_parameter(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == query.npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    std::string value;
    std::string_view raw = eq == pair.npos ? std::string_view() : pair.substr(eq + 1);
    for (size_t i = 0; i < raw.size(); ++i) {
      int decoded = 0;
      if (raw[i] == '%' && i + 2 < raw.size() &&
          std::from_chars(raw.data() + i + 1, raw.data() + i + 3, decoded, 16).ptr ==
              raw.data() + i + 3) {
        value += static_cast<char>(decoded);
        i += 2;
      } else {
        value += raw[i] == '+' ? ' ' : raw[i];
      }
    }
    return value;
  }
  return {};
}

Result<HttpReply> http_exchange(const net::Address& address, const HttpCall& call) {
  const Nanos deadline = SteadyClock::monotonic_now() + call.timeout;
  auto fd = connect_to(address, deadline, call);
  if (!fd) return fd.error();
  std::string request = fmt::format("{} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: perfgate\r\n",
                                    call.method, call.target, call.host_header);
  if (!call.body.empty() || call.method == "POST") {
    request += fmt::format("Content-Type: {}\r\nContent-Length: {}\r\n", call.content_type,
                           call.body.size());
  }
  request += call.extra_headers;
  request += "Connection: close\r\n\r\n";
  request += call.body;
  if (auto sent = send_all(fd->get(), request, deadline, call); !sent) return sent.error();
  return read_reply(fd->get(), deadline, call);
}

}  // namespace perfgate::outputs
