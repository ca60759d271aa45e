// DnsCache: the answers of one worker's resolver, by host name, each kept for its lifetime (the
// smaller of the record's TTL and the configured ttl; failures for a short negative ttl), and
// the choice of one address from an answer (k6's `dns` option: select and policy).
//
// No I/O and no clock reads: callers pass `now`, so tests drive time by hand.
// Thread-safety: none; one per worker thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "net/address.h"

namespace perfgate::net {

// Which address of an answer a new connection gets (k6's dns.select).
enum class DnsSelect : uint8_t { kFirst, kRoundRobin, kRandom };
// Which families are used and in which order (k6's dns.policy).
enum class DnsPolicy : uint8_t { kPreferIPv4, kPreferIPv6, kOnlyIPv4, kOnlyIPv6, kAny };

struct DnsOptions {
  Nanos ttl = 5 * 60 * kNanosPerSecond;      // upper bound on how long an answer is used (k6: 5m)
  Nanos negative_ttl = 1 * kNanosPerSecond;  // how long a failure is remembered
  DnsSelect select = DnsSelect::kFirst;
  DnsPolicy policy = DnsPolicy::kPreferIPv4;
};

class DnsCache {
 public:
  struct Entry {
    std::vector<Address> addresses;  // ordered by the policy; port 0; empty when failed
    std::string error;               // why the lookup failed (empty on success)
    Nanos expires = 0;
    size_t next = 0;  // round-robin position
    bool failed() const { return addresses.empty(); }
  };

  explicit DnsCache(DnsOptions options = {}) : options_(options) {}

  // The entry for `host` while it is fresh (now < expires), else null.
  Entry* find(std::string_view host, Nanos now);
  // Stores an answer. `record_ttl` is the smallest TTL of its records (0: unknown, e.g. from a
  // hosts file: the configured ttl applies). Addresses the policy excludes are dropped and the
  // rest ordered; when none remains the entry is a failure. Returns the stored entry.
  Entry& store(const std::string& host, std::vector<Address> addresses, Nanos record_ttl,
               Nanos now);
  Entry& store_failure(const std::string& host, std::string error, Nanos now);
  // One address of a successful entry with `port` set, per the select option.
  // REQUIRES: !entry.failed().
  Address pick(Entry& entry, uint16_t port);

  size_t size() const { return entries_.size(); }
  const DnsOptions& options() const { return options_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  DnsOptions options_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
  uint64_t random_state_ = 0x9E3779B97F4A7C15ULL;
};

}  // namespace perfgate::net
