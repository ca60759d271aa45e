#include "net/dns_cache.h"

#include <sys/socket.h>

#include <algorithm>

namespace perfgate::net {
namespace {

bool allowed(DnsPolicy policy, int family) {
  if (policy == DnsPolicy::kOnlyIPv4) return family == AF_INET;
  if (policy == DnsPolicy::kOnlyIPv6) return family == AF_INET6;
  return family == AF_INET || family == AF_INET6;
}

// Rank of a family under the policy: lower comes first (stable, so the answer's order is kept
// within a family).
int rank(DnsPolicy policy, int family) {
  if (policy == DnsPolicy::kPreferIPv4) return family == AF_INET ? 0 : 1;
  if (policy == DnsPolicy::kPreferIPv6) return family == AF_INET6 ? 0 : 1;
  return 0;
}

}  // namespace

DnsCache::Entry* DnsCache::find(std::string_view host, Nanos now) {
  auto it = entries_.find(host);
  if (it == entries_.end() || now >= it->second.expires) return nullptr;
  return &it->second;
}

DnsCache::Entry& DnsCache::store(const std::string& host, std::vector<Address> addresses,
                                 Nanos record_ttl, Nanos now) {
  const DnsPolicy policy = options_.policy;
  std::erase_if(addresses, [&](const Address& a) { return !allowed(policy, a.family()); });
  if (addresses.empty()) return store_failure(host, "no address of an allowed family", now);
  std::stable_sort(addresses.begin(), addresses.end(), [&](const Address& a, const Address& b) {
    return rank(policy, a.family()) < rank(policy, b.family());
  });
  const Nanos ttl = record_ttl > 0 ? std::min(record_ttl, options_.ttl) : options_.ttl;
  Entry& entry = entries_[host];
  entry = Entry{std::move(addresses), {}, now + ttl, 0};
  return entry;
}

DnsCache::Entry& DnsCache::store_failure(const std::string& host, std::string error, Nanos now) {
  Entry& entry = entries_[host];
  entry = Entry{{}, std::move(error), now + options_.negative_ttl, 0};
  return entry;
}

Address DnsCache::pick(Entry& entry, uint16_t port) {
  size_t index = 0;
  const size_t n = entry.addresses.size();
  if (options_.select == DnsSelect::kRoundRobin) {
    index = entry.next++ % n;
  } else if (options_.select == DnsSelect::kRandom) {
    random_state_ ^= random_state_ << 13;  // xorshift64: cheap and good enough to spread load
    random_state_ ^= random_state_ >> 7;
    random_state_ ^= random_state_ << 17;
    index = random_state_ % n;
  }
  Address address = entry.addresses[index];
  address.set_port(port);
  return address;
}

}  // namespace perfgate::net
