#include "plan/explain.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/units.h"
#include "plan/schedule.h"

namespace perfgate::plan {
namespace {

constexpr int kChartWidth = 60;
constexpr int kChartHeight = 8;

std::string duration(Nanos d) { return format_duration(d); }

std::string scenario_options(const Scenario& s) {
  switch (s.executor) {
    case ExecutorKind::kConstantVus:
      return fmt::format("{} VUs for {}", s.vus, duration(s.duration));
    case ExecutorKind::kRampingVus:
      return fmt::format("startVUs {}, up to {} VUs, gracefulRampDown {}", s.start_vus, max_vus(s),
                         duration(s.graceful_ramp_down));
    case ExecutorKind::kConstantArrivalRate:
      return fmt::format("{} iterations per {} for {}, preAllocatedVUs {}, maxVUs {}", s.rate,
                         duration(s.time_unit), duration(s.duration), s.pre_allocated_vus,
                         s.max_vus);
    case ExecutorKind::kRampingArrivalRate:
      return fmt::format("startRate {} per {}, preAllocatedVUs {}, maxVUs {}", s.start_rate,
                         duration(s.time_unit), s.pre_allocated_vus, s.max_vus);
    case ExecutorKind::kPerVuIterations:
      return fmt::format("{} VUs x {} iterations, maxDuration {}", s.vus, s.iterations,
                         duration(s.max_duration));
    case ExecutorKind::kSharedIterations:
      return fmt::format("{} iterations shared by {} VUs, maxDuration {}", s.iterations, s.vus,
                         duration(s.max_duration));
  }
  return "";
}

void explain_stages(const Scenario& s, std::string& out) {
  if (s.stages.empty()) return;
  const bool rate = s.executor == ExecutorKind::kRampingArrivalRate;
  out += fmt::format("  stages{}:\n", s.pattern.empty() ? "" : " (from pattern " + s.pattern + ")");
  Nanos at = 0;
  std::int64_t from = rate ? s.start_rate : s.start_vus;
  for (const Stage& st : s.stages) {
    const std::string unit = rate ? "/" + duration(s.time_unit) : " VUs";
    out +=
        fmt::format("    {:>8} → {:<8} {} {}{} → {}{}\n", duration(at), duration(at + st.duration),
                    st.target == from ? "hold " : "ramp ", from, unit, st.target, unit);
    at += st.duration;
    from = st.target;
  }
}

void explain_chart(const Scenario& s, std::string& out) {
  const Nanos length = regular_duration(s);
  if (length <= 0) return;
  const bool rate = is_arrival_rate(s.executor);
  std::vector<double> values;
  for (int i = 0; i < kChartWidth; ++i) {
    const Nanos t = length * i / kChartWidth;
    values.push_back(rate ? arrival_rate_at(s, t) : static_cast<double>(vus_at(s, t)));
  }
  out += ascii_chart(values, kChartHeight, rate ? " it/s" : " VUs");
  out += fmt::format("  {:>8} 0{:>{}}\n", "", duration(length), kChartWidth - 1);
}

void explain_scenario(const Plan& plan, const Scenario& s, std::string& out) {
  out += fmt::format("\nscenario \"{}\": {}{}\n", s.name, executor_name(s.executor),
                     s.arrival == ArrivalMode::kPoisson ? " (poisson arrivals)" : "");
  out += fmt::format("  {}\n", scenario_options(s));
  out += fmt::format("  starts at {}, schedules work for {}, gracefulStop {}, ends by {}\n",
                     duration(s.start_time), duration(regular_duration(s)),
                     duration(s.graceful_stop), duration(s.start_time + total_duration(s)));
  if (auto n = planned_iterations(s)) out += fmt::format("  planned iterations: {}\n", *n);
  explain_stages(s, out);
  double total = 0;
  for (const FlowChoice& c : s.flows) total += c.weight;
  for (const FlowChoice& c : s.flows) {
    out += fmt::format("  flow {} ({:.0f}%)\n", plan.flows[c.flow].name, 100 * c.weight / total);
  }
  explain_chart(s, out);
}

void explain_steps(const std::vector<Step>& steps, const Redactor& redactor, int indent,
                   std::string& out) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  for (const Step& step : steps) {
    if (step.kind == Step::Kind::kGroup) {
      out += fmt::format("{}group {}\n", pad, step.group);
      explain_steps(step.steps, redactor, indent + 2, out);
    } else if (step.kind == Step::Kind::kBatch) {
      out += fmt::format("{}batch of {} (in parallel)\n", pad, step.steps.size());
      explain_steps(step.steps, redactor, indent + 2, out);
    } else if (step.kind == Step::Kind::kThink) {
      static const char* kKinds[] = {"fixed", "uniform", "normal", "exponential"};
      out +=
          fmt::format("{}think {} {}{}\n", pad, kKinds[static_cast<int>(step.think.kind)],
                      duration(step.think.a), step.think.b ? " / " + duration(step.think.b) : "");
    } else {
      const RequestStep& r = step.request;
      out += fmt::format("{}{} {}  [{}]{}\n", pad, r.method, redactor.text(r.url.source()), r.name,
                         r.checks.empty() ? "" : fmt::format(" {} checks", r.checks.size()));
      for (const Header& h : r.headers) {
        out += fmt::format("{}  {}: {}\n", pad, h.name, redactor.header(h.name, h.value.source()));
      }
      for (const Extract& e : r.extracts)
        out += fmt::format("{}  extract {} ← {}\n", pad, e.variable, e.expression);
    }
  }
}

}  // namespace

std::string ascii_chart(const std::vector<double>& values, int height, const std::string& unit) {
  const double top = values.empty() ? 0 : *std::max_element(values.begin(), values.end());
  std::string out;
  for (int row = height; row >= 1; --row) {
    const double level = top * (row - 0.5) / height;
    const std::string label = row == height ? fmt::format("{:g}{}", top, unit)
                              : row == 1    ? "0"
                                            : "";
    out += fmt::format("  {:>8} |", label);
    for (double v : values) out += top > 0 && v >= level ? '#' : ' ';
    out += "\n";
  }
  out += fmt::format("  {:>8} +{}\n", "", std::string(values.size(), '-'));
  return out;
}

std::string explain_plan(const Plan& plan, const Redactor& redactor) {
  std::string out =
      fmt::format("plan {}{}\n", plan.file, plan.name.empty() ? "" : " — " + plan.name);
  out += fmt::format("base URL: {}\n", redactor.text(plan.options.base_url));
  out += fmt::format("request timeout: {}\n", duration(plan.options.timeout));
  out += fmt::format("total duration: {} (longest scenario incl. startTime and gracefulStop)\n",
                     duration(plan_duration(plan)));
  for (const Scenario& s : plan.scenarios) explain_scenario(plan, s, out);
  if (!plan.options.thresholds.empty()) out += "\nthresholds:\n";
  for (const Threshold& t : plan.options.thresholds) {
    out += fmt::format("  {:<40} {}{}{}\n", t.metric.key(), t.expression.source,
                       t.abort_on_fail ? " (abortOnFail)" : "",
                       t.window ? " over the last " + duration(t.window) : "");
  }
  for (const Flow& f : plan.flows) {
    out += fmt::format("\nflow {}:\n", f.name);
    explain_steps(f.steps, redactor, 2, out);
  }
  return out;
}

}  // namespace perfgate::plan
