#include "analysis/capacity/capacity_json.h"

#include <cmath>

namespace perfgate::analysis::capacity {
namespace {

using nlohmann::json;

// Non-finite numbers are written as null (JSON has no infinity).
json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json estimate_json(const stats::Estimate& e) {
  return {{"value", number(e.value)},
          {"low", number(e.low)},
          {"high", number(e.high)},
          {"standard_error", number(e.standard_error)}};
}

json law_json(const stats::LawFit& law, bool usl) {
  json j = {{"lambda", estimate_json(law.lambda)},
            {"sigma", estimate_json(law.sigma)},
            {"r2", number(law.r2)},
            {"ssr", number(law.ssr)},
            {"aic", number(law.aic)}};
  if (usl) {
    j["kappa"] = estimate_json(law.kappa);
    j["peak_concurrency"] = law.has_peak ? estimate_json(law.peak_concurrency) : json(nullptr);
    j["peak_throughput"] = law.has_peak ? number(law.peak_throughput) : json(nullptr);
  } else {
    j["max_speedup"] = law.max_speedup > 0 ? number(law.max_speedup) : json(nullptr);
  }
  return j;
}

// A TrialResources, or null when nothing was watched.
json resources_json(const TrialResources& r) {
  if (!r.watched) return nullptr;
  return {{"target", r.target},
          {"cpu_percent", number(r.cpu_percent)},
          {"cpu_cores_usable", number(r.cpu_cores_usable)},
          {"rss_bytes_max", number(r.rss_bytes_max)},
          {"open_fds_max", r.open_fds_max >= 0 ? number(r.open_fds_max) : json(nullptr)},
          {"throttled_percent", number(r.throttled_percent)},
          {"listen_drops", number(r.listen_drops)},
          {"limit", r.limit.empty() ? json(nullptr) : json(r.limit)},
          {"limit_detail", r.limit_detail},
          {"findings", r.findings}};
}

json load_json(const TrialLoad& load) {
  return load.vus > 0 ? json{{"vus", load.vus}} : json{{"rate", number(load.rate)}};
}

}  // namespace

json trial_json(const TrialStats& t) {
  json j = {{"offered_rate", number(t.load.rate)},
            {"vus", t.load.vus},
            {"duration_seconds", number(t.load.duration_seconds)},
            {"warmup_seconds", number(t.load.warmup_seconds)},
            {"elapsed_seconds", number(t.elapsed_seconds)},
            {"steady_seconds", number(t.steady_seconds)},
            {"achieved_rate", number(t.achieved_rate)},
            {"requests", t.requests},
            {"failed", t.failed},
            {"error_rate", number(t.error_rate)},
            {"avg_ms", number(t.avg_ms)},
            {"p50_ms", number(t.p50_ms)},
            {"p90_ms", number(t.p90_ms)},
            {"p95_ms", number(t.p95_ms)},
            {"p99_ms", number(t.p99_ms)},
            {"max_ms", number(t.max_ms)},
            {"timeouts", t.timeouts},
            {"errors", t.errors},
            {"dropped_iterations", t.dropped_iterations},
            {"schedule_lag_p99_ms", number(t.schedule_lag_p99_ms)},
            {"generator_cpu_percent", number(t.generator_cpu_percent)},
            {"warnings", t.warnings}};
  if (t.resources.watched) j["resources"] = resources_json(t.resources);
  if (!t.results.is_null()) j["results"] = t.results;
  return j;
}

json capacity_json(const CapacityResult& r, const CapacityOptions& o) {
  json trials = json::array();
  for (const JudgedTrial& t : r.trials) {
    json j = trial_json(t.stats);
    j["phase"] = t.phase;
    j["passed"] = t.passed;
    j["failed_slos"] = t.failed_slos;
    j["generator_limited"] = t.generator_limited;
    if (t.generator_limited) j["generator_reason"] = t.generator_reason;
    trials.push_back(std::move(j));
  }
  json slos = json::array();
  for (const Slo& s : o.slos) slos.push_back(s.text);
  json knee = nullptr;
  if (r.knee) {
    knee = {{"trial", r.knee->index}, {"rate", number(r.knee->x)}, {"p95_ms", number(r.knee->y)}};
  }
  return {
      {"sustainable_rate", number(r.sustainable_rate)},
      {"bracket",
       {{"highest_passing", r.highest_passing > 0 ? number(r.highest_passing) : json(nullptr)},
        {"lowest_failing", r.lowest_failing > 0 ? number(r.lowest_failing) : json(nullptr)}}},
      {"converged", r.converged},
      {"limited_by", r.limited_by},
      {"limit_reason", r.limit_reason},
      {"first_failed_slo", r.first_failed_slo},
      {"limiting_resource",
       r.resources_at_failure.limit.empty() ? json(nullptr) : json(r.resources_at_failure.limit)},
      {"slos", slos},
      {"resolution", number(o.resolution)},
      {"budget_seconds", number(o.budget_seconds)},
      {"spent_seconds", number(r.spent_seconds)},
      {"knee", knee},
      {"findings", r.findings},
      {"trials", trials}};
}

json stress_json(const StressResult& r) {
  json steps = json::array();
  for (const StressStep& s : r.steps) {
    json j = trial_json(s.stats);
    j["broke"] = s.broke;
    steps.push_back(std::move(j));
  }
  return {{"breaking_load", r.broke ? load_json(r.breaking_load) : json(nullptr)},
          {"failure_mode", r.failure_mode},
          {"failure_detail", r.failure_detail},
          {"errors_at_break", r.errors_at_break},
          {"failing_resource",
           r.resources_at_break.limit.empty() ? json(nullptr) : json(r.resources_at_break.limit)},
          {"resources_at_break", resources_json(r.resources_at_break)},
          {"band", {{"p95_ms", number(r.band_p95_ms)}, {"error_rate", number(r.band_error_rate)}}},
          {"recovery_seconds", r.recovered ? number(r.recovery_seconds) : json(nullptr)},
          {"recovered", r.recovered},
          {"failed_after_recovery", r.failed_after_recovery},
          {"findings", r.findings},
          {"trials", steps},
          {"recovery", r.recovery_measured ? trial_json(r.recovery) : json(nullptr)}};
}

json scalability_json(const ScaleResult& r) {
  json points = json::array();
  for (const ScalePoint& p : r.points) {
    json j = {{"n", number(p.n)},
              {"throughput", number(p.throughput)},
              {"p95_ms", number(p.p95_ms)},
              {"error_rate", number(p.error_rate)},
              {"efficiency", number(p.efficiency)}};
    if (!p.results.is_null()) j["results"] = p.results;
    points.push_back(std::move(j));
  }
  json j = {{"unit", r.unit}, {"points", points}, {"findings", r.findings}};
  if (r.fit) {
    j["usl"] = law_json(r.fit->usl, true);
    j["amdahl"] = law_json(r.fit->amdahl, false);
    j["verdict"] = {{"model", r.fit->verdict},
                    {"f_statistic", number(r.fit->f_statistic)},
                    {"f_p_value", number(r.fit->f_p_value)}};
  } else {
    j["usl"] = nullptr;
    j["fit_error"] = r.fit_error;
  }
  return j;
}

}  // namespace perfgate::analysis::capacity
