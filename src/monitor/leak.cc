#include "monitor/leak.h"

#include <fmt/format.h>

#include <vector>

#include "monitor/linear_fit.h"

namespace perfgate::monitor {
namespace {

constexpr double kBytesPerMb = 1e6;
constexpr double kSecondsPerHour = 3600;

bool uses_cgroup_memory(const TargetReport& target) {
  for (const TargetPoint& p : target.points) {
    if (!p.cgroup || !p.cgroup->memory_current_bytes) return false;
  }
  return !target.points.empty();
}

}  // namespace

LeakAnalysis analyze_leak(const TargetReport& target, double interval_s,
                          const LeakOptions& options) {
  LeakAnalysis leak;
  leak.threshold_mb_per_hour = options.threshold_mb_per_hour;
  const bool cgroup = uses_cgroup_memory(target);
  leak.memory_metric = cgroup ? "memory_current_bytes" : "rss_bytes";
  if (target.points.empty()) {
    leak.reason = "no samples";
    return leak;
  }
  const double first_t = target.points.front().t_s;
  const double last_t = target.points.back().t_s;
  leak.warmup_s = options.warmup_s.value_or(first_t + options.warmup_fraction * (last_t - first_t));
  std::vector<double> xs, ys;
  for (const TargetPoint& p : target.points) {
    if (p.t_s < leak.warmup_s) continue;
    xs.push_back(p.t_s);
    ys.push_back(cgroup ? *p.cgroup->memory_current_bytes : p.rss_bytes);
  }
  leak.points = static_cast<int>(xs.size());
  const double span = xs.empty() ? 0 : xs.back() - xs.front();
  if (leak.points < options.min_points || span < 3 * interval_s) {
    leak.reason = fmt::format("too few steady-state samples: {} over {:.1f}s, need {} over {}s",
                              leak.points, span, options.min_points, 3 * interval_s);
    return leak;
  }
  const LinearFit fit = fit_line(xs, ys, options.confidence);
  if (!fit.valid) {
    leak.reason = "samples do not span any time";
    return leak;
  }
  const double scale = kSecondsPerHour / kBytesPerMb;  // bytes/s -> MB/hour
  leak.analysed = true;
  leak.slope_mb_per_hour = fit.slope * scale;
  leak.ci_low_mb_per_hour = fit.ci_low * scale;
  leak.ci_high_mb_per_hour = fit.ci_high * scale;
  leak.n_effective = fit.n_effective;
  leak.suspected =
      leak.ci_low_mb_per_hour > 0 && leak.slope_mb_per_hour > options.threshold_mb_per_hour;
  if (leak.suspected) {
    leak.reason = "the slope's 95% interval is above zero and the slope above the threshold";
  } else if (leak.ci_low_mb_per_hour > 0) {
    leak.reason = "growth is significant but below the threshold";
  } else {
    leak.reason = "no significant growth (the 95% interval includes zero or lies below it)";
  }
  return leak;
}

void analyze_leaks(MonitorReport& report, const LeakOptions& options) {
  for (TargetReport& t : report.targets) t.leak = analyze_leak(t, report.interval_s, options);
}

}  // namespace perfgate::monitor
