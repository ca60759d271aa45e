// Change points in a series of run results: where did the mean shift, and is the shift real?
//
// detect_change_points() follows the approach of Hunter / Apache Otava (Fleming et al., "Hunter:
// Using Change Point Detection to Hunt for Performance Regressions", ICPE 2023):
//   1. Split: slide a window of `window` points over the series (step window / 2). Inside each
//      window run E-Divisive means (Matteson & James 2014, energy distance with exponent 1):
//      repeatedly pick, among the current segments, the split (tau, kappa) that maximises the
//      energy statistic Q, and keep it while a two-sided Student t-test between the two sides has
//      p <= a relaxed first-pass threshold (10 x max_pvalue when max_pvalue < 0.05). The union of
//      all windows' splits are the "weak" change points.
//   2. Merge: re-test every weak change point against its neighbours' segments; repeatedly drop
//      the one with the largest p-value while that p-value exceeds max_pvalue (then, once all are
//      significant, the one with the smallest relative change while it is <= min_magnitude),
//      re-testing the survivors each time.
// One deliberate difference: by default the t-test p-value is corrected for the choice of the split
// (ChangePointOptions::correct_for_selection), which removes most false positives on pure noise.
// The windowing bounds the cost (O(window^3) per window) and makes old change points stable as new
// points arrive. Significance uses a t-test rather than E-Divisive's permutation test, so results
// are deterministic. docs/history.md describes the algorithm in more detail.
//
// find_degradation_streaks() is the simpler trend alert: N consecutive points, each worse than the
// one before (direction-aware) and together worse by more than the noise, which a mean-shift test
// cannot see while the drift is gradual.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace perfgate::stats {

struct TTestResult {
  double t = 0;        // (mean_b - mean_a) / standard error; > 0 when b is larger
  double p_value = 1;  // two-sided; 1 when there are no degrees of freedom
  size_t degrees_of_freedom = 0;
};

// Student's two-sample t-test with pooled variance (equal variances assumed), two-sided.
// Two constant samples with different means give t = +-inf and p = 0.
TTestResult student_t_test(std::span<const double> a, std::span<const double> b);

struct ChangePointOptions {
  size_t window = 50;         // points per sliding window; >= 2
  double max_pvalue = 0.001;  // significance level of the final (merge) step
  double min_magnitude = 0;   // minimum relative change kept (0.05 = 5%); 0 keeps all significant
  // Multiply each split's t-test p-value by the number of positions the split could have taken
  // (Bonferroni). Hunter/Otava test the raw p-value, which on pure noise flags ~7% of 200-point
  // series at p = 0.001; corrected, ~0.2%. false reproduces Hunter/Otava.
  bool correct_for_selection = true;
};

struct ChangePoint {
  size_t index = 0;  // first point of the new regime: series[index] is "after"
  double mean_before = 0;
  double mean_after = 0;
  double stddev_before = 0;  // sample standard deviations of the two segments
  double stddev_after = 0;
  size_t count_before = 0;  // points in the segment before (back to the previous change point)
  size_t count_after = 0;   // points in the segment after (up to the next change point)
  double p_value = 1;       // of the t-test between the two segments (corrected: see the options)

  // (mean_after / mean_before - 1) * 100; 0 when mean_before is 0.
  double change_percent() const;
  // max(|after/before - 1|, |before/after - 1|): the relative size whichever way it is read.
  double magnitude() const;
};

// The change points of `series`, sorted by index. Series shorter than 3 points have none.
std::vector<ChangePoint> detect_change_points(std::span<const double> series,
                                              const ChangePointOptions& options = {});

// The split of `segment` (size >= 2) that maximises the E-Divisive energy statistic
// Q(X, Y) = 2/(n+m) * sum|x-y| - 2m/((n+m)(n-1)) * sum_{i<k}|x_i-x_k|
//                              - 2n/((n+m)(m-1)) * sum_{j<l}|y_j-y_l|
// over X = segment[0, tau), Y = segment[tau, kappa), 0 < tau < kappa <= size. Returns tau.
struct SplitCandidate {
  size_t index = 0;  // tau
  double q = 0;
};
SplitCandidate best_energy_split(std::span<const double> segment);

struct StreakOptions {
  size_t streak = 3;  // consecutive worse points that make an alert
  // Each step must be worse by more than this, relative to the previous point (0.01 = 1%).
  double min_step = 0;
  // The streak's total change must exceed this many noise sigmas, the noise being measured on
  // the `noise_window` points before the streak (noise_sigma). 0 disables the check.
  double min_total_noise = 2.5;
  size_t noise_window = 50;
};

// Indices i at which `series[i]` completes a run of `streak` consecutive degradations: each of
// series[i - streak + 1 .. i] worse than the point before it, by the thresholds of `options`.
// Worse means larger when `lower_is_better`, smaller otherwise. On pure Gaussian noise a streak
// of 3 completes at about 1 point in 24 with no noise threshold and 1 in 75 with the default
// (measured; see docs/history.md), so alerts are a hint, not proof.
std::vector<size_t> find_degradation_streaks(std::span<const double> series, bool lower_is_better,
                                             const StreakOptions& options = {});

// A robust estimate of the point-to-point noise of a series: the median absolute successive
// difference / (0.6745 * sqrt 2), which is sigma for Gaussian noise and is barely moved by a few
// level shifts. 0 for fewer than 2 points.
double noise_sigma(std::span<const double> series);

}  // namespace perfgate::stats
