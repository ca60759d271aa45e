#include "analysis/history/newest_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "stats/change_point.h"
#include "stats/descriptive.h"

namespace perfgate::analysis::history {

NewestRunVerdict judge_newest_run(const Series& series, size_t change_start,
                                  const NewestRunOptions& options) {
  NewestRunVerdict out;
  const std::vector<double> values = series.values();
  if (values.size() < 2) return out;
  const size_t newest = values.size() - 1;
  size_t first = std::min(change_start, newest - 1);
  if (newest - first > options.window) first = newest - options.window;
  const std::span<const double> reference(values.data() + first, newest - first);
  const double median = stats::median(reference);
  const double value = values[newest];
  const double delta =
      series.direction == Direction::kLowerIsBetter ? value - median : median - value;
  const double relative = median != 0 ? delta / std::fabs(median) : (delta > 0 ? INFINITY : 0);
  const double sigma = reference.size() >= 3 ? stats::noise_sigma(reference) : 0;
  const double needed = std::max(options.noise_floor, options.sigmas * sigma);
  out.regression = relative > options.min_step && delta > needed;
  if (!out.regression) return out;
  const SeriesPoint& run = series.points[newest];
  out.reason = fmt::format(
      "run #{}{} is {:+.1f}% worse than the median {:.6g} {} of the {} run(s) before it ({:.6g} "
      "{}; thresholds: {:.0f}%, the {:g} {} noise floor{})",
      run.run_id, run.commit.empty() ? "" : fmt::format(" ({})", run.commit.substr(0, 12)),
      relative * 100, median, series.unit, reference.size(), value, series.unit,
      options.min_step * 100, options.noise_floor, series.unit,
      reference.size() >= 3 ? fmt::format(", {:g} x run-to-run noise {:.3g}", options.sigmas, sigma)
                            : std::string(", no noise estimate from fewer than 3 runs"));
  return out;
}

}  // namespace perfgate::analysis::history
