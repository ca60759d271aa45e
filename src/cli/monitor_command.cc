// `perfgate monitor TARGET... [-d 60s] [--interval 1s] [--out json=FILE]`: watches processes,
// commands or cgroups without generating load, prints a live line per sample (on a terminal)
// and a summary block with leak analysis and findings, and writes the report as JSON.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "core/atomic_file.h"
#include "core/units.h"
#include "monitor/console_block.h"
#include "monitor/monitor.h"
#include "monitor/report_json.h"

namespace perfgate::cli {
namespace {

struct MonitorArgs {
  std::vector<std::string> targets;
  std::string duration;
  std::string interval = "1s";
  std::string warmup;
  double leak_threshold_mb_per_hour = 1.0;
  std::vector<std::string> outputs;
  bool quiet = false;
};

// Waits for `duration` (0: forever) or SIGINT/SIGTERM, which the caller has blocked.
bool wait_for_end(Nanos duration) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  const Nanos end = SteadyClock::monotonic_now() + duration;
  while (true) {
    Nanos left = duration > 0 ? end - SteadyClock::monotonic_now() : kNanosPerSecond * 3600;
    if (left <= 0) return false;
    timespec ts{static_cast<time_t>(left / kNanosPerSecond),
                static_cast<long>(left % kNanosPerSecond)};
    if (sigtimedwait(&set, nullptr, &ts) > 0) return true;
  }
}

struct Plan {
  std::vector<monitor::Target> targets;
  monitor::MonitorOptions options;
  Nanos duration = 0;
  std::string json_path;
};

// Malformed values: usage errors (exit 2).
Result<Plan> make_plan(const MonitorArgs& args) {
  Plan plan;
  for (const std::string& spec : args.targets) {
    auto target = monitor::parse_target(spec);
    if (!target) return target.error();
    plan.targets.push_back(*target);
  }
  if (!args.duration.empty()) {
    auto d = parse_duration(args.duration);
    if (!d) return d.error();
    plan.duration = *d;
  }
  auto interval = parse_duration(args.interval);
  if (!interval) return interval.error();
  if (*interval < 10 * kNanosPerMilli) return make_error("--interval must be at least 10ms");
  plan.options.interval = *interval;
  if (!args.warmup.empty()) {
    auto w = parse_duration(args.warmup);
    if (!w) return w.error();
    plan.options.leak.warmup_s = static_cast<double>(*w) / 1e9;
  }
  plan.options.leak.threshold_mb_per_hour = args.leak_threshold_mb_per_hour;
  for (const std::string& out : args.outputs) {
    if (out.rfind("json=", 0) != 0 || out.size() == 5) {
      return make_error(fmt::format("unsupported --out \"{}\"", out), "use --out json=FILE");
    }
    plan.json_path = out.substr(5);
  }
  return plan;
}

// Targets that do not exist and outputs that cannot be written: runtime errors (exit 1), found
// before sampling starts.
Result<void> check_plan(const Plan& plan) {
  for (const monitor::Target& target : plan.targets) {
    if (auto ok = monitor::check_target_exists(target); !ok) return ok;
  }
  if (!plan.json_path.empty()) return check_writable(plan.json_path);
  return {};
}

}  // namespace

int monitor_main(const std::vector<std::string>& argv) {
  CLI::App app(
      "Watch processes, commands or cgroups (CPU, memory, threads, fds, I/O, network, cgroup "
      "limits and pressure) and the host; detect memory leaks; print findings.\n\n"
      "Targets: pid:1234 (repeatable), cmd:nginx, cgroup:/sys/fs/cgroup/<group>, self\n"
      "Examples:\n  perfgate monitor cmd:nginx -d 60s --out json=monitor.json\n"
      "  perfgate monitor pid:4242 --interval 200ms -d 10m",
      "perfgate monitor");
  MonitorArgs args;
  app.add_option("targets", args.targets, "what to watch")->required();
  app.add_option("-d,--duration", args.duration, "how long (default: until Ctrl-C)");
  app.add_option("--interval", args.interval, "time between samples (default 1s)");
  app.add_option("--warmup", args.warmup,
                 "ignore memory growth before this for the leak slope (default: first 20%)");
  app.add_option("--leak-threshold", args.leak_threshold_mb_per_hour,
                 "MB/hour above which significant growth is a suspected leak (default 1)");
  app.add_option("--out", args.outputs, "write the report: json=FILE");
  app.add_flag("-q,--quiet", args.quiet, "no live lines");
  if (int rc = parse_arguments(app, argv); rc >= 0) return rc;

  auto plan = make_plan(args);
  if (!plan) {
    fmt::print(stderr, "error: {}\n", plan.error().describe());
    return kExitUsage;
  }
  if (auto ok = check_plan(*plan); !ok) {
    fmt::print(stderr, "error: {}\n", ok.error().describe());
    return kExitRuntimeError;
  }
  if (!args.quiet && ::isatty(STDOUT_FILENO)) {
    plan->options.on_sample = [](const monitor::MonitorReport& r) {
      fmt::print("{}\n", monitor::format_live_line(r));
      std::fflush(stdout);
    };
  }
  // Block SIGINT/SIGTERM before the sampling thread starts, so it inherits the mask and only
  // wait_for_end() receives them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  monitor::Monitor monitor(plan->targets, plan->options);
  monitor.start();
  const bool interrupted = wait_for_end(plan->duration);
  monitor::MonitorReport report = monitor.stop();
  fmt::print("{}", monitor::format_console_block(report));
  if (!plan->json_path.empty()) {
    if (auto ok = monitor::write_json(report, plan->json_path); !ok) {
      fmt::print(stderr, "error: {}\n", ok.error().describe());
      return kExitRuntimeError;
    }
  }
  return interrupted && plan->duration > 0 ? kExitInterrupted : kExitOk;
}

}  // namespace perfgate::cli
