#include "stats/knee.h"

#include <algorithm>
#include <numeric>
#include <vector>

namespace perfgate::stats {

std::optional<Knee> find_knee(std::span<const double> x, std::span<const double> y) {
  if (x.size() < 3 || x.size() != y.size()) return std::nullopt;
  std::vector<size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return x[a] != x[b] ? x[a] < x[b] : y[a] < y[b]; });
  const auto [x_min, x_max] = std::minmax_element(x.begin(), x.end());
  const auto [y_min, y_max] = std::minmax_element(y.begin(), y.end());
  const double x_span = *x_max - *x_min, y_span = *y_max - *y_min;
  if (x_span <= 0 || y_span <= 0) return std::nullopt;
  std::optional<Knee> best;
  for (size_t k = 1; k + 1 < order.size(); ++k) {
    const size_t i = order[k];
    const double d = (x[i] - *x_min) / x_span - (y[i] - *y_min) / y_span;
    if (d > 1e-9 && (!best || d > best->difference)) best = Knee{i, x[i], y[i], d};
  }
  return best;
}

}  // namespace perfgate::stats
