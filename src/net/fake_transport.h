// FakeTransport: a scripted, fault-injecting Transport for tests of the connection driver
// without servers (as leveldb's fault-injecting Env and seastar's loopback socket do). A test
// owns a FakePeer, queues what each call answers — short reads, EAGAIN, resets, an EOF, delayed
// connects and handshakes, short writes — and reads back what was written and how often the
// transport connected. The fd is a real eventfd so an EventLoop accepts its registration; it
// never becomes ready by itself: the test calls the driver's on_io() to say "ready".
//
// Thread-safety: single-threaded test use only.
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "net/transport.h"

namespace perfgate::net {

struct FakePeer {
  // Answers of connect() / finish_connect() / handshake(), one per call; when empty: done.
  std::deque<IoResult> connect, finish_connect, handshake;
  // What read() returns, in order: bytes (handed out at most `max_read` at a time, the rest
  // kept for the next call) or a bare status (want_read, eof, error). When empty: want_read.
  struct Read {
    std::string bytes;
    IoResult status = IoResult::done();
  };
  std::deque<Read> reads;
  size_t max_read = SIZE_MAX;
  // write(): takes at most `max_write` bytes a call; `write_stalls` calls answer want_write
  // first (one per call), `write_errors` fail the stream.
  size_t max_write = SIZE_MAX;
  int write_stalls = 0;
  std::deque<IoResult> write_errors;
  bool secure = false;

  // What happened.
  std::string written;
  int connects = 0;
  int closes = 0;

  void respond(std::string bytes) { reads.push_back({std::move(bytes), IoResult::done()}); }
  void then(IoResult status) { reads.push_back({std::string(), status}); }
};

class FakeTransport final : public Transport {
 public:
  explicit FakeTransport(FakePeer& peer) : peer_(peer) {}
  ~FakeTransport() override { close(); }

  IoResult connect(const Address& address, std::string_view server_name) override;
  IoResult finish_connect() override { return next(peer_.finish_connect); }
  IoResult handshake() override { return next(peer_.handshake); }
  IoResult read(char* buffer, size_t capacity) override;
  IoResult write(const char* data, size_t size) override;
  void close() override;
  int fd() const override { return fd_; }
  bool secure() const override { return peer_.secure; }

 private:
  static IoResult next(std::deque<IoResult>& answers);

  FakePeer& peer_;
  int fd_ = -1;
};

class FakeTransportFactory final : public TransportFactory {
 public:
  explicit FakeTransportFactory(FakePeer& peer) : peer_(peer) {}
  std::unique_ptr<Transport> make() const override {
    return std::make_unique<FakeTransport>(peer_);
  }

 private:
  FakePeer& peer_;
};

}  // namespace perfgate::net
