// Address: a resolved IPv4/IPv6 socket address, and parsing of "host:port" / "[v6]:port".
//
// Resolution (getaddrinfo) blocks: call it before a run starts, never on a worker's loop.
// Thread-safety: value type; resolve() is reentrant.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace perfgate::net {

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;

  const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage); }
  int family() const { return storage.ss_family; }
  uint16_t port() const;
  void set_port(uint16_t port);
  // "127.0.0.1:8080" or "[::1]:8080".
  std::string to_string() const;
};

struct HostPort {
  std::string host;  // without brackets for IPv6 literals
  uint16_t port = 0;
};

// Splits "host:port", "[::1]:port", ":port" or a bare "port" (host defaults to 127.0.0.1).
Result<HostPort> parse_host_port(std::string_view text);

// Resolves a host name or literal (first result, IPv4 preferred when both exist).
Result<Address> resolve(const std::string& host, uint16_t port);

// The local address a bound socket ended up on (after binding to port 0).
Result<Address> local_address(int fd);

}  // namespace perfgate::net
