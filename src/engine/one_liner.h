// One-liners as plans: `perfgate run URL …` is a plan with one scenario, one flow and one request
// step, run by the same engine (workers, VUs, connection driver, coordinator) as any plan.
//   closed model (--vus, --duration)          constant-vus
//   closed model with a count (-n)            shared-iterations (n iterations, --duration caps)
//   closed model with stages (--stage D:T)    ramping-vus from `vus` (k6's -s)
//   open model (--rate)                       constant-arrival-rate, with arrivals that wait up
//                                             to the timeout for a free VU (their latency keeps
//                                             counting from the scheduled start) before they are
//                                             dropped — wrk2's and the one-liner's semantics,
//                                             where k6 drops at once
// The request has no templates, so the engine sends prebuilt bytes (the literal fast path), and
// no cookie jar.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "plan/loader.h"
#include "plan/plan.h"

namespace perfgate::engine {

inline constexpr Nanos kOneLinerGracePeriod = 2 * kNanosPerSecond;

struct OneLiner {
  std::string url;
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool open_model = false;
  int vus = 10;     // closed model
  double rate = 0;  // open model: iterations per second
  int max_vus = 0;  // open model: most VUs busy at once (0: default_max_vus(rate))
  Nanos duration = 10 * kNanosPerSecond;
  int64_t requests = 0;             // closed model: stop after this many requests (0: none)
  std::vector<plan::Stage> stages;  // closed model: ramp from `vus` through these (duration: sum)
  Nanos timeout = 5 * kNanosPerSecond;
  // gRPC (url grpc://host:port/package.Service/Method or grpcs://): the .proto files, their
  // import paths and the request message in JSON ("" = an empty message). `headers` are sent as
  // metadata; method and body are not used.
  std::vector<std::string> protos;
  std::vector<std::string> import_paths;
  // --reflect: the types come from the server's reflection (no protos), reached with the run's
  // --cacert / --insecure-skip-tls-verify.
  bool reflect = false;
  plan::ReflectionTls reflection_tls;
  std::string message;
  int connections = 0;  // > 0: the VUs share this many connections (PlanRunOptions::connections)
  plan::HttpVersion http = plan::HttpVersion::kAuto;  // --http1 / --http2
};

// The default --max-vus for a rate: enough VUs for every request to take 100 ms at that rate
// (Little's law: VUs = rate x latency), and never fewer than 100.
int default_max_vus(double rate);

// The plan that runs `one`. Errors: an invalid URL, method or header (nothing is sent); for
// gRPC also a .proto that does not compile, an unknown method, a message not of its type.
Result<plan::Plan> one_liner_plan(const OneLiner& one);

// The one request step of a grpc:// or grpcs:// one-liner (grpc_one_liner.cc).
Result<plan::Step> grpc_one_liner_step(const OneLiner& one);

}  // namespace perfgate::engine
