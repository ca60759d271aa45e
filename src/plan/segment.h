// Execution segments: how N processes split one plan exactly, with k6's semantics and syntax.
//
// A segment is a half-open slice (from, to] of [0, 1] (`--execution-segment 1/4:2/4`, also
// `25%:50%`, `0.25:0.5`, or `1/4` for 0:1/4). A sequence (`--execution-segment-sequence
// 0,1/4,2/4,3/4,1`) lists the segments all processes use; without one, the segment is completed
// to 0:from, from:to, to:1. Countable things of a scenario — VUs, arrival-rate iterations,
// shared iterations — are numbered k = 0, 1, 2, ... and striped over the sequence: with L the
// least common denominator of the segments' lengths, the L indices of each period are dealt out
// so that a segment of length n/L gets n of them, spread as evenly as possible (k6's striping:
// index i of a period goes to the first segment, largest first, whose c-th element is due, i.e.
// i * n >= c * L). Element k belongs to the owner of k % L. So the parts add up to the whole:
// every VU, every scheduled arrival instant and every iteration belongs to exactly one segment.
//
// Thread-safety: SegmentTuple is an immutable value after construction; share it read-only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace perfgate::plan {

// A non-negative fraction in lowest terms.
struct Fraction {
  std::int64_t num = 0;
  std::int64_t den = 1;
  friend bool operator==(const Fraction&, const Fraction&) = default;
  std::string text() const;  // "1/4", "0", "1"
};

struct ExecutionSegment {
  Fraction from{0, 1};
  Fraction to{1, 1};
  friend bool operator==(const ExecutionSegment&, const ExecutionSegment&) = default;
  std::string text() const;  // "1/4:1/2"
};

// Bounds: denominators up to 1,000,000 and a least common denominator of at most 1,000,000.
inline constexpr std::int64_t kMaxSegmentDenominator = 1'000'000;

// "1/4:2/4", "25%:50%", "0.25:0.5", "1/4" (= 0:1/4), "" (= 0:1). 0 <= from < to <= 1.
Result<ExecutionSegment> parse_execution_segment(std::string_view text);
// "0,1/4,2/4,3/4,1": at least two increasing points in [0, 1].
Result<std::vector<Fraction>> parse_segment_sequence(std::string_view text);

// One segment of a full sequence, with its striped share of every countable thing.
class SegmentTuple {
 public:
  SegmentTuple() = default;  // the whole test: owns every index
  // `sequence` empty: 0,from,to,1 (without empty segments). The segment must be one of the
  // sequence's segments; a sequence not starting at 0 or not ending at 1 is completed.
  static Result<SegmentTuple> make(const ExecutionSegment& segment,
                                   const std::vector<Fraction>& sequence = {});

  bool full() const { return lcd_ == 1 && owned_.size() == 1; }
  const ExecutionSegment& segment() const { return segment_; }
  const std::vector<Fraction>& sequence() const { return sequence_; }
  std::int64_t period() const { return lcd_; }  // L

  bool owns(std::uint64_t k) const;
  // How many of the indices 0 .. k-1 this segment owns (k6's ScaleInt64(k)).
  std::uint64_t rank(std::uint64_t k) const;
  // The global index of this segment's j-th element (0-based). REQUIRES: some segment owns it.
  std::uint64_t nth(std::uint64_t j) const;
  // This segment's share of `total` indexed things: rank(total).
  std::int64_t scale(std::int64_t total) const;

 private:
  ExecutionSegment segment_;
  std::vector<Fraction> sequence_{{0, 1}, {1, 1}};
  std::int64_t lcd_ = 1;
  std::vector<std::int64_t> owned_{0};  // the residues mod L this segment owns, ascending
};

// The striping of a whole sequence: owner[i] = index of the segment owning residue i (tests,
// `perfgate kube`). REQUIRES: a full, validated sequence.
std::vector<int> stripe_owners(const std::vector<Fraction>& sequence);

}  // namespace perfgate::plan
