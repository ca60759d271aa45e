#include "analysis/capacity/capacity_console.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace perfgate::analysis::capacity {
namespace {

std::string load_text(const TrialLoad& l) {
  return l.vus > 0 ? fmt::format("{} VUs", l.vus) : fmt::format("{:.1f}/s", l.rate);
}

std::string findings_text(const std::vector<std::string>& findings) {
  std::string out = "\n  Findings\n";
  for (const std::string& f : findings) out += "    - " + f + "\n";
  return out;
}

constexpr const char* kTrialHeader = "    {:<12} {:>11} {:>10} {:>10} {:>10} {:>8}  {}\n";

std::string trial_row(const TrialStats& t, const std::string& verdict) {
  return fmt::format("    {:<12} {:>9.1f}/s {:>8.2f}ms {:>8.2f}ms {:>8.2f}ms {:>7.2f}%  {}\n",
                     load_text(t.load), t.achieved_rate, t.p50_ms, t.p95_ms, t.p99_ms,
                     100 * t.error_rate, verdict);
}

}  // namespace

std::string format_trial_line(const TrialStats& t) {
  std::string line = fmt::format("  trial {:<12} achieved {:.1f}/s  p95 {:.2f} ms  errors {:.2f}%",
                                 load_text(t.load), t.achieved_rate, t.p95_ms, 100 * t.error_rate);
  if (t.resources.watched) {
    line += fmt::format("  target CPU {:.0f}% of {:.3g} core(s){}", t.resources.cpu_percent,
                        t.resources.cpu_cores_usable,
                        t.resources.limit.empty() ? "" : "  [" + t.resources.limit + "]");
  }
  return line;
}

std::string format_capacity(const CapacityResult& r) {
  std::string out = "\n  Capacity search\n";
  out += fmt::format(kTrialHeader, "offered", "achieved", "p50", "p95", "p99", "errors", "verdict");
  for (const JudgedTrial& t : r.trials) {
    const std::string verdict = t.generator_limited ? "generator-limited"
                                : t.passed          ? "pass"
                                           : fmt::format("FAIL {}", fmt::join(t.failed_slos, ", "));
    out += trial_row(t.stats, t.phase + ": " + verdict);
  }
  out += fmt::format("\n  sustainable_rate  {:.1f}/s   bracket [{:.1f}, {}]   limited by {}\n",
                     r.sustainable_rate, r.highest_passing,
                     r.lowest_failing > 0 ? fmt::format("{:.1f}", r.lowest_failing) : "-",
                     r.limited_by);
  out += fmt::format("  {} trials in {:.0f} s\n", r.trials.size(), r.spent_seconds);
  return out + findings_text(r.findings);
}

std::string format_stress(const StressResult& r) {
  std::string out = "\n  Stress steps\n";
  out += fmt::format(kTrialHeader, "load", "achieved", "p50", "p95", "p99", "errors", "");
  for (const StressStep& s : r.steps) {
    out += trial_row(s.stats, s.broke.empty() ? "" : "BROKE: " + s.broke);
  }
  if (r.recovery_measured) out += trial_row(r.recovery, "recovery window");
  if (r.broke) {
    out += fmt::format("\n  breaking load {}   failure mode {}   ", load_text(r.breaking_load),
                       r.failure_mode);
    out += r.recovered ? fmt::format("recovered after {:.0f} s\n", r.recovery_seconds)
                       : std::string("NOT recovered\n");
  } else {
    out += "\n  no breaking point found\n";
  }
  return out + findings_text(r.findings);
}

std::string format_scale(const ScaleResult& r) {
  std::string out = "\n  Scalability sweep\n";
  out += fmt::format("    {:>10} {:>12} {:>12} {:>10} {:>8} {:>11}\n", r.unit, "throughput",
                     "fitted(USL)", "p95", "errors", "efficiency");
  for (const ScalePoint& p : r.points) {
    const std::string fitted = r.fit ? fmt::format("{:.1f}/s", r.fit->usl.predict(p.n)) : "-";
    out += fmt::format("    {:>10g} {:>10.1f}/s {:>12} {:>8.2f}ms {:>7.2f}% {:>10.0f}%\n", p.n,
                       p.throughput, fitted, p.p95_ms, 100 * p.error_rate, 100 * p.efficiency);
  }
  if (r.fit) {
    const stats::LawFit& u = r.fit->usl;
    out += fmt::format(
        "\n  USL  λ={:.4g}  σ={:.4g} [{:.4g}, {:.4g}]  κ={:.4g} [{:.4g}, {:.4g}]  R²={:.4f}\n",
        u.lambda.value, u.sigma.value, u.sigma.low, u.sigma.high, u.kappa.value, u.kappa.low,
        u.kappa.high, u.r2);
    if (u.has_peak) {
      out += fmt::format("       peak N*={:.1f} [{:.1f}, {:.1f}] at {:.1f}/s\n",
                         u.peak_concurrency.value, u.peak_concurrency.low, u.peak_concurrency.high,
                         u.peak_throughput);
    }
    const stats::LawFit& a = r.fit->amdahl;
    out += fmt::format("  Amdahl λ={:.4g}  σ={:.4g} [{:.4g}, {:.4g}]  R²={:.4f}\n", a.lambda.value,
                       a.sigma.value, a.sigma.low, a.sigma.high, a.r2);
    out += fmt::format("  verdict: {} (F={:.3g}, p={:.3g})\n", r.fit->verdict, r.fit->f_statistic,
                       r.fit->f_p_value);
  }
  return out + findings_text(r.findings);
}

}  // namespace perfgate::analysis::capacity
