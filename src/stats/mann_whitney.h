// The Mann-Whitney U test (Wilcoxon rank-sum): do two independent samples come from the same
// distribution, against the two-sided alternative that one tends to be larger?
//
// U1 = R1 - n1 (n1 + 1) / 2, where R1 is the sum of the first sample's ranks in the pooled
// sample, tied values getting the mean of their ranks (midranks); U2 = n1 n2 - U1.
// p-value (two-sided):
//   - exact: when there are no ties and n1, n2 <= kExactMaxN, from the exact null distribution of
//     U (all C(n1+n2, n1) arrangements equally likely), p = min(1, 2 min(P(U <= u), P(U >= u)));
//   - otherwise the normal approximation with tie correction and continuity correction:
//     z = (|U1 - n1 n2 / 2| - 0.5) / sigma,
//     sigma^2 = n1 n2 / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1))), p = erfc(|z| / sqrt 2);
//     p = 1 when sigma = 0 (every value tied).
// These are the rules of SciPy's mannwhitneyu(method="auto", use_continuity=True) except that
// SciPy switches to the normal approximation already from n = 8.
//
// Large samples (histograms) are passed as (value, count) pairs, so the cost is linear in the
// number of distinct values, not in the number of observations.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace perfgate::stats {

inline constexpr int64_t kExactMaxN = 50;

struct MannWhitneyResult {
  double u1 = 0;       // U statistic of the first sample
  double u2 = 0;       // n1 * n2 - u1
  double z = 0;        // normal-approximation z (signed: > 0 when the first sample is larger)
  double p_value = 1;  // two-sided
  bool exact = false;  // p from the exact distribution
  int64_t n1 = 0;
  int64_t n2 = 0;
  // P(X > Y) + P(X = Y) / 2 estimated as u1 / (n1 n2): the common-language effect size.
  double probability_greater() const {
    return n1 * n2 > 0 ? u1 / (static_cast<double>(n1) * static_cast<double>(n2)) : 0.5;
  }
};

// (value, count) pairs, ascending by value with distinct values; counts > 0.
using WeightedSample = std::vector<std::pair<double, int64_t>>;

// Sorts and groups raw samples into a WeightedSample.
WeightedSample to_weighted(std::span<const double> samples);

MannWhitneyResult mann_whitney_u(std::span<const double> x, std::span<const double> y);
MannWhitneyResult mann_whitney_u(const WeightedSample& x, const WeightedSample& y);

// P(U <= u) under the null hypothesis with no ties, for n1, n2 <= kExactMaxN.
double exact_u_cdf(int64_t n1, int64_t n2, double u);

}  // namespace perfgate::stats
