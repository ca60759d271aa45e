#include "analysis/capacity/capacity_search.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace perfgate::analysis::capacity {
namespace {

constexpr double kMaxDroppedFraction = 0.01;
constexpr double kMaxScheduleLagMs = 10;

enum class Point { kPass, kFail, kGeneratorLimited, kOutOfBudget };

class Search {
 public:
  Search(TrialRunner& runner, const CapacityOptions& o) : runner_(runner), o_(o) {}

  Result<CapacityResult> run();

 private:
  Result<Point> judge_point(double rate, const std::string& phase);
  Result<Point> bracket();
  Result<Point> bisect();
  bool fits_budget() const;
  void finish(Point last);
  void describe();

  TrialRunner& runner_;
  const CapacityOptions& o_;
  CapacityResult r_;
  double longest_trial_ = 0;
};

bool Search::fits_budget() const {
  const double next = std::max(longest_trial_, o_.duration_seconds) + o_.cooldown_seconds;
  return r_.spent_seconds + next <= o_.budget_seconds;
}

// Runs `rate` once; a failing or marginal first trial is confirmed: up to `confirm` trials,
// majority wins.
Result<Point> Search::judge_point(double rate, const std::string& phase) {
  int passes = 0, fails = 0;
  const int needed = o_.confirm / 2 + 1;
  while (passes < needed && fails < needed) {
    if (!fits_budget()) return Point::kOutOfBudget;
    auto stats = runner_.run(TrialLoad{rate, 0, o_.duration_seconds, o_.warmup_seconds});
    if (!stats) return stats.error();
    r_.spent_seconds += stats->elapsed_seconds;
    longest_trial_ = std::max(longest_trial_, stats->elapsed_seconds);
    JudgedTrial judged = judge_trial(std::move(*stats), o_.slos);
    judged.phase = passes + fails == 0 ? phase : "confirm";
    const bool limited = judged.generator_limited;
    const bool passed = judged.passed;
    bool marginal = false;
    for (const Slo& slo : o_.slos) marginal |= slo.marginal(slo.observed(judged.stats));
    if (limited) r_.limit_reason = judged.generator_reason;
    r_.trials.push_back(std::move(judged));
    if (limited) return Point::kGeneratorLimited;
    (passed ? passes : fails) += 1;
    if (!passed && o_.cooldown_seconds > 0) r_.spent_seconds += runner_.pause(o_.cooldown_seconds);
    if (passes + fails == 1 && passed && !marginal) break;  // a clear pass decides alone
  }
  return passes > fails ? Point::kPass : Point::kFail;
}

Result<Point> Search::bracket() {
  double rate = o_.start_rate;
  while (true) {
    auto point = judge_point(rate, "grow");
    if (!point) return point.error();
    if (*point == Point::kPass) {
      r_.highest_passing = rate;
      if (r_.lowest_failing > 0) return Point::kPass;
      if (o_.max_rate > 0 && rate >= o_.max_rate) return Point::kPass;
      rate = o_.max_rate > 0 ? std::min(rate * o_.growth, o_.max_rate) : rate * o_.growth;
    } else if (*point == Point::kFail) {
      r_.lowest_failing = rate;
      if (r_.highest_passing > 0) return Point::kFail;
      if (rate / o_.growth < o_.min_rate) return Point::kFail;
      rate /= o_.growth;
    } else {
      return *point;
    }
  }
}

Result<Point> Search::bisect() {
  while (r_.highest_passing > 0 && r_.lowest_failing > 0 &&
         r_.lowest_failing / r_.highest_passing - 1 > o_.resolution) {
    const double mid = (r_.highest_passing + r_.lowest_failing) / 2;
    auto point = judge_point(mid, "bisect");
    if (!point) return point.error();
    if (*point == Point::kPass) {
      r_.highest_passing = mid;
    } else if (*point == Point::kFail) {
      r_.lowest_failing = mid;
    } else {
      return *point;
    }
  }
  return Point::kPass;
}

void Search::finish(Point last) {
  r_.sustainable_rate = r_.highest_passing;
  r_.converged = r_.highest_passing > 0 && r_.lowest_failing > 0 &&
                 r_.lowest_failing / r_.highest_passing - 1 <= o_.resolution;
  if (last == Point::kGeneratorLimited) {
    r_.limited_by = "generator";
  } else if (last == Point::kOutOfBudget) {
    r_.limited_by = "budget";
    r_.limit_reason = fmt::format("the {:.0f} s budget ran out after {} trials ({:.0f} s)",
                                  o_.budget_seconds, r_.trials.size(), r_.spent_seconds);
  } else if (r_.lowest_failing == 0) {
    r_.limited_by = "max_rate";
    r_.limit_reason = fmt::format("every trial passed up to --max-rate {:g}/s", o_.max_rate);
  } else if (r_.highest_passing == 0) {
    r_.limited_by = "min_rate";
    r_.limit_reason = fmt::format("no trial passed, down to {:g}/s", r_.lowest_failing);
  } else {
    r_.limited_by = "target";
  }
}

void Search::describe() {
  auto& f = r_.findings;
  if (r_.highest_passing > 0) {
    f.push_back(fmt::format(
        "sustainable rate {:.1f}/s: every SLO held there{}", r_.sustainable_rate,
        r_.lowest_failing > 0
            ? fmt::format(", and {} failed at {:.1f}/s", r_.first_failed_slo, r_.lowest_failing)
            : ""));
  }
  if (r_.resources_at_failure.watched) {
    f.push_back(fmt::format("at {:.1f}/s {}", r_.lowest_failing,
                            describe_resources(r_.resources_at_failure)));
  }
  if (r_.limited_by == "generator") {
    f.push_back("the answer is a lower bound set by the load generator, not by the target: " +
                r_.limit_reason);
  } else if (r_.limited_by != "target") {
    f.push_back("the search stopped early: " + r_.limit_reason);
  }
  if (r_.knee) {
    f.push_back(
        fmt::format("latency knee at {:.1f}/s (p95 {:.1f} ms): past it latency rises "
                    "faster than throughput",
                    r_.knee->x, r_.knee->y));
  }
}

Result<CapacityResult> Search::run() {
  if (o_.start_rate <= 0 || o_.growth <= 1 || o_.resolution <= 0 || o_.confirm < 1) {
    return make_error(
        "capacity search: start rate, growth (> 1), resolution and confirm must "
        "be positive");
  }
  auto last = bracket();
  if (!last) return last.error();
  if (*last == Point::kPass || *last == Point::kFail) {
    last = bisect();
    if (!last) return last.error();
  }
  finish(*last);
  double lowest = 0;
  for (const JudgedTrial& t : r_.trials) {
    if (t.passed || t.generator_limited || t.failed_slos.empty()) continue;
    if (lowest == 0 || t.stats.load.rate < lowest) {
      lowest = t.stats.load.rate;
      r_.first_failed_slo = t.failed_slos.front();
      r_.resources_at_failure = t.stats.resources;
    }
  }
  std::vector<double> x, y;
  for (const JudgedTrial& t : r_.trials) {
    x.push_back(t.stats.achieved_rate);
    y.push_back(t.stats.p95_ms);
  }
  r_.knee = stats::find_knee(x, y);
  describe();
  return std::move(r_);
}

}  // namespace

JudgedTrial judge_trial(TrialStats stats, const std::vector<Slo>& slos) {
  JudgedTrial j;
  for (const Slo& slo : slos) {
    if (!slo.holds(stats)) j.failed_slos.push_back(slo.text);
  }
  j.passed = j.failed_slos.empty() && stats.requests > 0;
  const double scheduled = static_cast<double>(stats.requests + stats.dropped_iterations);
  const bool dropped = scheduled > 0 && stats.dropped_iterations > kMaxDroppedFraction * scheduled;
  const bool late = stats.schedule_lag_p99_ms > kMaxScheduleLagMs;
  if (stats.generator_saturated) {
    j.generator_limited = true;
    j.generator_reason = fmt::format(
        "at {:g}/s perfgate itself was saturated ({:.0f}% CPU), so the trial measured the "
        "generator, not the target",
        stats.load.rate, stats.generator_cpu_percent);
  } else if (j.passed && (dropped || late)) {
    j.generator_limited = true;
    j.generator_reason = fmt::format(
        "at {:g}/s perfgate could not offer the rate ({} dropped iterations, schedule lag p99 "
        "{:.1f} ms) while the target still met its SLOs",
        stats.load.rate, stats.dropped_iterations, stats.schedule_lag_p99_ms);
  }
  if (j.generator_limited) j.passed = false;
  j.stats = std::move(stats);
  return j;
}

Result<CapacityResult> search_capacity(TrialRunner& runner, const CapacityOptions& options) {
  Search search(runner, options);
  auto result = search.run();
  if (!result) return result.error();
  return result;
}

}  // namespace perfgate::analysis::capacity
