#include "analysis/capacity/stress_search.h"

#include <fmt/format.h>

#include <algorithm>

namespace perfgate::analysis::capacity {
namespace {

constexpr int kRecoveredSeconds = 3;

TrialLoad load_at(const StressOptions& o, double level, double duration, double warmup) {
  TrialLoad load{0, 0, duration, warmup};
  if (o.vus_mode) {
    load.vus = std::max(1, static_cast<int>(level + 0.5));
  } else {
    load.rate = level;
  }
  return load;
}

// The failure mode of `t` against the normal load `base` and the previous step; "" if none.
std::string breaking(const StressOptions& o, const TrialStats& base, const TrialStats& prev,
                     const TrialStats& t, std::string* detail) {
  for (const Slo& slo : o.slos) {
    if (!slo.holds(t)) {
      *detail = fmt::format("SLO {} failed (observed {:.4g})", slo.text, slo.observed(t));
      return "slo";
    }
  }
  const double surge = std::max(o.error_surge, 5 * base.error_rate);
  if (t.error_rate > surge) {
    *detail = fmt::format("error rate {:.1f}% (normal load: {:.2f}%)", 100 * t.error_rate,
                          100 * base.error_rate);
    return "errors";
  }
  if (t.requests > 0 && static_cast<double>(t.timeouts) > 0.01 * static_cast<double>(t.requests)) {
    *detail = fmt::format("{} timeouts in {} requests", t.timeouts, t.requests);
    return "timeouts";
  }
  const bool open_plateau = !o.vus_mode && t.achieved_rate < 0.8 * t.load.rate;
  const bool closed_plateau =
      o.vus_mode && &prev != &t && t.achieved_rate < 1.05 * prev.achieved_rate;
  if (open_plateau || closed_plateau) {
    *detail = fmt::format("throughput stopped rising: {:.0f}/s achieved (previous step {:.0f}/s)",
                          t.achieved_rate, prev.achieved_rate);
    return "throughput";
  }
  return "";
}

std::string load_text(const TrialLoad& l) {
  return l.vus > 0 ? fmt::format("{} VUs", l.vus) : fmt::format("{:.0f}/s", l.rate);
}

void describe(StressResult& r) {
  if (!r.broke) {
    r.findings.push_back(
        fmt::format("no breaking point up to {}", load_text(r.steps.back().stats.load)));
    return;
  }
  const TrialStats& base = r.steps.front().stats;
  const TrialStats& before = r.steps.size() >= 2 ? r.steps[r.steps.size() - 2].stats : base;
  r.findings.push_back(
      fmt::format("broke at {}: {}", load_text(r.breaking_load), r.failure_detail));
  if (r.resources_at_break.watched) {
    r.findings.push_back("at the break " + describe_resources(r.resources_at_break));
  }
  r.findings.push_back(
      fmt::format("before the break p95 grew from {:.1f} ms at {} to {:.1f} ms at {}", base.p95_ms,
                  load_text(base.load), before.p95_ms, load_text(before.load)));
  if (!r.recovery_measured) return;
  if (r.recovered) {
    r.findings.push_back(fmt::format(
        "recovered {:.0f} s after the load dropped back to {}; {} requests failed after that",
        r.recovery_seconds, load_text(base.load), r.failed_after_recovery));
  } else {
    r.findings.push_back(fmt::format(
        "did not recover within {:.0f} s at {}: latency or errors stayed outside the pre-stress "
        "band (p95 <= {:.1f} ms, errors <= {:.1f}%)",
        r.recovery.elapsed_seconds, load_text(base.load), r.band_p95_ms, 100 * r.band_error_rate));
  }
}

}  // namespace

bool find_recovery(const std::vector<TrialSecond>& series, double band_p95_ms,
                   double band_error_rate, double* recovery_seconds, int64_t* failed_after) {
  int run = 0;
  for (size_t i = 0; i < series.size(); ++i) {
    const TrialSecond& s = series[i];
    const double errors = s.requests > 0 ? static_cast<double>(s.errors) / s.requests : 1.0;
    const bool ok = s.requests > 0 && s.p95_ms <= band_p95_ms && errors <= band_error_rate;
    run = ok ? run + 1 : 0;
    if (run == kRecoveredSeconds) {
      const size_t first = i + 1 - kRecoveredSeconds;
      *recovery_seconds = std::max(0.0, series[first].t_seconds - 1.0);
      // A second with errors above the band is taken as bad-then-good: the recovery happened
      // when its failed fraction of the second had passed (sub-second resolution for breakers).
      if (first > 0) {
        const TrialSecond& before = series[first - 1];
        const double failed =
            before.requests > 0 ? static_cast<double>(before.errors) / before.requests : 0;
        if (failed > band_error_rate) {
          *recovery_seconds = std::max(0.0, before.t_seconds - 1.0 + failed);
        }
      }
      *failed_after = 0;
      for (size_t k = first; k < series.size(); ++k) *failed_after += series[k].errors;
      return true;
    }
  }
  return false;
}

Result<StressResult> run_stress(TrialRunner& runner, const StressOptions& o) {
  StressResult r;
  double level = o.start, spent = 0;
  for (int step = 0; step < o.max_steps; ++step) {
    if (o.max_load > 0 && level > o.max_load) break;
    if (spent + o.duration_seconds + o.recovery_window_seconds > o.budget_seconds) break;
    auto t = runner.run(load_at(o, level, o.duration_seconds, o.warmup_seconds));
    if (!t) return t.error();
    spent += t->elapsed_seconds;
    r.steps.push_back(StressStep{std::move(*t), ""});
    const TrialStats& now = r.steps.back().stats;
    const TrialStats& prev = r.steps.size() >= 2 ? r.steps[r.steps.size() - 2].stats : now;
    if (step > 0) {
      r.steps.back().broke = breaking(o, r.steps.front().stats, prev, now, &r.failure_detail);
    }
    if (!r.steps.back().broke.empty()) {
      r.broke = true;
      r.failure_mode = r.steps.back().broke;
      r.breaking_load = now.load;
      r.errors_at_break = now.errors;
      r.resources_at_break = now.resources;
      break;
    }
    level *= o.step_factor;
  }
  if (r.steps.empty()) return make_error("the budget does not allow a single stress step");
  const TrialStats& base = r.steps.front().stats;
  r.band_p95_ms = std::max(2 * base.p95_ms, base.p95_ms + 10.0);
  r.band_error_rate = base.error_rate + 0.01;
  if (r.broke) {
    auto rec = runner.run(load_at(o, o.start, o.recovery_window_seconds, 0));
    if (!rec) return rec.error();
    r.recovery = std::move(*rec);
    r.recovery_measured = true;
    r.recovered = find_recovery(r.recovery.series, r.band_p95_ms, r.band_error_rate,
                                &r.recovery_seconds, &r.failed_after_recovery);
  }
  describe(r);
  return r;
}

}  // namespace perfgate::analysis::capacity
