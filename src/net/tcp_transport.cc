#include "net/tcp_transport.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "net/socket.h"

namespace perfgate::net {

TransportError classify_connect_errno(int error) {
  switch (error) {
    case ECONNREFUSED:
      return TransportError::kConnectRefused;
    case ETIMEDOUT:
      return TransportError::kConnectTimeout;
    case ECONNRESET:
      return TransportError::kReset;
    default:
      return TransportError::kConnectError;
  }
}

namespace tcp {

IoResult open(const Address& address, int* fd) {
  *fd = ::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (*fd < 0) return IoResult::fail(TransportError::kConnectError, errno);
  const int one = 1;
  ::setsockopt(*fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(*fd, address.sockaddr_ptr(), address.length) == 0) return IoResult::done();
  if (errno == EINPROGRESS) return IoResult::want_write();
  const int error = errno;
  ::close(*fd);
  *fd = -1;
  return IoResult::fail(classify_connect_errno(error), error);
}

IoResult finish_connect(int fd) {
  const int error = connect_error(fd);
  if (error != 0) return IoResult::fail(classify_connect_errno(error), error);
  return IoResult::done();
}

}  // namespace tcp

IoResult TcpTransport::connect(const Address& address, std::string_view) {
  close();
  return tcp::open(address, &fd_);
}

IoResult TcpTransport::finish_connect() { return tcp::finish_connect(fd_); }

IoResult TcpTransport::read(char* buffer, size_t capacity) {
  for (;;) {
    const ssize_t n = ::read(fd_, buffer, capacity);
    if (n > 0) return IoResult::done(static_cast<size_t>(n));
    if (n == 0) return IoResult::eof();
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult::want_read();
    const int error = errno;
    return IoResult::fail(error == ECONNRESET ? TransportError::kReset : TransportError::kReadError,
                          error);
  }
}

IoResult TcpTransport::write(const char* data, size_t size) {
  for (;;) {
    const ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL);
    if (n >= 0) return IoResult::done(static_cast<size_t>(n));
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult::want_write();
    const int error = errno;
    const bool reset = error == EPIPE || error == ECONNRESET;
    return IoResult::fail(reset ? TransportError::kReset : TransportError::kWriteError, error);
  }
}

void TcpTransport::close() {
  if (fd_ < 0) return;
  ::close(fd_);  // also removes it from epoll: the fd is never dup'ed
  fd_ = -1;
}

std::string_view transport_error_name(TransportError error) {
  switch (error) {
    case TransportError::kNone:
      return "none";
    case TransportError::kConnectRefused:
      return "connect_refused";
    case TransportError::kConnectTimeout:
      return "connect_timeout";
    case TransportError::kConnectError:
      return "connect_error";
    case TransportError::kReset:
      return "reset";
    case TransportError::kReadError:
      return "read_error";
    case TransportError::kWriteError:
      return "write_error";
    case TransportError::kTlsUntrusted:
      return "tls_untrusted_certificate";
    case TransportError::kTlsExpired:
      return "tls_certificate_expired";
    case TransportError::kTlsHostname:
      return "tls_hostname_mismatch";
    case TransportError::kTlsVersion:
      return "tls_protocol_version";
    case TransportError::kTlsHandshake:
      return "tls_handshake_failure";
    case TransportError::kTlsNotTls:
      return "tls_not_tls";
    case TransportError::kTlsProtocol:
      return "tls_error";
  }
  return "unknown";
}

}  // namespace perfgate::net
