#include "stats/quantile.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

namespace perfgate::stats {

double quantile_sorted(std::span<const double> sorted, double p) {
  const double h = static_cast<double>(sorted.size() - 1) * std::clamp(p, 0.0, 1.0);
  const auto k = static_cast<size_t>(std::floor(h));
  if (k + 1 >= sorted.size()) return sorted.back();
  const double low = sorted[k], high = sorted[k + 1], fraction = h - static_cast<double>(k);
  // Without these, an infinite neighbour (a bootstrap ratio over a zero baseline) turns the
  // interpolation into inf - inf or 0 * inf: NaN.
  if (fraction == 0 || low == high || std::isinf(low)) return low;
  if (std::isinf(high)) return high;
  return low + fraction * (high - low);
}

double quantile(std::span<const double> samples, double p) {
  std::vector<double> copy(samples.begin(), samples.end());
  return quantile_in_place(copy, p);
}

double quantile_in_place(std::span<double> samples, double p) {
  const double h = static_cast<double>(samples.size() - 1) * std::clamp(p, 0.0, 1.0);
  const auto k = static_cast<size_t>(std::floor(h));
  std::nth_element(samples.begin(), samples.begin() + static_cast<ptrdiff_t>(k), samples.end());
  const double low = samples[k];
  if (k + 1 >= samples.size() || h == static_cast<double>(k)) return low;
  // The next order statistic is the smallest element of the upper part.
  const double high =
      *std::min_element(samples.begin() + static_cast<ptrdiff_t>(k) + 1, samples.end());
  return low + (h - static_cast<double>(k)) * (high - low);
}

std::optional<double> parse_percentile(std::string_view stat) {
  if (stat == "med" || stat == "median") return 0.5;
  if (stat == "min") return 0.0;
  if (stat == "max") return 1.0;
  if (stat.size() < 2 || (stat[0] != 'p' && stat[0] != 'P')) return std::nullopt;
  stat.remove_prefix(1);
  if (stat.front() == '(') {
    if (stat.back() != ')') return std::nullopt;
    stat = stat.substr(1, stat.size() - 2);
  }
  const std::string digits(stat);
  if (digits.empty() || digits.find_first_not_of("0123456789.") != std::string::npos) {
    return std::nullopt;
  }
  char* end = nullptr;
  const double percent = std::strtod(digits.c_str(), &end);
  if (end != digits.c_str() + digits.size() || percent < 0 || percent > 100) return std::nullopt;
  return percent / 100.0;
}

int min_samples_for_quantile(double p) {
  const double tail = std::min(p, 1.0 - p);
  if (tail >= 0.25) return kMinSamples;
  if (tail <= 0) return kMinSamples;  // min and max: defined for any n, but noisy by nature
  return std::max(kMinSamples, static_cast<int>(std::ceil(4.0 / tail - 1e-9)));
}

}  // namespace perfgate::stats
