// TcpTransport: a plain non-blocking TCP stream (TCP_NODELAY), the Transport every other one
// builds on. read() and write() are one syscall each: with edge-triggered epoll a short read
// means the socket is drained, so callers need not read again to see EAGAIN.
//
// Thread-safety: see net/transport.h.
#pragma once

#include "net/transport.h"

namespace perfgate::net {

class TcpTransport final : public Transport {
 public:
  TcpTransport() = default;
  ~TcpTransport() override { close(); }
  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;

  IoResult connect(const Address& address, std::string_view server_name) override;
  IoResult finish_connect() override;
  IoResult handshake() override { return IoResult::done(); }
  IoResult read(char* buffer, size_t capacity) override;
  IoResult write(const char* data, size_t size) override;
  void close() override;
  int fd() const override { return fd_; }

 private:
  int fd_ = -1;
};

class TcpTransportFactory final : public TransportFactory {
 public:
  std::unique_ptr<Transport> make() const override { return std::make_unique<TcpTransport>(); }
};

// The TransportError for a failed connect()'s errno.
TransportError classify_connect_errno(int error);

// Plain-socket helpers shared by transports that wrap a TCP socket (TLS).
namespace tcp {
// Opens a non-blocking TCP_NODELAY socket and starts connecting; *fd is -1 on kError.
IoResult open(const Address& address, int* fd);
IoResult finish_connect(int fd);
}  // namespace tcp

}  // namespace perfgate::net
