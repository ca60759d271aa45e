#include "net/resolver.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <sys/epoll.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace perfgate::net {
namespace {

// An IPv4 or IPv6 literal ("10.0.0.1", "::1", "[::1]") as an address; false for a name.
bool parse_literal(const std::string& host, uint16_t port, Address* out) {
  std::string_view text = host;
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  char buffer[INET6_ADDRSTRLEN + 1] = {};
  if (text.empty() || text.size() >= sizeof buffer) return false;
  std::memcpy(buffer, text.data(), text.size());
  Address address;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
  if (inet_pton(AF_INET, buffer, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    address.length = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, buffer, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    address.length = sizeof(sockaddr_in6);
  } else {
    return false;
  }
  address.set_port(port);
  *out = address;
  return true;
}

Result<void> library_init() {
  static std::once_flag once;
  static int status = ARES_SUCCESS;
  std::call_once(once, [] { status = ares_library_init(ARES_LIB_INIT_ALL); });
  if (status != ARES_SUCCESS) {
    return make_error(fmt::format("c-ares failed to start: {}", ares_strerror(status)));
  }
  return {};
}

}  // namespace

Resolver::Resolver(EventLoop& loop, DnsOptions options) : loop_(loop), cache_(options) {}

Result<std::unique_ptr<Resolver>> Resolver::create(EventLoop& loop, DnsOptions options) {
  std::unique_ptr<Resolver> resolver(new Resolver(loop, options));
  if (auto ok = resolver->init(); !ok) return ok.error();
  return resolver;
}

Result<void> Resolver::init() {
  if (auto ok = library_init(); !ok) return ok;
  ares_options options{};
  options.sock_state_cb = &Resolver::on_socket_state;
  options.sock_state_cb_data = this;
  options.timeout = kTimeoutMillis;
  options.tries = kTries;
  options.lookups = const_cast<char*>("fb");  // the hosts file, then DNS
  const int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS;
  if (int rc = ares_init_options(&channel_, &options, mask); rc != ARES_SUCCESS) {
    channel_ = nullptr;
    return make_error(fmt::format("cannot set up DNS resolution: {}", ares_strerror(rc)),
                      "check /etc/resolv.conf");
  }
  if (const char* servers = std::getenv("PERFGATE_DNS_SERVERS"); servers && *servers) {
    if (int rc = ares_set_servers_ports_csv(channel_, servers); rc != ARES_SUCCESS) {
      return make_error(fmt::format("PERFGATE_DNS_SERVERS=\"{}\": {}", servers, ares_strerror(rc)),
                        "write host:port pairs separated by commas, e.g. 127.0.0.1:5353");
    }
  }
  return {};
}

Resolver::~Resolver() {
  destroying_ = true;
  if (channel_ != nullptr) ares_destroy(channel_);  // fails every lookup with ARES_EDESTRUCTION
  for (auto& [fd, socket] : sockets_) {
    if (socket->active) loop_.remove(fd);
  }
}

Resolver::Status Resolver::resolve(const std::string& host, uint16_t port, ResolveWaiter* waiter,
                                   Address* out) {
  if (parse_literal(host, port, out)) return Status::kReady;
  DnsCache::Entry* entry = cache_.find(host, loop_.clock().now());
  if (entry == nullptr) {
    auto [it, first] = pending_.try_emplace(host);
    if (!first) {
      it->second.push_back(Waiting{waiter, port});
      return Status::kPending;
    }
    just_stored_ = nullptr;
    ares_addrinfo_hints hints{};
    hints.ai_family = cache_.options().policy == DnsPolicy::kOnlyIPv4   ? AF_INET
                      : cache_.options().policy == DnsPolicy::kOnlyIPv6 ? AF_INET6
                                                                        : AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    // The policy orders the answer (sorting probes each address); CARES_HOSTS may name the file.
    hints.ai_flags = ARES_AI_NOSORT | ARES_AI_ENVHOSTS;
    ares_getaddrinfo(channel_, host.c_str(), nullptr, &hints, &Resolver::on_addrinfo,
                     new Lookup{this, host});
    if (pending_.count(host) != 0) {  // usually: the answer comes later, through the loop
      pending_[host].push_back(Waiting{waiter, port});
      rearm_timer();
      return Status::kPending;
    }
    entry = just_stored_;  // answered at once (hosts file, or an immediate failure)
  }
  if (entry->failed()) {
    error_ = entry->error;
    return Status::kFailed;
  }
  *out = cache_.pick(*entry, port);
  return Status::kReady;
}

void Resolver::cancel(ResolveWaiter* waiter) {
  for (auto& [host, waiting] : pending_) {
    std::erase_if(waiting, [&](const Waiting& w) { return w.waiter == waiter; });
  }
}

void Resolver::on_addrinfo(void* arg, int status, int, ares_addrinfo* answer) {
  std::unique_ptr<Lookup> lookup(static_cast<Lookup*>(arg));
  if (lookup->self->destroying_) {
    if (answer != nullptr) ares_freeaddrinfo(answer);
    return;
  }
  lookup->self->on_answer(lookup->host, status, answer);
}

void Resolver::on_answer(const std::string& host, int status, ares_addrinfo* answer) {
  const Nanos now = loop_.clock().now();
  DnsCache::Entry* entry = nullptr;
  if (status != ARES_SUCCESS || answer == nullptr) {
    entry = &cache_.store_failure(
        host, fmt::format("cannot resolve \"{}\": {}", host, ares_strerror(status)), now);
  } else {
    std::vector<Address> addresses;
    int ttl_seconds = 0;
    for (const ares_addrinfo_node* node = answer->nodes; node != nullptr; node = node->ai_next) {
      if (node->ai_addr == nullptr || node->ai_addrlen > sizeof(sockaddr_storage)) continue;
      Address address;
      std::memcpy(&address.storage, node->ai_addr, node->ai_addrlen);
      address.length = node->ai_addrlen;
      addresses.push_back(address);
      if (node->ai_ttl > 0 && (ttl_seconds == 0 || node->ai_ttl < ttl_seconds)) {
        ttl_seconds = node->ai_ttl;
      }
    }
    entry = &cache_.store(host, std::move(addresses), Nanos{ttl_seconds} * kNanosPerSecond, now);
  }
  if (answer != nullptr) ares_freeaddrinfo(answer);
  just_stored_ = entry;
  auto it = pending_.find(host);
  if (it == pending_.end()) return;
  std::vector<Waiting> waiting = std::move(it->second);
  pending_.erase(it);
  for (const Waiting& w : waiting) {  // a waiter may resolve() again: `waiting` is ours alone
    if (entry->failed()) {
      w.waiter->on_resolved(nullptr, entry->error);
    } else {
      const Address address = cache_.pick(*entry, w.port);
      w.waiter->on_resolved(&address, {});
    }
  }
}

void Resolver::on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
  auto* self = static_cast<Resolver*>(data);
  std::unique_ptr<Socket>& socket = self->sockets_[fd];
  if (!socket) {
    socket = std::make_unique<Socket>();
    socket->self = self;
    socket->fd = fd;
  }
  if (!readable && !writable) {
    if (socket->active) self->loop_.remove(fd);
    socket->active = false;
    return;
  }
  const uint32_t events = (readable ? EPOLLIN : 0u) | (writable ? EPOLLOUT : 0u);  // level
  if (socket->active) {
    (void)self->loop_.modify(fd, events, socket.get());
  } else {
    socket->active = self->loop_.add(fd, events, socket.get()).has_value();
  }
}

void Resolver::Socket::on_io(uint32_t events) {
  if (!active) return;  // closed by c-ares while this event was queued
  const ares_socket_t read_fd = (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) ? fd : ARES_SOCKET_BAD;
  const ares_socket_t write_fd = (events & EPOLLOUT) ? fd : ARES_SOCKET_BAD;
  ares_process_fd(self->channel_, read_fd, write_fd);
  self->rearm_timer();
}

void Resolver::on_timer(uint64_t token) {
  if (token != timer_) return;
  timer_ = 0;
  timer_at_ = -1;
  ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // retransmissions, timeouts
  rearm_timer();
}

void Resolver::rearm_timer() {
  timeval tv{};
  if (ares_timeout(channel_, nullptr, &tv) == nullptr) return;  // nothing outstanding
  const Nanos at =
      loop_.clock().now() + Nanos{tv.tv_sec} * kNanosPerSecond + Nanos{tv.tv_usec} * kNanosPerMicro;
  if (timer_ != 0 && timer_at_ <= at) return;  // the live timer comes first
  timer_at_ = at;
  timer_ = loop_.schedule(at, this);
}

Result<Address> resolve_blocking(const std::string& host, uint16_t port, DnsOptions options) {
  struct Waiter final : ResolveWaiter {
    bool done = false;
    std::optional<Address> address;
    std::string error;
    void on_resolved(const Address* a, const std::string& e) override {
      done = true;
      if (a != nullptr) address = *a;
      error = e;
    }
  };
  SteadyClock clock;
  EventLoop loop(clock);
  auto resolver = Resolver::create(loop, options);
  if (!resolver) return resolver.error();
  Waiter waiter;
  Address address;
  switch ((*resolver)->resolve(host, port, &waiter, &address)) {
    case Resolver::Status::kReady:
      return address;
    case Resolver::Status::kFailed:
      return make_error((*resolver)->error(), "check the host name, or use an IP address");
    case Resolver::Status::kPending:
      break;
  }
  while (!waiter.done) loop.poll(100 * kNanosPerMilli);  // c-ares' timeouts bound the wait
  if (!waiter.address) return make_error(waiter.error, "check the host name, or use an IP address");
  return *waiter.address;
}

}  // namespace perfgate::net
