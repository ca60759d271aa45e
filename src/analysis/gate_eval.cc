// Gate evaluation: metric lookup (keys, stat spellings, histograms, aliases), unit conversion
// and the verdict of each gate.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "analysis/gate.h"
#include "stats/quantile.h"

namespace perfgate::analysis {
namespace {

// Names people reach for that perfgate spells differently; used only when the name itself is
// not found.
const std::map<std::string, std::string, std::less<>>& aliases() {
  static const std::map<std::string, std::string, std::less<>> kAliases = {
      {"throughput", "http_reqs rate"},
      {"error_rate", "http_req_failed value"},
      {"memory_peak", "sut_rss_bytes max"},
      {"cpu_percent", "sut_cpu_percent avg"},
      {"leak_rate", "sut_rss_slope_mb_per_hour value"},
  };
  return kAliases;
}

std::string normalize_stat(std::string_view stat) {
  if (stat == "median") return "med";
  if (stat == "mean") return "avg";
  if (auto p = stats::parse_percentile(stat); p && stat.front() == 'p' && stat != "p") {
    return fmt::format("p({})", *p * 100);
  }
  return std::string(stat);
}

// The metric `ref` names in `set` (a copy: percentiles from histograms are computed on demand).
Result<Metric> find_metric(const MetricTable& set, const std::string& ref) {
  if (const Metric* m = set.find(ref)) return *m;
  const size_t space = ref.rfind(' ');
  if (space != std::string::npos) {
    const std::string name = ref.substr(0, space), stat = normalize_stat(ref.substr(space + 1));
    if (const Metric* m = set.find(name + " " + stat)) return *m;
    // A percentile nobody reported, from the metric's histogram.
    const auto p = stats::parse_percentile(stat);
    for (const Metric& m : set.metrics) {
      if (m.name != name || !m.histogram || !p || m.histogram->count() == 0) continue;
      Metric derived = m;
      derived.stat = stat;
      derived.value =
          static_cast<double>(m.histogram->value_at_percentile(*p * 100)) * m.histogram_scale;
      return derived;
    }
  }
  std::vector<const Metric*> same_name;
  for (const Metric& m : set.metrics) {
    if (m.name == ref) same_name.push_back(&m);
  }
  for (const Metric* m : same_name) {
    if (m->stat == "value") return *m;
  }
  if (same_name.size() == 1) return *same_name.front();
  if (same_name.size() > 1) {
    std::vector<std::string> stats;
    for (const Metric* m : same_name) stats.push_back(m->stat);
    return make_error(
        fmt::format("'{}' has several statistics ({}); name one", ref, fmt::join(stats, ", ")));
  }
  if (auto alias = aliases().find(ref); alias != aliases().end()) {
    return find_metric(set, alias->second);
  }
  return make_error(fmt::format("no metric '{}'", ref));
}

bool is_time_unit(std::string_view u) { return u == "ns" || u == "us" || u == "ms" || u == "s"; }

double ms_per_unit(std::string_view u) {
  return u == "ns" ? 1e-6 : u == "us" ? 1e-3 : u == "s" ? 1e3 : 1.0;
}

// The threshold in the metric's unit, or an error when they do not match.
Result<double> threshold_in(const Threshold& t, std::string_view unit) {
  switch (t.kind) {
    case ThresholdKind::kPlain:
      return t.value;
    case ThresholdKind::kDuration:
      if (is_time_unit(unit)) return t.value / ms_per_unit(unit);
      break;
    case ThresholdKind::kBytes:
      if (unit == "bytes" || unit == "B") return t.value;
      break;
    case ThresholdKind::kRate:
      if (unit.ends_with("/s")) return t.value;
      break;
    case ThresholdKind::kPercent:
      if (unit == "%") return t.value * 100;
      if (unit == "ratio" || unit == "score" || unit.empty()) return t.value;
      break;
  }
  return make_error(fmt::format("threshold '{}' does not fit the metric's unit '{}'", t.text,
                                unit.empty() ? "none" : std::string(unit)));
}

// The regression of `current` against `baseline` as a fraction (negative: an improvement).
double regression_of(const Metric& base, const Metric& cur) {
  if (base.value == 0) return cur.value == 0 ? 0 : INFINITY;
  const double change = cur.value / base.value - 1;
  return cur.direction == Direction::kLowerIsBetter ? change : -change;
}

}  // namespace

std::string_view to_string(GateLevel level) {
  switch (level) {
    case GateLevel::kBlocking:
      return "blocking";
    case GateLevel::kWarning:
      return "warning";
    case GateLevel::kAdvisory:
      return "advisory";
  }
  return "?";
}

std::string_view to_string(GateStatus status) {
  switch (status) {
    case GateStatus::kPass:
      return "pass";
    case GateStatus::kFail:
      return "fail";
    case GateStatus::kNoEvidence:
      return "no evidence";
    case GateStatus::kError:
      return "error";
  }
  return "?";
}

bool GateResult::fails_run() const {
  if (gate.level != GateLevel::kBlocking) return false;
  if (status == GateStatus::kNoEvidence) return !gate.optional;
  return status == GateStatus::kFail || status == GateStatus::kError;
}

bool GateReport::passed() const {
  return std::none_of(results.begin(), results.end(), [](const auto& r) { return r.fails_run(); });
}

int GateReport::count(GateStatus status) const {
  return static_cast<int>(std::count_if(results.begin(), results.end(),
                                        [&](const auto& r) { return r.status == status; }));
}

namespace {

// A baseline named in a gates file is relative to that file's directory.
std::string resolve_against(const std::string& spec, const std::string& gates_path) {
  namespace fs = std::filesystem;
  if (spec.empty() || fs::path(spec).is_absolute()) return spec;
  const fs::path beside = fs::path(gates_path).parent_path() / spec;
  std::error_code ec;
  return fs::exists(beside, ec) ? beside.string() : spec;
}

struct BaselineCache {
  const BaselineLoader& load;
  std::map<std::string, Result<MetricTable>> loaded;

  const Result<MetricTable>& get(const std::string& spec) {
    auto it = loaded.find(spec);
    if (it == loaded.end()) it = loaded.emplace(spec, load(spec)).first;
    return it->second;
  }
};

Result<Evidence> evidence_for(const Gate& gate, const MetricTable& set, const Metric& metric,
                              const std::string& baseline_spec, BaselineCache& baselines) {
  Evidence e{.source = set.source, .metric = metric.key(), .unit = metric.unit};
  if (!gate.relative) {
    auto threshold = threshold_in(gate.threshold, metric.unit);
    if (!threshold) return threshold.error();
    e.value = metric.value;
    e.pass = compare(metric.value, gate.op, *threshold);
    return e;
  }
  if (baseline_spec.empty()) {
    return make_error("a regression gate needs a baseline",
                      "add 'baseline:' to the gate or the file, or pass --baseline");
  }
  const Result<MetricTable>& baseline = baselines.get(baseline_spec);
  if (!baseline) return baseline.error();
  auto base = find_metric(*baseline, gate.metric);
  if (!base) {
    return make_error(fmt::format("baseline {}: {}", baseline_spec, base.error().message));
  }
  e.baseline_source = baseline->source;
  e.baseline_value = base->value;
  e.current_value = metric.value;
  e.value = regression_of(*base, metric);
  e.unit = "%";
  e.pass = compare(e.value, gate.op, gate.threshold.value);
  return e;
}

GateResult evaluate_gate(const Gate& gate, const std::vector<MetricTable>& results,
                         const std::string& baseline_spec, BaselineCache& baselines) {
  GateResult r{.gate = gate};
  std::vector<std::string> misses;
  for (const MetricTable& set : results) {
    auto metric = find_metric(set, gate.metric);
    if (!metric) {
      misses.push_back(fmt::format("{}: {}", set.source, metric.error().message));
      continue;
    }
    auto evidence = evidence_for(gate, set, *metric, baseline_spec, baselines);
    if (!evidence) {
      r.status = GateStatus::kError;
      r.message = evidence.error().describe();
      return r;
    }
    r.evidence.push_back(std::move(*evidence));
  }
  if (r.evidence.empty()) {
    r.status = GateStatus::kNoEvidence;
    r.message = fmt::format("{}", fmt::join(misses, "; "));
    return r;
  }
  const bool all_pass =
      std::all_of(r.evidence.begin(), r.evidence.end(), [](const Evidence& e) { return e.pass; });
  r.status = all_pass ? GateStatus::kPass : GateStatus::kFail;
  return r;
}

}  // namespace

GateReport evaluate_gates(const GatesFile& file, const std::vector<MetricTable>& results,
                          const BaselineLoader& load_baseline,
                          const std::string& default_baseline) {
  GateReport report;
  report.gates_path = file.path;
  for (const MetricTable& set : results) report.result_sources.push_back(set.source);
  BaselineCache baselines{load_baseline, {}};
  for (const Gate& gate : file.gates) {
    std::string spec = default_baseline;
    if (spec.empty()) {
      spec = resolve_against(gate.baseline.empty() ? file.baseline : gate.baseline, file.path);
    }
    report.results.push_back(evaluate_gate(gate, results, spec, baselines));
  }
  return report;
}

}  // namespace perfgate::analysis
