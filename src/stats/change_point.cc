#include "stats/change_point.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

#include "stats/descriptive.h"

namespace perfgate::stats {
namespace {

// Half-open range [begin, end) of series positions.
struct Segment {
  size_t begin = 0;
  size_t end = 0;
  size_t size() const { return end - begin; }
};

// The segments between consecutive (sorted) cut positions over [begin, end).
std::vector<Segment> segments_between(const std::vector<size_t>& cuts, size_t begin, size_t end) {
  std::vector<Segment> out;
  size_t from = begin;
  for (size_t cut : cuts) {
    if (cut > from) out.push_back({from, cut});
    from = cut;
  }
  if (end > from) out.push_back({from, end});
  return out;
}

// Student t-test of series[left] against series[right]. With `corrected`, Bonferroni over the
// positions the split could have taken: the split was chosen because it looked most different, so
// the raw p-value of that one split overstates the evidence (see docs/history.md).
double split_p_value(std::span<const double> series, Segment left, Segment right, bool corrected) {
  const double p = student_t_test(series.subspan(left.begin, left.size()),
                                  series.subspan(right.begin, right.size()))
                       .p_value;
  if (!corrected) return p;
  return std::min(1.0, p * static_cast<double>(left.size() + right.size() - 1));
}

// E-Divisive inside series[window]: hierarchical splitting while the t-test accepts the split at
// `threshold`. Returns absolute indices, unsorted.
std::vector<size_t> divide_window(std::span<const double> series, Segment window, double threshold,
                                  bool corrected) {
  std::vector<size_t> cuts;
  for (;;) {
    std::sort(cuts.begin(), cuts.end());
    Segment best_segment;
    SplitCandidate best{0, -std::numeric_limits<double>::infinity()};
    for (const Segment& segment : segments_between(cuts, window.begin, window.end)) {
      if (segment.size() < 2) continue;
      SplitCandidate candidate = best_energy_split(series.subspan(segment.begin, segment.size()));
      if (candidate.q > best.q) {
        best = {segment.begin + candidate.index, candidate.q};
        best_segment = segment;
      }
    }
    if (best_segment.size() < 2) break;
    const double p = split_p_value(series, {best_segment.begin, best.index},
                                   {best.index, best_segment.end}, corrected);
    if (!(p <= threshold)) break;  // the strongest remaining split is not significant: done
    cuts.push_back(best.index);
  }
  return cuts;
}

// Hunter's relaxed first-pass level: the split step over-collects, the merge step decides.
double first_pass_pvalue(double max_pvalue) {
  if (max_pvalue < 0.05) return max_pvalue * 10;
  if (max_pvalue < 0.5) return max_pvalue * 2;
  return max_pvalue;
}

// Weak change points: the union over sliding windows, sorted and unique.
std::vector<size_t> split_step(std::span<const double> series, size_t window, double threshold,
                               bool corrected) {
  const size_t n = series.size();
  const size_t step = std::max<size_t>(1, window / 2);
  std::vector<size_t> all;
  for (size_t start = 0; start < n;) {
    const size_t end = std::min(start + window, n);
    std::vector<size_t> found = divide_window(series, {start, end}, threshold, corrected);
    const size_t last = found.empty() ? 0 : *std::max_element(found.begin(), found.end());
    all.insert(all.end(), found.begin(), found.end());
    start = std::max(last, start + step);
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

// Statistics of each cut against its neighbouring segments.
std::vector<ChangePoint> describe(std::span<const double> series, const std::vector<size_t>& cuts,
                                  bool corrected) {
  std::vector<ChangePoint> out;
  for (size_t i = 0; i < cuts.size(); ++i) {
    const size_t begin = i == 0 ? 0 : cuts[i - 1];
    const size_t end = i + 1 == cuts.size() ? series.size() : cuts[i + 1];
    auto before = series.subspan(begin, cuts[i] - begin);
    auto after = series.subspan(cuts[i], end - cuts[i]);
    ChangePoint cp;
    cp.index = cuts[i];
    cp.mean_before = mean(before);
    cp.mean_after = mean(after);
    cp.stddev_before = stddev(before);
    cp.stddev_after = stddev(after);
    cp.count_before = before.size();
    cp.count_after = after.size();
    cp.p_value = split_p_value(series, {begin, cuts[i]}, {cuts[i], end}, corrected);
    out.push_back(cp);
  }
  return out;
}

// Drops the weakest change point while any is not significant or too small; re-tests the rest.
std::vector<ChangePoint> merge_step(std::span<const double> series, std::vector<size_t> cuts,
                                    const ChangePointOptions& options) {
  for (;;) {
    std::vector<ChangePoint> points = describe(series, cuts, options.correct_for_selection);
    if (points.empty()) return points;
    auto weakest = std::max_element(points.begin(), points.end(), [](const auto& a, const auto& b) {
      return a.p_value < b.p_value;
    });
    if (weakest->p_value <= options.max_pvalue) {
      weakest = std::min_element(points.begin(), points.end(), [](const auto& a, const auto& b) {
        return a.magnitude() < b.magnitude();
      });
      if (weakest->magnitude() > options.min_magnitude) return points;
    }
    cuts.erase(cuts.begin() + (weakest - points.begin()));
  }
}

}  // namespace

TTestResult student_t_test(std::span<const double> a, std::span<const double> b) {
  TTestResult result;
  if (a.empty() || b.empty() || a.size() + b.size() < 3) return result;
  const double n1 = static_cast<double>(a.size()), n2 = static_cast<double>(b.size());
  result.degrees_of_freedom = a.size() + b.size() - 2;
  const double df = static_cast<double>(result.degrees_of_freedom);
  const double pooled_variance = ((n1 - 1) * variance(a) + (n2 - 1) * variance(b)) / df;
  const double difference = mean(b) - mean(a);
  const double standard_error = std::sqrt(pooled_variance * (1 / n1 + 1 / n2));
  if (standard_error == 0) {
    if (difference == 0) return result;  // identical constants: no evidence either way
    result.t = std::copysign(std::numeric_limits<double>::infinity(), difference);
    result.p_value = 0;
    return result;
  }
  result.t = difference / standard_error;
  if (!std::isfinite(result.t)) return result;
  const boost::math::students_t distribution(df);
  result.p_value = std::min(
      1.0, 2 * boost::math::cdf(boost::math::complement(distribution, std::fabs(result.t))));
  return result;
}

double ChangePoint::change_percent() const {
  return mean_before == 0 ? 0 : (mean_after / mean_before - 1) * 100;
}

double ChangePoint::magnitude() const {
  const double forward = mean_before == 0 ? 0 : std::fabs(mean_after / mean_before - 1);
  const double backward = mean_after == 0 ? 0 : std::fabs(mean_before / mean_after - 1);
  return std::max(forward, backward);
}

SplitCandidate best_energy_split(std::span<const double> z) {
  const size_t size = z.size();
  SplitCandidate best{1, -std::numeric_limits<double>::infinity()};
  double within_x = 0;  // sum of |x_i - x_k| over pairs in z[0, tau)
  for (size_t tau = 1; tau < size; ++tau) {
    for (size_t i = 0; i + 1 < tau; ++i) within_x += std::fabs(z[i] - z[tau - 1]);
    double cross = 0;     // sum of |x - y| over X x Y
    double within_y = 0;  // sum of |y_j - y_l| over pairs in z[tau, kappa)
    const double n = static_cast<double>(tau);
    for (size_t kappa = tau + 1; kappa <= size; ++kappa) {
      const double y = z[kappa - 1];
      for (size_t i = 0; i < tau; ++i) cross += std::fabs(z[i] - y);
      for (size_t j = tau; j + 1 < kappa; ++j) within_y += std::fabs(z[j] - y);
      const double m = static_cast<double>(kappa - tau);
      double q = 2 / (n + m) * cross;
      if (tau > 1) q -= 2 * m / ((n + m) * (n - 1)) * within_x;
      if (kappa - tau > 1) q -= 2 * n / ((n + m) * (m - 1)) * within_y;
      if (q > best.q) best = {tau, q};
    }
  }
  return best;
}

std::vector<ChangePoint> detect_change_points(std::span<const double> series,
                                              const ChangePointOptions& options) {
  if (series.size() < 3) return {};
  const size_t window = std::max<size_t>(2, options.window);
  std::vector<size_t> weak = split_step(series, window, first_pass_pvalue(options.max_pvalue),
                                        options.correct_for_selection);
  return merge_step(series, std::move(weak), options);
}

std::vector<size_t> find_degradation_streaks(std::span<const double> series, bool lower_is_better,
                                             const StreakOptions& options) {
  std::vector<size_t> out;
  if (options.streak == 0) return out;
  auto worse_by = [&](double from, double to) { return lower_is_better ? to - from : from - to; };
  size_t run = 0;
  for (size_t i = 1; i < series.size(); ++i) {
    const double step = worse_by(series[i - 1], series[i]);
    run = step > 0 && step > options.min_step * std::fabs(series[i - 1]) ? run + 1 : 0;
    if (run < options.streak) continue;
    const size_t start = i - options.streak;  // the last point before the streak
    const size_t first = start + 1 > options.noise_window ? start + 1 - options.noise_window : 0;
    const double noise = noise_sigma(series.subspan(first, start + 1 - first));
    if (worse_by(series[start], series[i]) > options.min_total_noise * noise) out.push_back(i);
  }
  return out;
}

double noise_sigma(std::span<const double> series) {
  if (series.size() < 2) return 0;
  std::vector<double> steps;
  steps.reserve(series.size() - 1);
  for (size_t i = 1; i < series.size(); ++i) steps.push_back(std::fabs(series[i] - series[i - 1]));
  // 0.6745 = the normal distribution's third quartile: MAD -> sigma; sqrt 2: a difference of two
  // independent points has twice the variance of one.
  return median(steps) / (0.6745 * std::sqrt(2.0));
}

}  // namespace perfgate::stats
