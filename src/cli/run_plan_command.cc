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
#include "cli/command_line_redaction.h"
#include "cli/distributed_options.h"
#include "cli/exit_codes.h"
#include "cli/github_actions.h"
#include "cli/plan_flags.h"
#include "cli/plan_outcomes.h"
#include "cli/run_attachments.h"
#include "cli/run_verdict.h"
#include "cli/tls_options.h"
#include "cli/version.h"
#include "core/atomic_file.h"
#include "core/units.h"
#include "engine/plan_run.h"
#include "net/socket.h"
#include "plan/loader.h"
#include "plan/redact.h"
#include "plan/schedule.h"
#include "report/console_summary.h"
#include "report/plan_summary.h"
#include "report/results_model.h"
#include "report/summary_json.h"

namespace perfgate::cli {
namespace {

constexpr const char* kPlanHelp =
    "Run a test plan (YAML or JSON; see docs/plan-reference.md).\n\n"
    "Examples:\n"
    "  perfgate run examples/auth-login.yaml\n"
    "  perfgate run plan.yaml -e BASE_URL=http://127.0.0.1:8080 --duration-scale 0.1\n"
    "  perfgate run plan.yaml -u 5 -d 30s        # one constant-vus scenario instead of the "
    "plan's\n"
    "  perfgate run plan.yaml --stage 10s:50 --stage 20s:0 --tag testid=pr-42\n\n"
    "-d, -i and --stage replace ALL of the plan's scenarios with one (as k6's shortcuts do);\n"
    "see docs/plan-reference.md (Command-line overrides).\n\n"
    "Exit codes: 0 done and thresholds passed, 99 a threshold failed (also when abortOnFail\n"
    "stopped the run, and a threshold with no data under --strict-thresholds),\n"
    "104 invalid plan (nothing was sent), 105 interrupted, 5 no request\n"
    "succeeded, 1 runtime error, 2 bad input.";

struct PlanOptions {
  std::string path;
  PlanFlags plan;  // -u -d -i --stage -e --tag --duration-scale
  bool strict_thresholds = false;
  int connections = 0;  // --connections: the VUs share this many per worker thread
  bool http1 = false, http2 = false;
  std::string summary_json;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string timer_resolution = "250us";
  TlsFlags tls;
  AttachmentOptions attach;      // --out, --monitor
  DistributedFlags distributed;  // --execution-segment, --start-at, ...
};

std::atomic<bool> g_plan_interrupted{false};

void on_plan_signal(int signal) {
  g_plan_interrupted.store(true);
  std::signal(signal, SIG_DFL);
}

int print_diagnostics(const plan::Diagnostics& diagnostics) {
  for (const plan::Diagnostic& d : diagnostics.sorted()) fmt::print(stderr, "{}\n", d.format());
  annotate_plan_errors(diagnostics);
  fmt::print(stderr, "error: the plan has {} problem(s); nothing was sent\n",
             diagnostics.items().size());
  return kExitInvalidPlan;
}

}  // namespace

int run_plan_main(const std::vector<std::string>& args) {
  CLI::App app(kPlanHelp, "perfgate run");
  PlanOptions o;
  app.add_option("plan", o.path, "plan file (.yaml, .yml or .json)")->required();
  add_plan_flags(app, o.plan);
  app.add_flag("--strict-thresholds", o.strict_thresholds,
               "a threshold with no data fails (exit 99), as options.strictThresholds does");
  app.add_option("--summary-json", o.summary_json, "write the summary as JSON (k6 shape)");
  app.add_option("--threads", o.threads, "worker threads (default: number of CPUs)")
      ->check(CLI::PositiveNumber);
  app.add_option("--connections", o.connections,
                 "VUs share this many connections, their requests multiplexed as HTTP/2 streams")
      ->check(CLI::PositiveNumber);
  auto* http1 = app.add_flag("--http1", o.http1,
                             "every scenario speaks HTTP/1.1 only (a step's own `http` wins)");
  app.add_flag("--http2", o.http2,
               "every scenario requires HTTP/2 (h2 by ALPN, h2c over http; a step's own `http` "
               "wins)")
      ->excludes(http1);
  app.add_option("--timer-resolution", o.timer_resolution,
                 "how closely arrivals and think times keep their schedule: 0 exact (most "
                 "CPU), default 250us");
  add_tls_flags(app, o.tls);
  add_attachment_options(app, o.attach);
  add_distributed_options(app, o.distributed);
  if (int rc = parse_arguments(app, args); rc >= 0) return rc;
  auto distributed = parse_distributed(o.distributed, unix_now_ns());
  if (!distributed) {
    fmt::print(stderr, "error: {}\n", distributed.error().describe());
    return kExitUsage;
  }
  auto resolution = parse_duration(o.timer_resolution);
  if (!resolution) {
    fmt::print(stderr, "error: --timer-resolution: {}\n", resolution.error().describe());
    return kExitUsage;
  }
  auto setup = parse_plan_flags(o.plan);
  if (!setup) {
    fmt::print(stderr, "error: {}\n", setup.error().describe());
    return kExitUsage;
  }
  setup->reflection = {o.tls.cacert, o.tls.insecure_skip_verify};
  plan::LoadResult loaded = load_plan_with(o.path, *setup);
  if (!loaded.ok()) return print_diagnostics(loaded.diagnostics);
  plan::Plan& plan = loaded.plan;
  if (auto ok = finish_plan(plan, *setup); !ok) {
    fmt::print(stderr, "error: {}\n", ok.error().describe());
    return kExitUsage;
  }
  if (o.strict_thresholds) plan.options.strict_thresholds = true;
  if (o.http1 || o.http2) {
    for (plan::Scenario& s : plan.scenarios) {
      s.http = o.http2 ? plan::HttpVersion::kHttp2 : plan::HttpVersion::kHttp1;
    }
  }
  plan::apply_segment(plan, distributed->segment);
  if (auto limit = check_file_limit(plan)) {
    plan::Diagnostics diagnostics;
    diagnostics.add(limit->pos, limit->message, limit->hint);
    return print_diagnostics(diagnostics);
  }
  auto index = engine::build_plan_index(plan);
  if (!index) {
    fmt::print(stderr, "error: {}\n",
               plan::Redactor::for_plan(plan).text(index.error().describe()));
    return kExitInvalidPlan;
  }
  for (const std::string& warning : index->subs.warnings) {
    fmt::print(stderr, "{}: warning: {}\n", plan.file, warning);
  }
  auto tls = make_tls_context(o.tls, *index, &plan);
  if (!tls) {
    fmt::print(stderr, "error: {}\n", tls.error().describe());
    return kExitInvalidPlan;
  }
  if (!o.summary_json.empty()) {
    if (auto ok = check_writable(o.summary_json); !ok) {
      fmt::print(stderr, "error: {}\n", ok.error().describe());
      return kExitUsage;
    }
  }
  o.attach.instance = distributed->instance;
  if (distributed->start_unix_ns) {  // parts with one --start-at share one testid
    o.attach.run_id = fmt::format("perfgate-{}", *distributed->start_unix_ns / kNanosPerSecond);
  }
  if (auto testid = setup->overrides.tags.find("testid"); testid != setup->overrides.tags.end()) {
    o.attach.run_id = testid->second;  // k6's convention: --tag testid=... names the run
  }
  o.attach.tags.assign(setup->overrides.tags.begin(), setup->overrides.tags.end());
  auto attachments = RunAttachments::prepare(o.attach);
  if (!attachments) {
    fmt::print(stderr, "error: {}\n", attachments.error().describe());
    return kExitUsage;
  }
  RunAttachments& attached = **attachments;
  attached.set_request_labels(engine::request_labels(*index, plan));
  results::RunMetadata meta;
  meta.version = kVersion;
  meta.command_line = redacted_command_line("perfgate run", args, plan.secret_values);
  meta.target_url = plan::Redactor::for_plan(plan).text(plan.options.base_url);

  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, on_plan_signal);
  std::signal(SIGTERM, on_plan_signal);
  engine::PlanRunOptions options;
  options.connections = o.connections > 0 ? o.connections : plan.options.connections;
  options.threads = options.connections > 0 ? std::min(o.threads, options.connections) : o.threads;
  options.timer_resolution = *resolution;
  options.tls = *tls;
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
  if (distributed->start_unix_ns &&
      !wait_until_start(*distributed->start_unix_ns, g_plan_interrupted)) {
    return kExitInterrupted;
  }
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
  doc.environment.instance = distributed->instance;
  doc.environment.tags = o.attach.tags;
  if (!plan.segment.full()) doc.environment.segment = plan.segment.segment().text();
  const std::string attached_lines = attached.finish(doc);
  evaluate_monitor_thresholds(*result, doc.monitor);
  add_plan_outcomes(doc, *result, *index, plan);
  fmt::print("{}{}{}{}", report::format_console_summary(result->run),
             report::format_plan_outcomes(doc), report::format_plan_metrics(doc.plan_metrics),
             attached_lines);
  if (!plan.segment.full()) {
    fmt::print(
        "\n  {}: execution segment {} — this part's share of the plan; merge the parts "
        "with `perfgate merge`\n",
        distributed->instance, plan.segment.segment().text());
  }
  if (result->aborted) {
    fmt::print("\n  ABORTED at {:.1f}s by threshold {} (abortOnFail)\n",
               static_cast<double>(result->aborted_at) / kNanosPerSecond, result->abort_reason);
  }
  std::fflush(stdout);
  if (!o.summary_json.empty()) {
    auto ok = write_file_atomically(o.summary_json, report::format_plan_summary_json(doc));
    if (!ok) {
      fmt::print(stderr, "error: {}\n", ok.error().describe());
      return kExitRuntimeError;
    }
  }
  if (auto ok = attached.write_files(doc); !ok) {
    fmt::print(stderr, "error: {}\n", ok.error().describe());
    return kExitRuntimeError;
  }
  annotate_failed_thresholds(doc.thresholds);
  if (auto ok = append_step_summary(doc); !ok) {
    fmt::print(stderr, "warning: {}\n", ok.error().describe());
  }
  if (result->run.interrupted) return kExitInterrupted;
  if (result->aborted) return kExitAbortedByThreshold;
  return final_exit_code(result->run,
                         plan_thresholds_failed(*result, plan.options.strict_thresholds)
                             ? kExitThresholdsFailed
                             : kExitOk);
}

}  // namespace perfgate::cli
