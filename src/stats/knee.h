// Knee of a latency-versus-throughput curve (the "hockey stick"): the point after which latency
// rises much faster than throughput. Kneedle (Satopää et al., "Finding a 'Kneedle' in a
// Haystack", ICDCSW 2011) for a convex increasing curve: both axes are scaled to [0, 1] over the
// points, and the knee is the point where x − y (the distance below the diagonal) is largest.
// Points are taken in order of increasing x (ties by y). There is no knee when there are fewer
// than 3 points or the largest difference is not above the end points' (a straight line or a
// concave curve).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

namespace perfgate::stats {

struct Knee {
  size_t index = 0;  // into the caller's arrays
  double x = 0;
  double y = 0;
  double difference = 0;  // the normalised x − y at the knee, in (0, 1]
};

// REQUIRES: x.size() == y.size().
std::optional<Knee> find_knee(std::span<const double> x, std::span<const double> y);

}  // namespace perfgate::stats
