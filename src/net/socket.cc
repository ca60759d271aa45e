#include "net/socket.h"

#include <fmt/format.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace perfgate::net {
namespace {

Error errno_error(std::string_view what, const Address& address) {
  return make_error(fmt::format("{} {}: {}", what, address.to_string(), std::strerror(errno)));
}

void set_int_option(int fd, int level, int name, int value) {
  setsockopt(fd, level, name, &value, sizeof value);
}

}  // namespace

Result<int> listen_tcp(const Address& address, int backlog, bool reuse_port) {
  const int fd = socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_error("cannot create socket for", address);
  set_int_option(fd, SOL_SOCKET, SO_REUSEADDR, 1);
  if (reuse_port) set_int_option(fd, SOL_SOCKET, SO_REUSEPORT, 1);
  if (bind(fd, address.sockaddr_ptr(), address.length) != 0) {
    Error e = errno_error("cannot bind", address);
    e.hint = "is another process listening there? use port 0 to pick a free one";
    close(fd);
    return e;
  }
  if (listen(fd, backlog) != 0) {
    Error e = errno_error("cannot listen on", address);
    close(fd);
    return e;
  }
  return fd;
}

Result<int> start_connect(const Address& address) {
  const int fd = socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_error("cannot create socket for", address);
  set_int_option(fd, IPPROTO_TCP, TCP_NODELAY, 1);
  if (connect(fd, address.sockaddr_ptr(), address.length) != 0 && errno != EINPROGRESS) {
    Error e = errno_error("cannot connect to", address);
    close(fd);
    return e;
  }
  return fd;
}

int connect_error(int fd) {
  int error = 0;
  socklen_t length = sizeof error;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
  return error;
}

long raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<long>(limit.rlim_cur);
}

}  // namespace perfgate::net
