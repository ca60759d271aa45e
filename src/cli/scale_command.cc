// `perfgate scale`: a closed-model concurrency sweep (--vus 1,2,4,8 or --vus 1..64) or results
// of runs against 1, 2, 4 ... instances (--instances FILE ...), with the USL and Amdahl's law
// fitted (analysis/capacity/scale_sweep.h).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <filesystem>

#include "analysis/capacity/capacity_console.h"
#include "analysis/capacity/capacity_json.h"
#include "analysis/capacity/scale_sweep.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/trial_command.h"
#include "report/results_json.h"

namespace perfgate::cli {
namespace {

constexpr const char* kScaleHelp =
    "Measure how throughput scales and fit the Universal Scalability Law (and Amdahl's law):\n"
    "contention σ, coherency κ with 95% intervals, R², the peak concurrency N* = sqrt((1-σ)/κ)\n"
    "and a verdict (F-test). See docs/capacity.md.\n\n"
    "Examples:\n"
    "  perfgate scale http://127.0.0.1:8080/ --vus 1,2,4,8,16,32 -d 10s\n"
    "  perfgate scale plan.yaml --vus 1..64\n"
    "  perfgate scale --instances results-1.json results-2.json results-4.json\n"
    "  perfgate scale --instances 1=a.json 2=b.json 4=c.json\n\n"
    "Exit codes: 0 done, 1 runtime error, 2 bad input, 105 interrupted.";

// "4=FILE" → 4; otherwise the last number in the file's stem ("results-4.json" → 4); otherwise
// the position + 1.
double instance_count(std::string& spec, size_t position) {
  if (const size_t eq = spec.find('='); eq != std::string::npos && eq > 0) {
    const std::string n = spec.substr(0, eq);
    if (std::all_of(n.begin(), n.end(), [](char c) { return std::isdigit(c); })) {
      spec = spec.substr(eq + 1);
      return std::stod(n);
    }
  }
  const std::string stem = std::filesystem::path(spec).stem().string();
  size_t end = stem.find_last_of("0123456789");
  if (end != std::string::npos) {
    size_t begin = end;
    while (begin > 0 && std::isdigit(static_cast<unsigned char>(stem[begin - 1]))) --begin;
    if (end - begin < 6) return std::stod(stem.substr(begin, end - begin + 1));
  }
  return static_cast<double>(position + 1);
}

// Requests per second of a results file over its steady intervals: the series' intervals from
// the first with requests to the last, without those two (connections opening; the graceful
// stop's partial second), when at least two remain; else over the whole run. Idle time before
// and after the load (a scenario's startTime, a long graceful stop) does not dilute it.
double steady_throughput(const results::RunResult& run) {
  const std::vector<results::TimeSeriesPoint>& series = run.series;
  size_t first = 0, last = series.size();  // the intervals with requests: [first, last)
  while (first < last && series[first].requests == 0) ++first;
  while (last > first && series[last - 1].requests == 0) --last;
  if (last - first >= 4) {
    double requests = 0;
    for (size_t i = first + 1; i + 1 < last; ++i) {
      requests += static_cast<double>(series[i].requests);
    }
    const double seconds = series[last - 2].t_seconds - series[first].t_seconds;
    if (seconds > 0) return requests / seconds;
  }
  return run.elapsed_seconds() > 0 ? run.totals.http_reqs / run.elapsed_seconds() : 0;
}

Result<analysis::capacity::ScaleResult> from_instances(std::vector<std::string> files) {
  std::vector<analysis::capacity::ScalePoint> points;
  for (size_t i = 0; i < files.size(); ++i) {
    const double n = instance_count(files[i], i);
    auto doc = report::read_results_file(files[i]);
    if (!doc) return make_error(fmt::format("{}: {}", files[i], doc.error().describe()));
    const results::RunResult& run = doc->run;
    analysis::capacity::ScalePoint p;
    p.n = n;
    p.throughput = steady_throughput(run);
    p.p95_ms = run.totals.trend(results::Trend::kDuration).value_at_percentile(95) / 1000.0;
    p.error_rate = run.failed_rate();
    points.push_back(std::move(p));
  }
  return analysis::capacity::analyse_scale(std::move(points), "instances");
}

}  // namespace

int scale_main(const std::vector<std::string>& args) {
  CLI::App app(kScaleHelp, "perfgate scale");
  TrialCommandOptions o;
  std::string vus;
  std::vector<std::string> instances;
  add_trial_options(app, o, false, false);
  app.add_option("--vus", vus, "VU counts: 1,2,4,8 or 1..64 (doubling)");
  app.add_option("--instances", instances,
                 "results files of runs against 1, 2, 4 ... instances ([N=]FILE ...)");
  if (int rc = parse_arguments(app, args); rc >= 0) return rc;
  if (vus.empty() == instances.empty() || (!vus.empty() && o.target.empty())) {
    fmt::print(stderr, "error: give a target with --vus LIST, or --instances FILE...\n");
    return kExitUsage;
  }
  Result<analysis::capacity::ScaleResult> result = make_error("");
  std::string json_out, html_out;
  if (!instances.empty()) {
    for (const std::string& out : o.outs) {
      if (out.starts_with("json=")) json_out = out.substr(5);
      if (out.starts_with("html=")) html_out = out.substr(5);
    }
    result = from_instances(instances);
    if (!result) {
      fmt::print(stderr, "error: {}\n", result.error().describe());
      return kExitUsage;
    }
  } else {
    auto counts = analysis::capacity::parse_vus_list(vus);
    if (!counts) {
      fmt::print(stderr, "error: --vus: {}\n", counts.error().describe());
      return kExitUsage;
    }
    auto prepared = prepare_trials(o, "scale", args);
    if (!prepared) {
      fmt::print(stderr, "error: {}\n", prepared.error().describe());
      return kExitUsage;
    }
    json_out = prepared->json_out;
    html_out = prepared->html_out;
    install_trial_signal_handlers();
    result = analysis::capacity::run_scale_sweep(
        *prepared->runner, *counts, prepared->duration_seconds, prepared->warmup_seconds);
    restore_trial_signal_handlers();
    if (!result) {
      fmt::print(stderr, "error: {}\n", result.error().describe());
      return trial_interrupt_flag().load() ? kExitInterrupted : kExitRuntimeError;
    }
  }
  fmt::print("{}", analysis::capacity::format_scale(*result));
  if (!json_out.empty() || !html_out.empty()) {
    nlohmann::json representative;
    double best = -1;
    for (const auto& p : result->points) {
      if (p.throughput > best && !p.results.is_null()) {
        best = p.throughput;
        representative = p.results;
      }
    }
    auto ok = write_search_results(json_out, html_out, representative, "scalability",
                                   analysis::capacity::scalability_json(*result));
    if (!ok) {
      fmt::print(stderr, "error: {}\n", ok.error().describe());
      return kExitRuntimeError;
    }
  }
  return kExitOk;
}

}  // namespace perfgate::cli
