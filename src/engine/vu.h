// Vu: one virtual user of a worker and the one keep-alive connection it drives, as a small
// state machine: idle -> (connecting) -> sending -> awaiting response -> idle.
//
// A Vu holds only timestamps, the parser's state and the fd; response bytes live in the
// worker's shared read buffer. Vus are stored in a vector the worker reserves once, so their
// addresses (registered with epoll) never move.
//
// Thread-safety: owned by one worker thread.
#pragma once

#include <cstdint>

#include "core/clock.h"
#include "net/event_loop.h"
#include "protocols/http1_response_parser.h"

namespace perfgate::engine {

class Worker;

struct Vu final : net::IoHandler {
  enum class State : uint8_t {
    kIdle,              // no iteration (open model: waiting for an arrival)
    kBackoff,           // closed model: pausing after a failed connect, until `deadline`
    kConnecting,        // non-blocking connect in progress, until `deadline`
    kSending,           // request partly written; waiting for EPOLLOUT
    kAwaitingResponse,  // request written; parsing the response, until `deadline`
  };

  explicit Vu(Worker* owner) : worker(owner) {}
  void on_io(uint32_t events) override;

  Worker* worker;
  int fd = -1;
  State state = State::kIdle;
  bool in_iteration = false;
  bool fresh_connection = false;  // this request opened the connection (connect time counts)
  bool first_byte_seen = false;
  bool retried = false;  // the request was re-sent once after a stale keep-alive close
  uint32_t written = 0;  // request bytes written so far
  // Timestamps of the current iteration (Clock nanoseconds); see worker.h for their meaning.
  Nanos scheduled = 0;
  Nanos picked_up = 0;
  Nanos connect_start = 0;
  Nanos connect_end = 0;
  Nanos send_start = 0;
  Nanos send_end = 0;
  Nanos first_byte = 0;
  Nanos deadline = 0;  // 0 = none
  protocols::Http1ResponseParser parser;
};

}  // namespace perfgate::engine
