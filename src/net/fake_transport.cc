#include "net/fake_transport.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace perfgate::net {

IoResult FakeTransport::next(std::deque<IoResult>& answers) {
  if (answers.empty()) return IoResult::done();
  const IoResult r = answers.front();
  answers.pop_front();
  return r;
}

IoResult FakeTransport::connect(const Address&, std::string_view) {
  close();
  ++peer_.connects;
  const IoResult r = next(peer_.connect);
  if (r.status != IoStatus::kError) fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  return r;
}

IoResult FakeTransport::read(char* buffer, size_t capacity) {
  if (peer_.reads.empty()) return IoResult::want_read();
  FakePeer::Read& front = peer_.reads.front();
  if (front.bytes.empty()) {
    const IoResult r = front.status;
    peer_.reads.pop_front();
    return r;
  }
  const size_t n = std::min({capacity, peer_.max_read, front.bytes.size()});
  std::memcpy(buffer, front.bytes.data(), n);
  front.bytes.erase(0, n);
  if (front.bytes.empty()) peer_.reads.pop_front();
  return IoResult::done(n);
}

IoResult FakeTransport::write(const char* data, size_t size) {
  if (!peer_.write_errors.empty()) return next(peer_.write_errors);
  if (peer_.write_stalls > 0) {
    --peer_.write_stalls;
    return IoResult::want_write();
  }
  const size_t n = std::min(size, peer_.max_write);
  peer_.written.append(data, n);
  return IoResult::done(n);
}

void FakeTransport::close() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ++peer_.closes;
}

}  // namespace perfgate::net
