#include "monitor/monitor.h"

#include <ctime>

#include "monitor/findings.h"

namespace perfgate::monitor {
namespace {

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

Monitor::Monitor(std::vector<Target> targets, MonitorOptions options)
    : options_(std::move(options)), sampler_(std::move(targets), options_.sampler) {
  if (options_.interval <= 0) options_.interval = kNanosPerSecond;
}

Monitor::~Monitor() {
  if (thread_.joinable()) (void)stop();
}

void Monitor::start() {
  started_at_ = SteadyClock::monotonic_now();
  started_unix_ns_ = wall_clock_unix_nanos();
  thread_ = std::thread([this] { run(); });
}

double Monitor::seconds_since_start(Nanos monotonic_now) const {
  return static_cast<double>(monotonic_now - started_at_) / 1e9;
}

void Monitor::run() {
  sampler_.sample(started_at_);
  Nanos last = started_at_;
  std::unique_lock lock(mutex_);
  for (int64_t tick = 1;; ++tick) {
    // Ticks are anchored to the start so that sampling does not drift by its own cost.
    const Nanos due = started_at_ + tick * options_.interval;
    const auto deadline = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(due));
    if (wake_.wait_until(lock, deadline, [this] { return stopping_; })) break;
    lock.unlock();
    last = SteadyClock::monotonic_now();
    sampler_.sample(last);
    if (options_.on_sample) options_.on_sample(sampler_.report());
    lock.lock();
  }
  lock.unlock();
  // A last sample so the series covers the end of the run, unless one was just taken.
  const Nanos now = SteadyClock::monotonic_now();
  if (now - last >= options_.interval / 10) sampler_.sample(now);
  thread_cpu_seconds_ = thread_cpu_seconds();
}

MonitorReport Monitor::stop() {
  if (!thread_.joinable()) return MonitorReport{};
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  const Nanos stopped_at = SteadyClock::monotonic_now();
  MonitorReport report = sampler_.take_report();
  report.interval_s = static_cast<double>(options_.interval) / 1e9;
  report.started_unix_ns = started_unix_ns_;
  report.cost.samples = 0;
  for (const TargetReport& t : report.targets) {
    report.cost.samples = std::max<int>(report.cost.samples, static_cast<int>(t.points.size()));
  }
  report.cost.samples = std::max<int>(report.cost.samples, static_cast<int>(report.host.size()));
  report.cost.cpu_seconds = thread_cpu_seconds_;
  report.cost.wall_seconds = static_cast<double>(stopped_at - started_at_) / 1e9;
  analyze_leaks(report, options_.leak);
  report.findings = find_findings(report, nullptr);
  return report;
}

}  // namespace perfgate::monitor
