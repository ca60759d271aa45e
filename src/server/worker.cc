#include "server/worker.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "server/connection.h"

namespace perfgate::server {
namespace {

constexpr uint32_t kConnectionEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;

}  // namespace

Worker::Worker(const Router& router, int listen_fd, const TlsServerContext* tls)
    : loop_(clock_),
      router_(router),
      tls_(tls),
      listen_fd_(listen_fd),
      spare_fd_(open("/dev/null", O_RDONLY | O_CLOEXEC)) {
  acceptor_.worker = this;
}

Worker::~Worker() {
  while (connections_ != nullptr) {
    Connection* conn = connections_;
    connections_ = conn->next;
    delete conn;
  }
  if (listen_fd_ >= 0) close(listen_fd_);
  if (spare_fd_ >= 0) close(spare_fd_);
}

void Worker::run() {
  if (!loop_.add(listen_fd_, EPOLLIN | EPOLLET, &acceptor_)) return;
  while (!stopping_.load(std::memory_order_acquire)) loop_.poll(-1);
}

void Worker::stop() {
  stopping_.store(true, std::memory_order_release);
  loop_.wake();
}

void Worker::Acceptor::on_io(uint32_t) { worker->accept_all(); }

// Edge-triggered listener: accept until the backlog is empty.
void Worker::accept_all() {
  for (;;) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      adopt(fd);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if ((errno == EMFILE || errno == ENFILE) && spare_fd_ >= 0) {
      // Out of descriptors: the pending connection would stay in the backlog and, with an
      // edge-triggered listener, never be looked at again. Accept it with the spare
      // descriptor and close it, so the client sees a prompt close instead of a hang.
      close(spare_fd_);
      const int shed = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (shed >= 0) close(shed);
      spare_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (shed >= 0) continue;
    }
    return;  // EAGAIN, or an error accepting cannot fix
  }
}

void Worker::adopt(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  SSL* ssl = nullptr;
  if (tls_ != nullptr && (ssl = tls_->new_session(fd)) == nullptr) {
    close(fd);
    return;
  }
  auto* conn = new Connection(*this, fd, ssl);
  if (!loop_.add(fd, kConnectionEvents, conn)) {
    delete conn;  // closes fd
    return;
  }
  conn->next = connections_;
  if (connections_ != nullptr) connections_->prev = conn;
  connections_ = conn;
  ++stats_.connections;
}

void Worker::destroy(Connection* conn) {
  if (conn->prev != nullptr) conn->prev->next = conn->next;
  if (conn->next != nullptr) conn->next->prev = conn->prev;
  if (connections_ == conn) connections_ = conn->next;
  delete conn;
}

}  // namespace perfgate::server
