#include "analysis/compare.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "core/escape.h"
#include "core/text_format.h"
#include "stats/mann_whitney.h"
#include "stats/quantile.h"

namespace perfgate::analysis {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double change_of(double baseline, double current) {
  if (baseline == 0) return current == 0 ? 0 : std::copysign(kInf, current);
  return current / baseline - 1;
}

std::string percent(double fraction) {
  if (std::isinf(fraction)) return fraction > 0 ? "+inf%" : "-inf%";
  return fmt::format("{:+.1f}%", fraction * 100);
}

// How much worse `change` is, as a positive fraction (0 when it is better or equal).
double worsening(double change, Direction direction) {
  return direction == Direction::kLowerIsBetter ? std::max(0.0, change) : std::max(0.0, -change);
}

Severity severity_of(double worse, const CompareOptions& o) {
  if (worse >= o.critical) return Severity::kCritical;
  if (worse >= o.major) return Severity::kMajor;
  if (worse >= o.minor) return Severity::kMinor;
  return Severity::kNone;
}

// The statistic a distribution is compared on, or nullopt when `stat` is not one.
std::optional<stats::Statistic> statistic_of(std::string_view stat) {
  if (stat == "avg" || stat == "mean") return stats::Statistic::mean();
  if (auto p = stats::parse_percentile(stat)) return stats::Statistic::quantile(*p);
  return std::nullopt;
}

int min_samples(const stats::Statistic& s) {
  return s.kind == stats::Statistic::Kind::kMean ? stats::kMinSamples
                                                 : stats::min_samples_for_quantile(s.p);
}

stats::WeightedSample weighted_of(const Metric& m) {
  if (!m.histogram) return stats::to_weighted(m.samples);
  stats::WeightedSample out;
  const HdrHistogram& h = *m.histogram;
  for (int32_t i = 0; i < h.counts_length(); ++i) {
    if (h.count_at_index(i) == 0) continue;
    const auto v = std::min(h.highest_equivalent(h.value_at_index(i)), h.max());
    out.emplace_back(static_cast<double>(v) * m.histogram_scale, h.count_at_index(i));
  }
  return out;
}

stats::Distribution distribution_of(const Metric& m) {
  return m.histogram ? stats::Distribution::of_histogram(*m.histogram, m.histogram_scale)
                     : stats::Distribution::of_samples(m.samples);
}

void judge_single(MetricComparison& r, const CompareOptions& o) {
  const double worse = worsening(r.change, r.direction);
  const double better = worsening(-r.change, r.direction);
  const std::string how = fmt::format(
      "single values (no samples): compared with the {:.0f}% noise threshold only", o.noise * 100);
  if (worse > o.noise) {
    r.verdict = Verdict::kRegression;
    r.severity = severity_of(worse, o);
    r.reason = fmt::format("{} worse; {}", percent(r.change), how);
  } else if (better > o.noise) {
    r.verdict = Verdict::kImprovement;
    r.reason = fmt::format("{} better; {}", percent(r.change), how);
  } else {
    r.verdict = Verdict::kNoChange;
    r.reason = fmt::format("{} is within noise; {}", percent(r.change), how);
  }
}

// A regression or improvement whose absolute change is within the unit's noise floor is none.
void apply_noise_floor(MetricComparison& r) {
  if (r.verdict != Verdict::kRegression && r.verdict != Verdict::kImprovement) return;
  const double delta = std::abs(r.current - r.baseline);
  if (!(delta <= r.noise_floor)) return;  // NaN-safe: an undefined change is not floored
  const double change = r.current - r.baseline;
  r.reason = fmt::format("{} ({}{}) is within the {} noise floor; {}", percent(r.change),
                         change >= 0 ? "+" : "", format_value(change, r.unit),
                         format_value(r.noise_floor, r.unit), r.reason);
  r.verdict = Verdict::kNoChange;
  r.severity = Severity::kNone;
}

void judge_distribution(MetricComparison& r, const Metric& b, const Metric& c,
                        const stats::Statistic& statistic, const CompareOptions& o) {
  r.method = Method::kDistribution;
  const stats::Distribution db = distribution_of(b), dc = distribution_of(c);
  r.baseline_count = db.count();
  r.current_count = dc.count();
  const stats::RatioInterval ci = stats::bootstrap_ratio(db, dc, statistic, o.bootstrap);
  r.baseline = ci.baseline;
  r.current = ci.current;
  r.change = change_of(ci.baseline, ci.current);
  const int needed = min_samples(statistic);
  if (r.baseline_count < needed || r.current_count < needed) {
    r.verdict = Verdict::kInsufficientData;
    r.reason = fmt::format("{} vs {} samples; {} needs at least {} per side", r.baseline_count,
                           r.current_count, r.statistic, needed);
    return;
  }
  r.ci_lower = ci.lower;
  r.ci_upper = ci.upper;
  r.p_value = stats::mann_whitney_u(weighted_of(b), weighted_of(c)).p_value;
  const bool lower_better = r.direction == Direction::kLowerIsBetter;
  // The bound nearest to "no change", expressed as a worsening / an improvement.
  const double worse_bound = lower_better ? ci.lower - 1 : 1 - ci.upper;
  const double better_bound = lower_better ? 1 - ci.upper : ci.lower - 1;
  const bool significant = *r.p_value < o.alpha;
  const std::string evidence =
      fmt::format("ratio {:.3f}, 95% CI [{:.3f}, {:.3f}], Mann-Whitney p = {:.3g}, n = {} vs {}",
                  ci.ratio, ci.lower, ci.upper, *r.p_value, r.baseline_count, r.current_count);
  if (significant && worse_bound > o.noise) {
    r.verdict = Verdict::kRegression;
    r.severity = severity_of(worsening(r.change, r.direction), o);
    r.reason = fmt::format("{} worse: {}", percent(r.change), evidence);
  } else if (significant && better_bound > o.noise) {
    r.verdict = Verdict::kImprovement;
    r.reason = fmt::format("{} better: {}", percent(r.change), evidence);
  } else {
    r.verdict = Verdict::kNoChange;
    r.reason = significant
                   ? fmt::format("CI reaches the ±{:.0f}% noise band: {}", o.noise * 100, evidence)
                   : fmt::format("not significant (p >= {}): {}", o.alpha, evidence);
  }
}

bool selected(const std::string& key, const CompareOptions& o) {
  if (o.metric_filters.empty()) return true;
  for (const auto& f : o.metric_filters) {
    if (key.find(f) != std::string::npos) return true;
  }
  return false;
}

MetricComparison compare_metric(const Metric& b, const Metric& c, double floor,
                                const CompareOptions& o) {
  MetricComparison r;
  r.key = c.key();
  r.unit = c.unit;
  r.direction = c.direction;
  r.noise_floor = floor;
  const auto own = statistic_of(c.stat);
  if (b.histogram && c.histogram && own && b.histogram->count() > 0 && c.histogram->count() > 0) {
    r.statistic = c.stat;
    judge_distribution(r, b, c, *own, o);
  } else if (!b.samples.empty() && !c.samples.empty()) {
    r.statistic = o.stat;
    judge_distribution(r, b, c, *statistic_of(o.stat), o);
  } else {
    r.statistic = c.stat.empty() ? "value" : c.stat;
    r.baseline = b.value;
    r.current = c.value;
    r.change = change_of(b.value, c.value);
    if (b.needs_samples || c.needs_samples) {
      r.verdict = Verdict::kInsufficientData;
      r.reason = "a single value with no per-run samples has no noise estimate: not judged";
      return r;
    }
    judge_single(r, o);
  }
  apply_noise_floor(r);
  return r;
}

MetricComparison missing(const Metric& m, bool in_current) {
  MetricComparison r{.key = m.key(), .unit = m.unit, .direction = m.direction};
  (in_current ? r.current : r.baseline) = m.value;
  r.verdict = Verdict::kMissing;
  r.reason = in_current ? "only in the current results" : "only in the baseline";
  return r;
}

}  // namespace

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kRegression:
      return "regression";
    case Verdict::kImprovement:
      return "improvement";
    case Verdict::kNoChange:
      return "no change";
    case Verdict::kInsufficientData:
      return "insufficient data";
    case Verdict::kMissing:
      return "missing";
  }
  return "?";
}

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::kNone:
      return "none";
    case Severity::kMinor:
      return "minor";
    case Severity::kMajor:
      return "major";
    case Severity::kCritical:
      return "critical";
  }
  return "?";
}

Result<Severity> parse_severity(std::string_view text) {
  for (Severity s : {Severity::kNone, Severity::kMinor, Severity::kMajor, Severity::kCritical}) {
    if (text == to_string(s)) return s;
  }
  return make_error(fmt::format("unknown severity '{}'", text),
                    "use none, minor, major or critical");
}

Severity Comparison::worst_regression() const {
  Severity worst = Severity::kNone;
  for (const auto& m : metrics) {
    if (m.verdict == Verdict::kRegression && m.severity > worst) worst = m.severity;
  }
  return worst;
}

int Comparison::count(Verdict verdict) const {
  int n = 0;
  for (const auto& m : metrics) n += m.verdict == verdict;
  return n;
}

Result<Comparison> compare(const MetricTable& baseline, const MetricTable& current,
                           const CompareOptions& options) {
  if (!statistic_of(options.stat)) {
    return make_error(fmt::format("unknown statistic '{}'", options.stat),
                      "use med, avg, or a percentile such as p95 or p(99.9)");
  }
  Comparison out;
  out.baseline_source = baseline.source;
  out.current_source = current.source;
  out.options = options;
  const std::string_view format = current.format;
  const bool default_set = !options.all && options.metric_filters.empty();
  const auto judged = [&](const Metric& m) {
    return selected(m.key(), options) && (!default_set || judged_by_default(m, format));
  };
  for (const Metric& c : current.metrics) {
    if (!judged(c)) {
      out.left_out += selected(c.key(), options);
      continue;
    }
    const Metric* b = baseline.find(c.key());
    if (b == nullptr) {
      out.metrics.push_back(missing(c, true));
      continue;
    }
    out.metrics.push_back(
        compare_metric(*b, c, noise_floor(c.unit, format, options.noise_floors), options));
  }
  for (const Metric& b : baseline.metrics) {
    if (!judged(b) || current.find(b.key()) != nullptr) continue;
    out.metrics.push_back(missing(b, false));
  }
  return out;
}

}  // namespace perfgate::analysis
