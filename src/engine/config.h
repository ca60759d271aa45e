// EngineConfig: everything the engine needs to run one HTTP/1.1 load test, already validated and
// resolved (the CLI or a plan builds it; the engine does no parsing and no DNS).
//
// Thread-safety: a plain value, read-only once the run starts (workers share it by const&).
#pragma once

#include <string>

#include "core/clock.h"
#include "net/address.h"
#include "net/event_loop.h"
#include "results/run_result.h"

namespace perfgate::engine {

inline constexpr Nanos kDefaultGracePeriod = 2 * kNanosPerSecond;
inline constexpr Nanos kSweepInterval = 10 * kNanosPerMilli;

struct EngineConfig {
  net::Address target;        // resolved before the run
  std::string request;        // the exact request bytes (protocols::write_http1_request)
  bool head_request = false;  // responses carry no body (HEAD)
  results::Model model = results::Model::kClosed;
  int threads = 1;  // worker threads, each one event loop
  int vus = 10;     // closed model: VUs (one connection each)
  double rate = 0;  // open model: iterations per second, over all workers
  int max_vus = 0;  // open model: most VUs (connections) that may be busy at once
  Nanos duration = 10 * kNanosPerSecond;
  // Closed model: stop after this many requests in all, split evenly over the workers as hey and
  // ab do (0: no limit; the duration still caps the run). The open model turns a count into the
  // duration that schedules exactly that many arrivals.
  int64_t requests = 0;
  Nanos timeout = 5 * kNanosPerSecond;  // connect timeout and request timeout
  Nanos grace = kDefaultGracePeriod;    // in-flight requests may finish this long after the end
  // Open model: a scheduled iteration still waiting for a free VU this long after its scheduled
  // time is dropped (counted in dropped_iterations) instead of started.
  Nanos drop_after = 5 * kNanosPerSecond;
  // How closely timers (open-model arrivals above all) are kept; see net/event_loop.h.
  Nanos timer_resolution = net::EventLoop::kDefaultTimerResolution;
};

// The default --max-vus for a rate: enough VUs for every request to take 100 ms at that rate
// (Little's law: VUs = rate x latency), and never fewer than 100.
int default_max_vus(double rate);

}  // namespace perfgate::engine
