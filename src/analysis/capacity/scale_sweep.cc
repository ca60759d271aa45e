#include "analysis/capacity/scale_sweep.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace perfgate::analysis::capacity {
namespace {

constexpr int kMaxVus = 100000;
constexpr size_t kMaxPoints = 64;

Result<int> parse_count(std::string_view s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 1 || v > kMaxVus) {
    return make_error(fmt::format("'{}' is not a VU count between 1 and {}", s, kMaxVus));
  }
  return v;
}

void describe_fit(const stats::ScalabilityFit& fit, const std::string& unit,
                  std::vector<std::string>& out) {
  const stats::LawFit& u = fit.usl;
  const std::string who = unit == "vus" ? "users" : "instances";
  if (fit.verdict == "usl" && u.has_peak) {
    out.push_back(fmt::format(
        "contention σ={:.3g} [{:.3g}, {:.3g}]: serialisation alone would limit speed-up to "
        "{:.0f}×; coherency κ={:.3g} [{:.3g}, {:.3g}] makes throughput fall past {:.0f} {} "
        "(peak {:.0f}/s)",
        u.sigma.value, u.sigma.low, u.sigma.high, u.sigma.value > 0 ? 1 / u.sigma.value : 0.0,
        u.kappa.value, u.kappa.low, u.kappa.high, u.peak_concurrency.value, who,
        u.peak_throughput));
  } else {
    const stats::LawFit& a = fit.amdahl;
    out.push_back(fmt::format(
        "Amdahl's law fits (F-test p={:.2g}: coherency adds nothing significant): contention "
        "σ={:.3g} [{:.3g}, {:.3g}] limits speed-up to {:.0f}× ({:.0f}/s at most)",
        fit.f_p_value, a.sigma.value, a.sigma.low, a.sigma.high, a.max_speedup,
        a.max_speedup * a.lambda.value));
  }
  out.push_back(fmt::format("USL R²={:.4f}, Amdahl R²={:.4f}; AIC {:.1f} vs {:.1f}", u.r2,
                            fit.amdahl.r2, u.aic, fit.amdahl.aic));
}

}  // namespace

Result<std::vector<int>> parse_vus_list(std::string_view text) {
  std::vector<int> out;
  if (const size_t dots = text.find(".."); dots != std::string_view::npos) {
    auto lo = parse_count(text.substr(0, dots));
    auto hi = parse_count(text.substr(dots + 2));
    if (!lo) return lo.error();
    if (!hi) return hi.error();
    if (*hi < *lo) return make_error(fmt::format("'{}': the range is empty", text));
    for (long n = *lo; n < *hi; n *= 2) out.push_back(static_cast<int>(n));
    out.push_back(*hi);
  } else {
    size_t start = 0;
    while (start <= text.size()) {
      size_t comma = text.find(',', start);
      if (comma == std::string_view::npos) comma = text.size();
      auto n = parse_count(text.substr(start, comma - start));
      if (!n) return n.error();
      out.push_back(*n);
      if (out.size() > kMaxPoints) break;
      start = comma + 1;
    }
  }
  if (out.size() > kMaxPoints) {
    return make_error(fmt::format("at most {} concurrency levels", kMaxPoints));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<ScaleResult> run_scale_sweep(TrialRunner& runner, const std::vector<int>& vus,
                                    double duration_seconds, double warmup_seconds) {
  std::vector<ScalePoint> points;
  for (int n : vus) {
    auto trial = runner.run(TrialLoad{0, n, duration_seconds, warmup_seconds});
    if (!trial) return trial.error();
    points.push_back(ScalePoint{static_cast<double>(n), trial->achieved_rate, trial->p95_ms,
                                trial->error_rate, 0, std::move(trial->results)});
  }
  return analyse_scale(std::move(points), "vus");
}

ScaleResult analyse_scale(std::vector<ScalePoint> points, std::string unit) {
  std::sort(points.begin(), points.end(),
            [](const ScalePoint& a, const ScalePoint& b) { return a.n < b.n; });
  ScaleResult r{std::move(unit), std::move(points), std::nullopt, {}, {}};
  if (r.points.empty()) return r;
  const double per_unit = r.points.front().throughput / r.points.front().n;
  std::vector<double> n, x;
  for (ScalePoint& p : r.points) {
    p.efficiency = per_unit > 0 ? p.throughput / (p.n * per_unit) : 0;
    n.push_back(p.n);
    x.push_back(p.throughput);
  }
  auto fit = stats::fit_scalability(n, x);
  if (!fit) {
    r.fit_error = fit.error().describe();
    r.findings.push_back("no scalability fit: " + r.fit_error);
  } else {
    r.fit = *fit;
    describe_fit(*fit, r.unit, r.findings);
  }
  for (size_t i = 1; i < r.points.size(); ++i) {
    const ScalePoint& a = r.points[i - 1];
    const ScalePoint& b = r.points[i];
    if (b.throughput < a.throughput) {
      r.findings.push_back(
          fmt::format("throughput fell from {:.0f}/s to {:.0f}/s going from {:g} "
                      "to {:g} {}: past the peak, more is slower",
                      a.throughput, b.throughput, a.n, b.n, r.unit));
      break;
    }
  }
  const ScalePoint& last = r.points.back();
  r.findings.push_back(fmt::format("efficiency at {:g} {}: {:.0f}% of linear scaling", last.n,
                                   r.unit, 100 * last.efficiency));
  return r;
}

}  // namespace perfgate::analysis::capacity
