// `perfgate run plan.yaml`: runs a test plan (run_command.cc dispatches here when its argument is
// an existing .yaml/.yml/.json file). Load (diagnostics -> exit 104 before any traffic), scale
// durations, resolve hosts, run on the engine, print the summary with the per-name table,
// checks and thresholds, write --summary-json, and map the outcome to k6's exit codes.
// Not a subcommand of its own: run_main calls run_plan_main.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/run_attachments.h"
#include "cli/version.h"
#include "core/atomic_file.h"
#include "core/units.h"
#include "engine/plan_run.h"
#include "net/socket.h"
#include "plan/loader.h"
#include "plan/redact.h"
#include "plan/schedule.h"
#include "report/console_summary.h"
#include "report/results_document.h"
#include "report/summary_json.h"

namespace perfgate::cli {
namespace {

constexpr const char* kPlanHelp =
    "Run a test plan (YAML or JSON; see docs/plan-reference.md).\n\n"
    "Examples:\n"
    "  perfgate run examples/auth-login.yaml\n"
    "  BASE_URL=http://127.0.0.1:8080 perfgate run plan.yaml --duration-scale 0.1\n\n"
    "Exit codes: 0 done and thresholds passed, 99 a threshold failed, 104 invalid plan (nothing\n"
    "was sent), 105 interrupted, 108 an abortOnFail threshold stopped the run, 1 runtime error,\n"
    "2 bad input.";

struct PlanOptions {
  std::string path;
  double duration_scale = 0;  // 0: PERFGATE_DURATION_SCALE or 1
  std::string summary_json;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string timer_resolution = "250us";
  AttachmentOptions attach;  // --out, --monitor
};

std::atomic<bool> g_plan_interrupted{false};

void on_plan_signal(int signal) {
  g_plan_interrupted.store(true);
  std::signal(signal, SIG_DFL);
}

std::string ms_text(int64_t micros) {
  if (micros >= 1'000'000) return fmt::format("{:.2f}s", static_cast<double>(micros) / 1e6);
  return fmt::format("{:.2f}ms", static_cast<double>(micros) / 1e3);
}

double percent(int64_t part, int64_t total) {
  return total == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(total);
}

std::string names_table(const engine::PlanRunResult& r, const engine::PlanIndex& index) {
  std::string out = fmt::format("\n  {:<28} {:>9} {:>10} {:>10} {:>10} {:>10} {:>8}\n", "name",
                                "count", "rate", "p50", "p95", "p99", "errors");
  const double seconds = std::max(r.run.elapsed_seconds(), 1e-9);
  for (size_t i = 0; i < index.names.size(); ++i) {
    const engine::NameStats& n = r.totals.names[i];
    out += fmt::format("  {:<28} {:>9} {:>8.1f}/s {:>10} {:>10} {:>10} {:>7.2f}%\n", index.names[i],
                       n.requests, static_cast<double>(n.requests) / seconds,
                       ms_text(n.duration.value_at_percentile(50)),
                       ms_text(n.duration.value_at_percentile(95)),
                       ms_text(n.duration.value_at_percentile(99)), percent(n.failed, n.requests));
  }
  return out;
}

std::string checks_section(const engine::PlanRunResult& r, const engine::PlanIndex& index) {
  if (index.checks.empty()) return "";
  int64_t passes = 0, fails = 0;
  std::string lines;
  for (size_t i = 0; i < index.checks.size(); ++i) {
    const engine::CheckStats& c = r.totals.checks[i];
    passes += c.passes;
    fails += c.fails;
    lines += fmt::format("    {} {:<40} ✓ {} ✗ {}\n", c.fails == 0 ? "✓" : "✗", index.checks[i],
                         c.passes, c.fails);
  }
  return fmt::format("\n  checks: {:.2f}% ✓ {} ✗ {}\n{}", percent(passes, passes + fails), passes,
                     fails, lines);
}

// Extractions that found nothing leave empty variables behind, which later steps then send: say
// so, by request name, rather than let it pass as a mystery of the server's.
std::string extractions_section(const engine::PlanRunResult& r, const engine::PlanIndex& index) {
  int64_t total = 0;
  std::string by_name;
  for (size_t i = 0; i < index.names.size(); ++i) {
    const int64_t n = r.totals.names[i].extract_failures;
    if (n == 0) continue;
    total += n;
    by_name += fmt::format("{}{} {}", by_name.empty() ? "" : ", ", index.names[i], n);
  }
  if (total == 0) return "";
  return fmt::format(
      "\n  ⚠ extractions that found nothing: {} ({}); later steps used empty values\n", total,
      by_name);
}

// " (worst 30s window, ending at 42s; 3 of 40 failed)" for windowed thresholds.
std::string window_note(const engine::ThresholdReport& t) {
  if (t.threshold->window == 0 || t.windows_evaluated == 0) return "";
  return fmt::format(" (worst {} window, ending at {:.0f}s; {} of {} failed)",
                     engine::format_window(t.threshold->window),
                     static_cast<double>(t.observed_at) / kNanosPerSecond, t.windows_failed,
                     t.windows_evaluated);
}

std::string thresholds_section(const engine::PlanRunResult& r) {
  if (r.thresholds.empty()) return "";
  std::string out = "\n  thresholds:\n";
  for (const engine::ThresholdReport& t : r.thresholds) {
    const auto status = t.outcome.status;
    const char* mark = status == plan::ThresholdStatus::kFail ? "✗" : "✓";
    const std::string observed = status == plan::ThresholdStatus::kNoData
                                     ? "no data"
                                     : fmt::format("observed {:.4g}", t.outcome.observed);
    out += fmt::format("    {} {:<36} {:<16} {}{}\n", mark, t.threshold->metric.key(),
                       t.threshold->expression.source, observed, window_note(t));
  }
  return out;
}

nlohmann::json trend_json(const HdrHistogram& h) {
  auto ms = [](int64_t us) { return static_cast<double>(us) / 1000.0; };
  return {{"avg", h.mean() / 1000.0},
          {"min", ms(h.min())},
          {"med", ms(h.value_at_percentile(50))},
          {"max", ms(h.max())},
          {"p(90)", ms(h.value_at_percentile(90))},
          {"p(95)", ms(h.value_at_percentile(95))},
          {"p(99)", ms(h.value_at_percentile(99))},
          {"count", h.count()}};
}

// Custom metrics in k6's shapes, from the samples.
nlohmann::json custom_json(const plan::CustomMetric& m, const plan::MetricSamples& samples) {
  using plan::Aggregation;
  const plan::MetricSelector selector{m.name, {}};
  auto get = [&](Aggregation a, double p = 0) {
    return samples.aggregate(selector, a, p, 0).value_or(0.0);
  };
  switch (m.type) {
    case plan::MetricType::kCounter:
      return {{"count", get(Aggregation::kCount)}, {"rate", get(Aggregation::kRate)}};
    case plan::MetricType::kGauge:
      return {{"value", get(Aggregation::kValue)},
              {"min", get(Aggregation::kMin)},
              {"max", get(Aggregation::kMax)}};
    case plan::MetricType::kRate:
      return {{"value", get(Aggregation::kRate)}};
    default:
      return {{"avg", get(Aggregation::kAvg)},
              {"min", get(Aggregation::kMin)},
              {"med", get(Aggregation::kMed)},
              {"max", get(Aggregation::kMax)},
              {"p(90)", get(Aggregation::kPercentile, 90)},
              {"p(95)", get(Aggregation::kPercentile, 95)}};
  }
}

std::string plan_summary_json(const engine::PlanRunResult& r, const engine::PlanIndex& index,
                              const plan::Plan& plan) {
  nlohmann::json doc = nlohmann::json::parse(report::format_summary_json(r.run));
  nlohmann::json& metrics = doc["metrics"];
  const double seconds = std::max(r.run.elapsed_seconds(), 1e-9);
  for (size_t i = 0; i < index.names.size(); ++i) {
    const engine::NameStats& n = r.totals.names[i];
    metrics[fmt::format("http_req_duration{{name:{}}}", index.names[i])] = trend_json(n.duration);
    metrics[fmt::format("http_reqs{{name:{}}}", index.names[i])] = {
        {"count", n.requests}, {"rate", static_cast<double>(n.requests) / seconds}};
    metrics[fmt::format("http_req_failed{{name:{}}}", index.names[i])] = {
        {"value", n.requests == 0 ? 0.0 : static_cast<double>(n.failed) / n.requests},
        {"passes", n.failed},
        {"fails", n.requests - n.failed}};
    if (n.extract_failures > 0) {
      metrics[fmt::format("extract_failures{{name:{}}}", index.names[i])] = {
          {"count", n.extract_failures},
          {"rate", static_cast<double>(n.extract_failures) / seconds}};
    }
  }
  int64_t extract_failures = 0;
  for (const engine::NameStats& n : r.totals.names) extract_failures += n.extract_failures;
  metrics["extract_failures"] = {{"count", extract_failures},
                                 {"rate", static_cast<double>(extract_failures) / seconds}};
  if (!index.checks.empty()) {
    int64_t passes = 0, fails = 0;
    for (const engine::CheckStats& c : r.totals.checks) passes += c.passes, fails += c.fails;
    metrics["checks"] = {{"value", passes + fails == 0 ? 0.0 : double(passes) / (passes + fails)},
                         {"passes", passes},
                         {"fails", fails}};
    nlohmann::json& list = doc["perfgate"]["checks"];
    list = nlohmann::json::array();
    for (size_t i = 0; i < index.checks.size(); ++i) {
      list.push_back({{"name", index.checks[i]},
                      {"passes", r.totals.checks[i].passes},
                      {"fails", r.totals.checks[i].fails}});
    }
  }
  if (r.totals.group_duration.count() > 0) {
    metrics["group_duration"] = trend_json(r.totals.group_duration);
  }
  // Sub-metrics the thresholds declared, in k6's shapes (as k6's summary export lists them).
  for (size_t i = 0; i < index.subs.subs.size(); ++i) {
    const engine::SubMetric& sub = index.subs.subs[i];
    const engine::SubStats& s = r.totals.subs[i];
    if (s.samples == 0) continue;
    nlohmann::json& out = metrics[sub.key];
    if (s.trend) {
      out.update(trend_json(*s.trend));
    } else if (sub.source == engine::SubSource::kRequestFailed ||
               sub.source == engine::SubSource::kChecks) {
      out.update({{"value", s.total == 0 ? 0.0 : static_cast<double>(s.count) / s.total},
                  {"passes", s.count},
                  {"fails", s.total - s.count}});
    } else {
      out.update({{"count", s.count}, {"rate", static_cast<double>(s.count) / seconds}});
    }
  }
  for (const plan::CustomMetric& m : plan.metrics) metrics[m.name] = custom_json(m, r.custom);
  // k6's summary-export: "thresholds": {"<expression>": <true when it failed>}.
  for (const engine::ThresholdReport& t : r.thresholds) {
    metrics[t.threshold->metric.key()]["thresholds"][t.threshold->expression.source] =
        t.outcome.status == plan::ThresholdStatus::kFail;
  }
  nlohmann::json& info = doc["perfgate"]["plan"];
  info = {{"name", plan.name},
          {"file", plan.file},
          {"aborted", r.aborted},
          {"iterations_started_per_second", r.totals.starts_by_second}};
  if (r.aborted) {
    info["abort_reason"] = r.abort_reason;
    info["aborted_at_seconds"] = static_cast<double>(r.aborted_at) / kNanosPerSecond;
  }
  return doc.dump(2) + "\n";
}

bool is_monitor_metric(std::string_view name) {
  return name.starts_with("sut_") || name.starts_with("host_") || name.starts_with("generator_");
}

// Threshold values from the monitor's k6-shaped metrics object ({"sut_rss_bytes": {"max": ...}}).
class MonitorValues final : public plan::MetricValues {
 public:
  explicit MonitorValues(const nlohmann::json& metrics) : metrics_(metrics) {}
  std::optional<double> aggregate(const plan::MetricSelector& metric, plan::Aggregation aggregation,
                                  double percentile, Nanos) const override {
    auto entry = metrics_.find(metric.name);
    if (entry == metrics_.end() || !entry->is_object()) return std::nullopt;
    auto value = entry->find(stat_name(aggregation, percentile));
    if (value == entry->end() || !value->is_number()) return std::nullopt;
    return value->get<double>();
  }

 private:
  // The monitor's stat keys are the threshold grammar's names, with "p(95)" for percentiles.
  static std::string stat_name(plan::Aggregation aggregation, double percentile) {
    if (aggregation == plan::Aggregation::kPercentile) return fmt::format("p({})", percentile);
    return std::string(plan::aggregation_name(aggregation));
  }
  const nlohmann::json& metrics_;
};

// Thresholds on the monitor's metrics (sut_*, host_*, generator_*) can only be judged once the
// monitor has stopped; the engine reported them as "no data".
void evaluate_monitor_thresholds(engine::PlanRunResult& r, const nlohmann::json& monitor) {
  if (!monitor.is_object() || !monitor.contains("metrics")) return;
  const MonitorValues values(monitor["metrics"]);
  for (engine::ThresholdReport& t : r.thresholds) {
    if (!is_monitor_metric(t.threshold->metric.name)) continue;
    t.outcome = plan::evaluate(*t.threshold, values, r.run.meta.elapsed);
  }
}

// The plan's parts of the results file: per-name table, checks and thresholds, so --out json,
// html, junit and markdown show what the console summary shows.
void add_plan_outcomes(report::ResultsDocument& doc, const engine::PlanRunResult& r,
                       const engine::PlanIndex& index, const plan::Plan& plan) {
  doc.environment.plan = plan.file;
  for (size_t i = 0; i < index.names.size(); ++i) {
    const engine::NameStats& n = r.totals.names[i];
    doc.names.push_back({index.names[i], n.requests, n.failed, n.duration});
  }
  for (size_t i = 0; i < index.checks.size(); ++i) {
    doc.checks.push_back({index.checks[i], r.totals.checks[i].passes, r.totals.checks[i].fails});
  }
  for (const engine::ThresholdReport& t : r.thresholds) {
    const auto type = plan::builtin_metric_type(t.threshold->metric.name);
    const bool is_time = type == plan::MetricType::kTrend &&
                         t.threshold->expression.aggregation != plan::Aggregation::kCount;
    doc.thresholds.push_back({t.threshold->metric.key(), t.threshold->expression.source,
                              t.outcome.status != plan::ThresholdStatus::kFail, t.outcome.observed,
                              is_time ? "ms" : "", t.threshold->abort_on_fail});
  }
}

Result<double> duration_scale(double given) {
  if (given < 0) return make_error("--duration-scale must be above 0");
  if (given > 0) return given;
  const char* env = std::getenv("PERFGATE_DURATION_SCALE");
  if (env == nullptr || *env == '\0') return 1.0;
  char* end = nullptr;
  const double value = std::strtod(env, &end);
  if (end == env || *end != '\0' || value <= 0) {
    return make_error(fmt::format("PERFGATE_DURATION_SCALE=\"{}\" is not a number above 0", env));
  }
  return value;
}

int print_diagnostics(const plan::Diagnostics& diagnostics) {
  for (const plan::Diagnostic& d : diagnostics.sorted()) fmt::print(stderr, "{}\n", d.format());
  fmt::print(stderr, "error: the plan has {} problem(s); nothing was sent\n",
             diagnostics.items().size());
  return kExitInvalidPlan;
}

}  // namespace

int run_plan_main(const std::vector<std::string>& args) {
  CLI::App app(kPlanHelp, "perfgate run");
  PlanOptions o;
  app.add_option("plan", o.path, "plan file (.yaml, .yml or .json)")->required();
  app.add_option("--duration-scale", o.duration_scale,
                 "multiply every duration, stage, startTime and think time (e.g. 0.1); "
                 "default $PERFGATE_DURATION_SCALE or 1");
  app.add_option("--summary-json", o.summary_json, "write the summary as JSON (k6 shape)");
  app.add_option("--threads", o.threads, "worker threads (default: number of CPUs)")
      ->check(CLI::PositiveNumber);
  app.add_option("--timer-resolution", o.timer_resolution,
                 "how closely arrivals and think times keep their schedule: 0 exact (most "
                 "CPU), default 250us");
  add_attachment_options(app, o.attach);
  if (int rc = parse_arguments(app, args); rc >= 0) return rc;
  auto resolution = parse_duration(o.timer_resolution);
  if (!resolution) {
    fmt::print(stderr, "error: --timer-resolution: {}\n", resolution.error().describe());
    return kExitUsage;
  }
  auto scale = duration_scale(o.duration_scale);
  if (!scale) {
    fmt::print(stderr, "error: {}\n", scale.error().describe());
    return kExitUsage;
  }
  plan::LoadResult loaded = plan::load_plan_file(o.path);
  if (!loaded.ok()) return print_diagnostics(loaded.diagnostics);
  plan::Plan& plan = loaded.plan;
  if (*scale != 1.0) engine::scale_plan_durations(plan, *scale);
  auto index = engine::build_plan_index(plan);
  if (!index) {
    fmt::print(stderr, "error: {}\n", index.error().describe());
    return kExitInvalidPlan;
  }
  for (const std::string& warning : index->subs.warnings) {
    fmt::print(stderr, "{}: warning: {}\n", plan.file, warning);
  }
  if (!o.summary_json.empty()) {
    if (auto ok = check_writable(o.summary_json); !ok) {
      fmt::print(stderr, "error: {}\n", ok.error().describe());
      return kExitUsage;
    }
  }
  auto attachments = RunAttachments::prepare(o.attach);
  if (!attachments) {
    fmt::print(stderr, "error: {}\n", attachments.error().describe());
    return kExitUsage;
  }
  RunAttachments& attached = **attachments;
  net::raise_open_file_limit();
  results::RunMetadata meta;
  meta.version = kVersion;
  meta.command_line = "perfgate run";
  for (const auto& a : args) meta.command_line += " " + a;
  meta.target_url = plan::Redactor::for_plan(plan).text(plan.options.base_url);

  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, on_plan_signal);
  std::signal(SIGTERM, on_plan_signal);
  engine::PlanRunOptions options;
  options.threads = o.threads;
  options.timer_resolution = *resolution;
  options.interrupt = &g_plan_interrupted;
  options.user_agent = fmt::format("perfgate/{}", kVersion);
  const bool tty = isatty(STDOUT_FILENO) == 1;
  options.on_second = [tty, &attached](const engine::LiveStatus& s) {
    attached.on_second(s);
    if (!tty) return;
    fmt::print("\r\033[K{}",
               report::format_progress_line(static_cast<double>(s.elapsed) / kNanosPerSecond,
                                            static_cast<double>(s.duration) / kNanosPerSecond,
                                            s.last_second->active_vus, *s.last_second, *s.totals));
    std::fflush(stdout);
  };
  attached.start();
  auto result = engine::run_plan(plan, *index, meta, options);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (tty) fmt::print("\r\033[K");
  if (!result) {
    fmt::print(stderr, "error: {}\n", result.error().describe());
    return kExitRuntimeError;
  }
  report::ResultsDocument doc = report::make_document(result->run);
  const std::string attached_lines = attached.finish(doc);
  evaluate_monitor_thresholds(*result, doc.monitor);
  add_plan_outcomes(doc, *result, *index, plan);
  fmt::print("{}{}{}{}{}", report::format_console_summary(result->run),
             names_table(*result, *index),
             checks_section(*result, *index) + extractions_section(*result, *index),
             thresholds_section(*result), attached_lines);
  if (result->aborted) {
    fmt::print("\n  ABORTED at {:.1f}s by threshold {} (abortOnFail)\n",
               static_cast<double>(result->aborted_at) / kNanosPerSecond, result->abort_reason);
  }
  std::fflush(stdout);
  if (!o.summary_json.empty()) {
    auto ok = write_file_atomically(o.summary_json, plan_summary_json(*result, *index, plan));
    if (!ok) {
      fmt::print(stderr, "error: {}\n", ok.error().describe());
      return kExitRuntimeError;
    }
  }
  if (auto ok = attached.write_files(doc); !ok) {
    fmt::print(stderr, "error: {}\n", ok.error().describe());
    return kExitRuntimeError;
  }
  if (result->run.interrupted) return kExitInterrupted;
  if (result->aborted) return kExitAbortedByThreshold;
  return result->thresholds_failed() ? kExitThresholdsFailed : kExitOk;
}

}  // namespace perfgate::cli
