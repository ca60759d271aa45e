// Runtime helpers: the small pure decisions a VU makes while running a plan — how long to think,
// which weighted flow to run, which data row to use — and what a response means for a step's
// checks and extractions. They live with the plan model so the engine drives VUs from the plan
// directly and every rule is unit-tested here without sockets.
//
// Thread-safety: free functions are pure given their RNG; a ResponseInspector belongs to the one
// thread handling that response. It builds no JSON DOM: each JSON check or extraction streams the
// body once (plan/json_lookup.h), so its extra memory is that of the value it reads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "plan/plan.h"

namespace perfgate::plan {

// A think time drawn from the step's distribution (never negative).
Nanos sample_think(const Think& think, std::mt19937_64& rng);

// Index into `choices` picked with probability weight / sum(weights). REQUIRES: non-empty.
size_t pick_flow(std::span<const FlowChoice> choices, std::mt19937_64& rng);

// The feeder row for one iteration: kSequential uses `sequence` (a per-scenario counter of
// started iterations) modulo the rows, kRandom draws from `rng`, kUniquePerVu uses the VU
// (1-based) so each VU keeps its own row. REQUIRES: feeder has rows.
size_t pick_row(const Feeder& feeder, std::int64_t vu, std::uint64_t sequence,
                std::mt19937_64& rng);

struct ResponseView {
  int status = 0;
  std::span<const std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;  // a gRPC step's: the response message(s) as JSON
  Nanos duration = 0;
  int grpc_status = -1;  // a gRPC step's status code; -1 for HTTP steps
};

class ResponseInspector {
 public:
  explicit ResponseInspector(const ResponseView& response);

  // Whether all of the check's conditions hold (`check` and `check.also`).
  bool passes(const Check& check);
  // The extracted value, or nullopt when nothing matched.
  std::optional<std::string> extract(const Extract& extract);

 private:
  bool passes_one(const Check& condition);
  std::optional<std::string_view> header(std::string_view name) const;

  ResponseView response_;
};

}  // namespace perfgate::plan
