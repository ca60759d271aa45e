// Connection's byte I/O: plain sockets, or a TLS session in OpenSSL's non-blocking mode.
#include <openssl/err.h>
#include <sys/socket.h>

#include <cerrno>

#include "server/connection.h"

namespace perfgate::server {
namespace {

// Maps an OpenSSL failure onto recv/send conventions.
ssize_t tls_failure(SSL* ssl, int ret) {
  const int code = SSL_get_error(ssl, ret);
  ERR_clear_error();  // the queue is per thread; leave nothing behind for the next connection
  switch (code) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      errno = EAGAIN;
      return -1;
    case SSL_ERROR_ZERO_RETURN:
      return 0;  // close_notify, or (SSL_OP_IGNORE_UNEXPECTED_EOF) a plain end of input
    case SSL_ERROR_SYSCALL:
      if (errno == 0 || errno == EAGAIN) errno = ECONNRESET;
      return -1;
    default:  // a failed handshake (plain HTTP on the TLS port, no shared cipher...) or bad record
      errno = ECONNRESET;
      return -1;
  }
}

}  // namespace

ssize_t Connection::read_some(char* data, size_t size) {
  if (ssl_ == nullptr) return recv(fd_, data, size, 0);
  size_t n = 0;
  errno = 0;
  const int ret = SSL_read_ex(ssl_, data, size, &n);
  return ret == 1 ? static_cast<ssize_t>(n) : tls_failure(ssl_, ret);
}

ssize_t Connection::write_some(const char* data, size_t size) {
  if (ssl_ == nullptr) return send(fd_, data, size, MSG_NOSIGNAL);
  size_t n = 0;
  errno = 0;
  const int ret = SSL_write_ex(ssl_, data, size, &n);
  return ret == 1 ? static_cast<ssize_t>(n) : tls_failure(ssl_, ret);
}

// After the last response: a TLS close_notify (best effort: if the socket is full, the FIN
// alone ends the stream), then the TCP half-close.
void Connection::shutdown_output() {
  if (ssl_ != nullptr && SSL_is_init_finished(ssl_)) {
    SSL_shutdown(ssl_);
    ERR_clear_error();
  }
  shutdown(fd_, SHUT_WR);
}

}  // namespace perfgate::server
