// W3C Trace Context for requests (k6's tracing option, propagator "w3c"): every request of a run
// with tracing on carries a `traceparent` header
//   traceparent: 00-<trace id, 32 hex>-<parent id, 16 hex>-<flags: 01 sampled, 00 not>
// with random ids from the VU's generator; a request is marked sampled with the plan's sampling
// ratio, so a tracing backend (Jaeger, Tempo) keeps those traces. SlowestTraces keeps the trace
// ids of the slowest sampled requests of a request name, so the results point at the traces
// worth opening.
//
// Thread-safety: values; each worker fills its own, the coordinator merges them.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::engine {

inline constexpr std::string_view kTraceparentHeader = "traceparent";
inline constexpr size_t kTraceparentLength = 55;  // "00-" 32 "-" 16 "-" 2

// One request's traceparent header value.
struct Traceparent {
  std::array<char, kTraceparentLength> text{};
  bool sampled = false;

  std::string_view value() const { return {text.data(), text.size()}; }
  std::string_view trace_id() const { return {text.data() + 3, 32}; }
};

// A fresh traceparent: random non-zero trace and parent ids; sampled with probability
// `sampling` (0..1).
Traceparent make_traceparent(std::mt19937_64& rng, double sampling);

// The trace ids of the slowest requests offered, at most kSlowestTraces, slowest first. Offering
// allocates nothing.
inline constexpr size_t kSlowestTraces = 5;
struct SlowTrace {
  int64_t duration_us = 0;
  std::array<char, 32> trace_id{};
};
class SlowestTraces {
 public:
  void offer(int64_t duration_us, std::string_view trace_id);
  void add(const SlowestTraces& other);
  void reset() { size_ = 0; }
  size_t size() const { return size_; }
  // Slowest first.
  std::vector<std::pair<std::string, int64_t>> list() const;

 private:
  std::array<SlowTrace, kSlowestTraces> slots_{};
  size_t size_ = 0;
};

}  // namespace perfgate::engine
