// Resolver: host names to addresses without blocking the event loop — c-ares driven by the
// worker's EventLoop (its sockets registered with epoll, its retransmission timeouts as loop
// timers), in front of a DnsCache. One per worker thread.
//
// resolve() answers at once for IP literals and cached names (no syscall, no allocation once
// the cache holds the name); otherwise it starts one lookup per name however many callers wait
// for it and calls each waiter back later from the loop, never from inside resolve().
// Lookups read /etc/hosts first, then DNS (resolv.conf), both for A and AAAA; each is bounded by
// c-ares' timeouts (kTimeoutMillis per try, kTries tries per server). The environment variable
// PERFGATE_DNS_SERVERS ("127.0.0.1:5353,[::1]:53") replaces the resolv.conf servers (tests
// start their own server on loopback with it), CARES_HOSTS the hosts file.
//
// Thread-safety: the loop's thread only. resolve_blocking() runs a private loop on the calling
// thread: for use before a run.
#pragma once

#include <ares.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "net/dns_cache.h"
#include "net/event_loop.h"

namespace perfgate::net {

class ResolveWaiter {
 public:
  virtual ~ResolveWaiter() = default;
  // The lookup ended: `address` (port set) when it succeeded, otherwise null and the reason.
  virtual void on_resolved(const Address* address, const std::string& error) = 0;
};

class Resolver final : private TimerHandler {
 public:
  static constexpr int kTimeoutMillis = 1500;
  static constexpr int kTries = 2;

  enum class Status : uint8_t { kReady, kPending, kFailed };

  static Result<std::unique_ptr<Resolver>> create(EventLoop& loop, DnsOptions options = {});
  ~Resolver() override;
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // kReady: *out holds the address (port set). kFailed: the name does not resolve (error() says
  // why). kPending: `waiter` is called back once with the outcome, unless cancel()ed first.
  Status resolve(const std::string& host, uint16_t port, ResolveWaiter* waiter, Address* out);
  // Forgets every pending callback to `waiter`.
  void cancel(ResolveWaiter* waiter);
  // Why the last kFailed happened.
  const std::string& error() const { return error_; }
  size_t pending_lookups() const { return pending_.size(); }
  DnsCache& cache() { return cache_; }

 private:
  struct Waiting {
    ResolveWaiter* waiter;
    uint16_t port;
  };
  struct Lookup {
    Resolver* self;
    std::string host;
  };
  struct Socket final : IoHandler {
    Resolver* self = nullptr;
    int fd = -1;
    bool active = false;
    void on_io(uint32_t events) override;
  };

  Resolver(EventLoop& loop, DnsOptions options);
  Result<void> init();
  void on_timer(uint64_t token) override;
  void rearm_timer();
  void on_answer(const std::string& host, int status, ares_addrinfo* answer);
  static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable);
  static void on_addrinfo(void* arg, int status, int timeouts, ares_addrinfo* answer);

  EventLoop& loop_;
  DnsCache cache_;
  ares_channel channel_ = nullptr;
  std::map<std::string, std::vector<Waiting>> pending_;  // host -> callers waiting for it
  std::map<int, std::unique_ptr<Socket>> sockets_;       // kept for the run: epoll holds them
  uint64_t timer_ = 0;
  Nanos timer_at_ = -1;
  bool destroying_ = false;
  DnsCache::Entry* just_stored_ = nullptr;  // the entry the last answer went to
  std::string error_;
};

// Resolves one name now (IPv4 preferred), through the same c-ares set-up as the workers:
// for use before a run, never on a worker's loop.
Result<Address> resolve_blocking(const std::string& host, uint16_t port, DnsOptions options = {});

}  // namespace perfgate::net
