#include "cli/trial_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <thread>

#include "analysis/capacity/capacity_console.h"
#include "cli/command_line_redaction.h"
#include "core/atomic_file.h"
#include "core/units.h"
#include "net/socket.h"
#include "plan/loader.h"
#include "report/html_report.h"
#include "report/results_json.h"

namespace perfgate::cli {
namespace {

std::atomic<bool> g_trial_interrupted{false};

void on_trial_signal(int signal) {
  g_trial_interrupted.store(true);
  std::signal(signal, SIG_DFL);
}

bool is_plan_file(const std::string& t) {
  const auto ends = [&t](const char* s) { return t.ends_with(s); };
  return (ends(".yaml") || ends(".yml") || ends(".json")) && access(t.c_str(), R_OK) == 0;
}

Result<plan::Plan> load_target(const TrialCommandOptions& o, Nanos timeout) {
  if (!is_plan_file(o.target)) return plan_for_url(o.target, timeout);
  plan::LoadResult loaded = plan::load_plan_file(o.target);
  if (!loaded.ok()) {
    std::string text;
    for (const plan::Diagnostic& d : loaded.diagnostics.sorted()) text += d.format() + "\n";
    return make_error(fmt::format("{}the plan has {} problem(s); nothing was sent", text,
                                  loaded.diagnostics.items().size()));
  }
  return std::move(loaded.plan);
}

Result<double> seconds(const std::string& text, const char* what) {
  auto d = parse_duration(text);
  if (!d) return make_error(fmt::format("{}: {}", what, d.error().describe()));
  return static_cast<double>(*d) / kNanosPerSecond;
}

}  // namespace

void add_trial_options(CLI::App& app, TrialCommandOptions& o, bool with_slo, bool target_required) {
  auto* target =
      app.add_option("target", o.target, "target URL (http://host:port/path) or plan file");
  if (target_required) target->required();
  app.add_option("-d,--duration", o.duration,
                 "each trial's duration, warm-up included "
                 "(default 10s)");
  app.add_option("--warmup", o.warmup,
                 "start of each trial left out of its statistics (default 2s)");
  app.add_option("--timeout", o.timeout, "request timeout for a URL target (default 5s)");
  app.add_option("-t,--threads", o.threads, "worker threads (default: number of CPUs)")
      ->check(CLI::PositiveNumber);
  app.add_option("--max-vus", o.max_vus,
                 "open model: most iterations in flight (default max(100, 2 s × rate))")
      ->check(CLI::PositiveNumber);
  app.add_option("--out", o.outs, "json=FILE: one results file with every trial");
  app.add_option("--monitor", o.monitors,
                 "watch the system under test during each trial: pid:N, cmd:NAME, cgroup:PATH "
                 "(repeatable); names the resource that ran out");
  app.add_option("--monitor-interval", o.monitor_interval,
                 "monitor sampling interval (default 1s)");
  if (with_slo) {
    app.add_option("--slo", o.slos,
                   "objective, e.g. 'p(95)<200ms' or 'http_req_failed<1%' "
                   "(repeatable)");
  }
}

Result<PreparedTrials> prepare_trials(const TrialCommandOptions& o, const std::string& command,
                                      const std::vector<std::string>& args) {
  PreparedTrials p;
  for (const std::string& s : o.slos) {
    auto slo = analysis::capacity::parse_slo(s);
    if (!slo) return slo.error();
    p.slos.push_back(*slo);
  }
  for (const std::string& out : o.outs) {
    std::string* path = out.starts_with("json=")   ? &p.json_out
                        : out.starts_with("html=") ? &p.html_out
                                                   : nullptr;
    if (path == nullptr || out.size() <= 5) {
      return make_error(fmt::format("--out {}: json=FILE and html=FILE are supported here", out));
    }
    *path = out.substr(5);
    if (auto ok = check_writable(*path); !ok) return ok.error();
  }
  auto duration = seconds(o.duration, "--duration");
  if (!duration) return duration.error();
  auto warmup = seconds(o.warmup, "--warmup");
  if (!warmup) return warmup.error();
  auto timeout = parse_duration(o.timeout);
  if (!timeout) return timeout.error();
  if (*duration <= 0) return make_error("--duration must be above 0");
  p.duration_seconds = *duration;
  p.warmup_seconds = std::min(*warmup, *duration / 2);
  auto monitor = parse_trial_monitor(o.monitors, o.monitor_interval);
  if (!monitor) return monitor.error();
  auto plan = load_target(o, *timeout);
  if (!plan) return plan.error();
  TrialRunnerOptions r;
  r.monitor = std::move(*monitor);
  r.threads = o.threads > 0 ? o.threads
                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  r.timeout = *timeout;
  r.max_vus = o.max_vus;
  r.keep_results = !p.json_out.empty() || !p.html_out.empty();
  r.command_line = redacted_command_line("perfgate " + command, args, plan->secret_values);
  r.interrupt = &g_trial_interrupted;
  r.on_trial = [](const analysis::capacity::TrialStats& t) {
    fmt::print("{}\n", analysis::capacity::format_trial_line(t));
    std::fflush(stdout);
  };
  net::raise_open_file_limit();
  p.runner = std::make_unique<EngineTrialRunner>(std::move(*plan), std::move(r));
  return p;
}

Result<void> write_search_results(const std::string& json_path, const std::string& html_path,
                                  const nlohmann::json& representative, const std::string& key,
                                  const nlohmann::json& section) {
  nlohmann::json doc = representative.is_object()
                           ? representative
                           : nlohmann::json{{"format", report::kResultsFormatName},
                                            {"version", report::kResultsFormatVersion}};
  doc[key] = section;
  if (!json_path.empty()) {
    auto ok = write_file_atomically(
        json_path, doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    if (!ok) return ok;
  }
  if (html_path.empty()) return {};
  auto parsed = report::results_from_json(doc);
  if (!parsed) return make_error("--out html: no trial results to draw: " + parsed.error().message);
  return write_file_atomically(html_path, report::format_html_report(*parsed));
}

const std::atomic<bool>& trial_interrupt_flag() { return g_trial_interrupted; }

void install_trial_signal_handlers() {
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, on_trial_signal);
  std::signal(SIGTERM, on_trial_signal);
}

void restore_trial_signal_handlers() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace perfgate::cli
