#include "stats/mann_whitney.h"

#include <algorithm>
#include <cmath>

namespace perfgate::stats {
namespace {

// Frequencies of U = 0..n1*n2 over all arrangements, by the recurrence
// f(m, n, u) = f(m - 1, n, u - n) + f(m, n - 1, u), as probabilities to stay in range.
std::vector<double> exact_u_distribution(int64_t n1, int64_t n2) {
  // dist[m][u] for the current n (rolling over n): start with n = 0, where U = 0 always.
  std::vector<std::vector<double>> dist(static_cast<size_t>(n1 + 1));
  for (auto& row : dist) row.assign(1, 1.0);
  for (int64_t n = 1; n <= n2; ++n) {
    // For m = 0 the distribution stays {1}. For m >= 1 use the previous n (dist[m]) and the
    // already-updated dist[m - 1] at the same n, weighted by the probabilities of which sample
    // holds the largest value: m / (m + n) and n / (m + n).
    for (int64_t m = 1; m <= n1; ++m) {
      std::vector<double> next(static_cast<size_t>(m * n + 1), 0.0);
      const double p_first = static_cast<double>(m) / static_cast<double>(m + n);
      const auto& with_first_largest = dist[m - 1];  // (m - 1, n): that value adds n to U
      const auto& with_second_largest = dist[m];     // (m, n - 1)
      for (size_t u = 0; u < with_first_largest.size(); ++u) {
        next[u + static_cast<size_t>(n)] += p_first * with_first_largest[u];
      }
      for (size_t u = 0; u < with_second_largest.size(); ++u) {
        next[u] += (1 - p_first) * with_second_largest[u];
      }
      dist[m] = std::move(next);
    }
  }
  return dist[n1];
}

}  // namespace

WeightedSample to_weighted(std::span<const double> samples) {
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  WeightedSample out;
  for (double v : sorted) {
    if (!out.empty() && out.back().first == v) {
      ++out.back().second;
    } else {
      out.emplace_back(v, 1);
    }
  }
  return out;
}

double exact_u_cdf(int64_t n1, int64_t n2, double u) {
  const std::vector<double> dist = exact_u_distribution(n1, n2);
  double cdf = 0;
  for (size_t k = 0; k < dist.size() && static_cast<double>(k) <= u + 1e-9; ++k) cdf += dist[k];
  return std::min(cdf, 1.0);
}

MannWhitneyResult mann_whitney_u(std::span<const double> x, std::span<const double> y) {
  return mann_whitney_u(to_weighted(x), to_weighted(y));
}

MannWhitneyResult mann_whitney_u(const WeightedSample& x, const WeightedSample& y) {
  MannWhitneyResult r;
  for (const auto& [v, c] : x) r.n1 += c;
  for (const auto& [v, c] : y) r.n2 += c;
  if (r.n1 == 0 || r.n2 == 0) return r;
  // Walk the union of distinct values in order; each tie group gets its midrank.
  double rank_sum_x = 0, tie_term = 0, rank_before = 0;
  bool ties = false;
  size_t i = 0, j = 0;
  while (i < x.size() || j < y.size()) {
    double value;
    if (j >= y.size() || (i < x.size() && x[i].first <= y[j].first)) {
      value = x[i].first;
    } else {
      value = y[j].first;
    }
    const double a = (i < x.size() && x[i].first == value) ? static_cast<double>(x[i++].second) : 0;
    const double b = (j < y.size() && y[j].first == value) ? static_cast<double>(y[j++].second) : 0;
    const double t = a + b;
    rank_sum_x += a * (rank_before + (t + 1) / 2);
    tie_term += t * t * t - t;
    if (t > 1) ties = true;
    rank_before += t;
  }
  const double n1 = static_cast<double>(r.n1), n2 = static_cast<double>(r.n2), n = n1 + n2;
  r.u1 = rank_sum_x - n1 * (n1 + 1) / 2;
  r.u2 = n1 * n2 - r.u1;
  const double mu = n1 * n2 / 2;
  const double sigma = std::sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))));
  r.z = sigma > 0 ? (r.u1 - mu) / sigma : 0;
  if (!ties && r.n1 <= kExactMaxN && r.n2 <= kExactMaxN) {
    const std::vector<double> dist = exact_u_distribution(r.n1, r.n2);
    double low = 0, high = 0;  // P(U <= u1), P(U >= u1)
    for (size_t k = 0; k < dist.size(); ++k) {
      if (static_cast<double>(k) <= r.u1 + 1e-9) low += dist[k];
      if (static_cast<double>(k) >= r.u1 - 1e-9) high += dist[k];
    }
    r.p_value = std::min(1.0, 2 * std::min(low, high));
    r.exact = true;
    return r;
  }
  if (sigma <= 0) {
    r.p_value = 1;
    return r;
  }
  const double z_corrected = std::max(0.0, std::abs(r.u1 - mu) - 0.5) / sigma;
  r.p_value = std::min(1.0, std::erfc(z_corrected / std::sqrt(2.0)));
  return r;
}

}  // namespace perfgate::stats
