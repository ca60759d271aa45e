// Merging the parts of a distributed run; see results_merge.h.
#include "cli/results_merge.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "cli/merge_parts.h"
#include "cli/merged_name_series.h"
#include "cli/merged_plan_metrics.h"
#include "cli/merged_plan_run.h"
#include "cli/merged_thresholds.h"
#include "plan/segment.h"
#include "stats/hdr_encoding.h"

namespace perfgate::cli {

int64_t end_second(double t_seconds, int64_t previous) {
  return std::max({previous + 1, int64_t{1}, static_cast<int64_t>(std::llround(t_seconds))});
}

std::string part_name(const MergePart& part) {
  return part.doc->environment.instance.empty() ? *part.file : part.doc->environment.instance;
}

namespace {

using report::ResultsDocument;
using Part = MergePart;

std::string part_name(const ResultsDocument& doc, const std::string& file) {
  return doc.environment.instance.empty() ? file : doc.environment.instance;
}

void add_names_and_checks(ResultsDocument& merged, const ResultsDocument& part) {
  for (const report::NamedStats& n : part.names) {
    auto it = std::find_if(merged.names.begin(), merged.names.end(),
                           [&](const report::NamedStats& m) { return m.name == n.name; });
    if (it == merged.names.end()) {
      merged.names.push_back(n);
      continue;
    }
    it->requests += n.requests;
    it->failures += n.failures;
    it->extract_failures += n.extract_failures;
    it->duration.add(n.duration);
    // The parts' slowest traces together, slowest first, as many as one part keeps (5).
    auto& traces = it->slowest_traces;
    traces.insert(traces.end(), n.slowest_traces.begin(), n.slowest_traces.end());
    std::stable_sort(traces.begin(), traces.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    if (traces.size() > 5) traces.resize(5);
  }
  for (const report::CheckOutcome& c : part.checks) {
    auto it = std::find_if(merged.checks.begin(), merged.checks.end(),
                           [&](const report::CheckOutcome& m) {
                             return m.name == c.name && m.group == c.group && m.step == c.step;
                           });
    if (it == merged.checks.end()) {
      merged.checks.push_back(c);
    } else {
      it->passes += c.passes;
      it->fails += c.fails;
    }
  }
}

IntervalMap merge_intervals(const std::vector<Part>& parts) {
  IntervalMap out;
  for (const Part& p : parts) {
    for (const report::IntervalHistogram& i : p.doc->intervals) {
      auto h = decode_compressed_base64(i.histogram);
      if (!h) continue;  // validated when the file was read
      const int64_t slot = std::llround(i.start_seconds) + p.offset_s;
      auto [it, fresh] = out.try_emplace({i.tag, slot}, std::move(*h), i.length_seconds);
      if (!fresh) {
        it->second.first.add(*h);
        it->second.second = std::max(it->second.second, i.length_seconds);
      }
    }
  }
  return out;
}

constexpr size_t kMaxMergedScenarios = 1000;  // as many as a results file's reader takes

// The union of the parts' scenario names (the first part's order, then new names as met) into
// merged.run.scenarios; per part, where each of its scenarios went. Empty (and no scenarios)
// when a part lists none (its VUs could not be told apart, and scenario_vus must sum to vus) or
// the union outgrows kMaxMergedScenarios.
std::vector<std::vector<size_t>> merge_scenarios(ResultsDocument& merged,
                                                 const std::vector<Part>& parts) {
  std::vector<std::vector<size_t>> where;
  std::vector<std::string>& names = merged.run.scenarios;
  for (const Part& p : parts) {
    if (p.doc->run.scenarios.empty()) {
      names.clear();
      return {};
    }
    std::vector<size_t>& to = where.emplace_back();
    for (const std::string& s : p.doc->run.scenarios) {
      auto it = std::find(names.begin(), names.end(), s);
      to.push_back(static_cast<size_t>(it - names.begin()));
      if (it == names.end()) names.push_back(s);
    }
    if (names.size() > kMaxMergedScenarios) {
      names.clear();
      return {};
    }
  }
  return where;
}

void add_scenario_vus(results::TimeSeriesPoint& m, const results::TimeSeriesPoint& point,
                      const std::vector<size_t>& where, size_t scenarios) {
  m.scenario_vus.resize(scenarios);
  for (size_t i = 0; i < point.scenario_vus.size() && i < where.size(); ++i) {
    m.scenario_vus[where[i]] += point.scenario_vus[i];
  }
}

void merge_series(ResultsDocument& merged, const std::vector<Part>& parts,
                  const IntervalMap& intervals) {
  const std::vector<std::vector<size_t>> scenarios = merge_scenarios(merged, parts);
  std::map<int64_t, results::TimeSeriesPoint> points;  // by end second on the common axis
  for (size_t i = 0; i < parts.size(); ++i) {
    const Part& p = parts[i];
    int64_t second = 0;
    for (const results::TimeSeriesPoint& point : p.doc->run.series) {
      second = end_second(point.t_seconds, second);
      const int64_t slot = second + p.offset_s;
      results::TimeSeriesPoint& m = points[slot];
      m.t_seconds = static_cast<double>(slot);
      m.requests += point.requests;
      m.errors += point.errors;
      m.active_vus += point.active_vus;
      if (!scenarios.empty()) {
        add_scenario_vus(m, point, scenarios[i], merged.run.scenarios.size());
      }
      // Without an interval histogram the largest part's percentile is an upper bound.
      m.p50_us = std::max(m.p50_us, point.p50_us);
      m.p90_us = std::max(m.p90_us, point.p90_us);
      m.p95_us = std::max(m.p95_us, point.p95_us);
      m.p99_us = std::max(m.p99_us, point.p99_us);
      m.max_us = std::max(m.max_us, point.max_us);
      m.schedule_lag_p99_us = std::max(m.schedule_lag_p99_us, point.schedule_lag_p99_us);
      for (const auto& [error, count] : point.error_classes) {
        auto same = std::find_if(m.error_classes.begin(), m.error_classes.end(),
                                 [error = error](const auto& e) { return e.first == error; });
        if (same == m.error_classes.end()) {
          m.error_classes.emplace_back(error, count);
        } else {
          same->second += count;
        }
      }
    }
  }
  for (auto& [slot, m] : points) {
    auto it = intervals.find({"http_req_duration", slot - 1});
    if (it != intervals.end() && it->second.first.count() > 0) {
      const HdrHistogram& h = it->second.first;
      m.p50_us = h.value_at_percentile(50);
      m.p90_us = h.value_at_percentile(90);
      m.p95_us = h.value_at_percentile(95);
      m.p99_us = h.value_at_percentile(99);
      m.max_us = h.max();
    }
    merged.run.series.push_back(m);
  }
  for (const auto& [key, value] : intervals) {
    merged.intervals.push_back({static_cast<double>(key.second), value.second, key.first,
                                value.first.max(), encode_compressed_base64(value.first)});
  }
}

// A plan part's description ("plan: 2 scenario(s) (ramping-vus), up to 5 VUs") with the VUs of
// all parts; other descriptions are kept as they are.
std::string merged_description(const std::string& part, int64_t max_vus) {
  const size_t up_to = part.rfind(", up to ");
  if (!part.starts_with("plan: ") || up_to == std::string::npos || !part.ends_with(" VUs")) {
    return part;
  }
  return fmt::format("{}, up to {} VUs", part.substr(0, up_to), max_vus);
}

void merge_meta(ResultsDocument& merged, const std::vector<Part>& parts) {
  results::RunMetadata& m = merged.run.meta;
  m = parts.front().doc->run.meta;
  merged.environment = parts.front().doc->environment;
  merged.environment.instance.clear();
  merged.environment.segment.clear();
  int64_t start = m.start_unix_nanos, end = 0;
  m.threads = m.vus = m.max_vus = 0;
  m.rate = 0;
  merged.environment.cores = 0;
  std::vector<std::string> hosts;
  for (const Part& p : parts) {
    const results::RunMetadata& pm = p.doc->run.meta;
    start = std::min(start, pm.start_unix_nanos);
    end = std::max(end, pm.start_unix_nanos + pm.elapsed);
    m.threads += pm.threads;
    m.vus += pm.vus;
    m.max_vus += pm.max_vus;
    m.rate += pm.rate;
    m.duration = std::max(m.duration, pm.duration);
    merged.environment.cores += p.doc->environment.cores;
    merged.environment.end_unix_nanos =
        std::max(merged.environment.end_unix_nanos, p.doc->environment.end_unix_nanos);
    if (std::find(hosts.begin(), hosts.end(), p.doc->environment.host) == hosts.end()) {
      hosts.push_back(p.doc->environment.host);
    }
    merged.run.interrupted = merged.run.interrupted || p.doc->run.interrupted;
  }
  m.start_unix_nanos = start;
  m.elapsed = end - start;
  // Parts of one segmented plan each count their own VUs (which add up to the plan's) and carry
  // the plan's rate: keep that, not N times it.
  const bool segmented = std::all_of(parts.begin(), parts.end(), [](const Part& p) {
    return !p.doc->environment.segment.empty();
  });
  if (segmented) m.rate = parts.front().doc->run.meta.rate;
  m.description = merged_description(m.description, m.max_vus);
  std::string host_list;
  for (const std::string& h : hosts) host_list += (host_list.empty() ? "" : ",") + h;
  merged.environment.host = host_list.substr(0, 1000);
}

void merge_health(ResultsDocument& merged, const std::vector<Part>& parts,
                  const std::vector<std::string>& files) {
  results::GeneratorHealth& h = merged.run.health;
  results::VuGauge& vus = merged.run.vus;
  results::VuGauge& vus_max = merged.run.vus_max;
  double core_seconds = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const ResultsDocument& d = *parts[i].doc;
    h.cpu_seconds += d.run.health.cpu_seconds;
    h.usable_cores += d.run.health.usable_cores;
    core_seconds += d.run.elapsed_seconds() * d.run.health.usable_cores;
    for (const std::string& w : d.run.health.warnings) {
      h.warnings.push_back(fmt::format("[{}] {}", part_name(d, files[i]), w));
    }
    vus.value += d.run.vus.value;
    vus.min += d.run.vus.min;
    vus.max += d.run.vus.max;
    vus_max.value += d.run.vus_max.value;
    vus_max.min += d.run.vus_max.min;
    vus_max.max += d.run.vus_max.max;
  }
  h.cpu_percent = core_seconds > 0 ? h.cpu_seconds / core_seconds * 100 : 0;
  if (!merged.run.series.empty()) {  // the busiest second on the common axis, not a sum of peaks
    vus.max = 0;
    for (const auto& p : merged.run.series) vus.max = std::max(vus.max, p.active_vus);
  }
}

nlohmann::json part_json(const MergeInput& in) {
  nlohmann::json j = {{"file", in.file}};
  if (!in.doc) {
    j["status"] = "missing";
    j["error"] = in.doc.error().describe();
    return j;
  }
  const ResultsDocument& d = *in.doc;
  j["instance"] = d.environment.instance;
  j["segment"] = d.environment.segment;
  j["status"] = d.run.interrupted ? "interrupted" : "ok";
  j["host"] = d.environment.host;
  j["start_unix_ns"] = d.run.meta.start_unix_nanos;
  j["elapsed_s"] = d.run.elapsed_seconds();
  j["http_reqs"] = d.run.totals.http_reqs;
  j["iterations"] = d.run.totals.iterations;
  j["thresholds_passed"] = d.passed();
  j["health"] = {{"cpu_seconds", d.run.health.cpu_seconds},
                 {"cpu_percent", d.run.health.cpu_percent},
                 {"usable_cores", d.run.health.usable_cores},
                 {"warnings", d.run.health.warnings}};
  if (!d.monitor.is_null()) j["monitor"] = d.monitor;
  return j;
}

// Gaps and overlaps among the parts' segments (when any part ran one).
void check_coverage(const std::vector<Part>& parts, std::vector<std::string>& problems) {
  std::vector<plan::ExecutionSegment> segments;
  for (const Part& p : parts) {
    auto s = plan::parse_execution_segment(p.doc->environment.segment);
    if (s) segments.push_back(*s);
  }
  const bool any = std::any_of(parts.begin(), parts.end(),
                               [](const Part& p) { return !p.doc->environment.segment.empty(); });
  if (!any) return;
  std::sort(segments.begin(), segments.end(), [](const auto& a, const auto& b) {
    return a.from.num * b.from.den < b.from.num * a.from.den;
  });
  plan::Fraction reached{0, 1};
  for (const plan::ExecutionSegment& s : segments) {
    if (s.from.num * reached.den > reached.num * s.from.den) {
      problems.push_back(
          fmt::format("segment {}:{} is missing (no part ran it)", reached.text(), s.from.text()));
    } else if (!(s.from == reached)) {
      problems.push_back(
          fmt::format("segment {} overlaps another part's (up to {})", s.text(), reached.text()));
    }
    reached = s.to;
  }
  if (!(reached == plan::Fraction{1, 1})) {
    problems.push_back(fmt::format("segment {}:1 is missing (no part ran it)", reached.text()));
  }
}

}  // namespace

MergeOutcome merge_results(const std::vector<MergeInput>& inputs, const std::string& command) {
  MergeOutcome out;
  std::vector<Part> parts;
  std::vector<std::string> files;
  out.merged.parts = nlohmann::json::array();
  int64_t first_start = INT64_MAX;
  for (const MergeInput& in : inputs) {
    if (in.doc) first_start = std::min(first_start, in.doc->run.meta.start_unix_nanos);
  }
  for (const MergeInput& in : inputs) {
    out.merged.parts.push_back(part_json(in));
    if (!in.doc) {
      out.problems.push_back(
          fmt::format("part {} is missing: {}", in.file, in.doc.error().message));
      continue;
    }
    if (in.doc->run.interrupted) {
      out.problems.push_back(fmt::format("part {} was interrupted", part_name(*in.doc, in.file)));
    }
    const double offset =
        static_cast<double>(in.doc->run.meta.start_unix_nanos - first_start) / kNanosPerSecond;
    parts.push_back({&in.file, &*in.doc, std::llround(offset)});
    files.push_back(in.file);
  }
  ResultsDocument& merged = out.merged;
  merge_meta(merged, parts);
  merged.run.meta.command_line = command;
  for (const Part& p : parts) {
    merged.run.totals.add(p.doc->run.totals);
    add_names_and_checks(merged, *p.doc);
  }
  const IntervalMap intervals = merge_intervals(parts);
  merge_series(merged, parts, intervals);
  merged.run.name_series = merge_name_series(parts, intervals);
  merged.plan_run = merge_plan_run(parts);
  merged.plan_metrics =
      merge_plan_metrics(parts, merged.plan_run, merged.run.elapsed_seconds(), out.notes);
  merge_health(merged, parts, files);
  check_coverage(parts, out.problems);
  std::vector<const ResultsDocument*> docs;
  for (const Part& p : parts) docs.push_back(p.doc);
  reevaluate_thresholds(merged, docs, out.notes);
  for (const std::string& p : out.problems) merged.run.health.warnings.push_back(p);
  return out;
}

}  // namespace perfgate::cli
