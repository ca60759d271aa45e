// Socket helpers: non-blocking TCP sockets for listeners and clients, with the options a load
// generator and a benchmark target want (TCP_NODELAY, SO_REUSEPORT, large backlogs).
//
// All functions return errors as values carrying errno; none of them blocks.
// Thread-safety: reentrant.
#pragma once

#include "core/result.h"
#include "net/address.h"

namespace perfgate::net {

// A listening, non-blocking socket. With `reuse_port`, several threads can each own a listener
// on the same port and let the kernel spread connections across them.
Result<int> listen_tcp(const Address& address, int backlog, bool reuse_port);

// Starts a non-blocking connect. Returns the fd; the connect completes (or fails) later, when
// the fd becomes writable and connect_error() says how it went.
Result<int> start_connect(const Address& address);

// The outcome of a finished non-blocking connect: 0 or an errno value.
int connect_error(int fd);

// Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the new soft limit.
long raise_open_file_limit();

}  // namespace perfgate::net
