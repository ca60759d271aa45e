// Host CPU against a known bursty load: a child busy-loops 1 ms out of every 5 ms (a 20 % duty
// cycle, the short bursts of event-driven work that tick-sampled /proc/stat undercounts) for 2 s.
// The kernel's exact account of the child's CPU time (wait4's rusage) is a lower bound of what
// the whole host used meanwhile; the monitor's host figure must reach it, within 15 %.
#include "monitor/host_cpu.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "monitor/sampler.h"

namespace perfgate::monitor {
namespace {

void burst_for(std::chrono::milliseconds total) {
  using Clock = std::chrono::steady_clock;
  const auto end = Clock::now() + total;
  while (Clock::now() < end) {
    const auto burst_end = Clock::now() + std::chrono::milliseconds(1);
    while (Clock::now() < burst_end) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(4));
  }
}

Nanos monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

TEST(HostCpu, PreciseSourceIsUsedWhenTheMachineHasOne) {
  const bool v1 = std::filesystem::exists("/sys/fs/cgroup/cpuacct/cpuacct.usage");
  const bool v2 = std::filesystem::exists("/sys/fs/cgroup/cpu.stat") ||
                  std::filesystem::exists("/sys/fs/cgroup/unified/cpu.stat");
  if (!v1 && !v2) GTEST_SKIP() << "no cgroup CPU counter on this machine";
  const auto reading = read_host_cpu("/sys/fs/cgroup");
  ASSERT_TRUE(reading);
  EXPECT_STREQ(reading->source, v1 ? kCpuSourceCgroupV1 : kCpuSourceCgroupV2);
}

TEST(HostCpu, HostFigureCoversAKnownBurstyLoad) {
  Sampler sampler({});
  const Nanos start = monotonic_ns();
  sampler.sample(start);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    burst_for(std::chrono::milliseconds(2000));
    _exit(0);
  }
  int status = 0;
  rusage usage{};
  ASSERT_EQ(wait4(child, &status, 0, &usage), child);
  sampler.sample(monotonic_ns());
  const MonitorReport& report = sampler.report();
  ASSERT_EQ(report.host.size(), 1u);
  ASSERT_GT(report.host_cores, 0);
  const double child_cpu_s =
      static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
      static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  const double elapsed_s = report.duration_s;
  const double host_cpu_s = report.host[0].cpu_percent / 100 * report.host_cores * elapsed_s;
  ASSERT_GT(child_cpu_s, 0.2) << "the child did not burn its bursts";  // ~0.4 s when unloaded
  EXPECT_GE(host_cpu_s, 0.85 * child_cpu_s)
      << "host CPU from " << report.host_cpu_source << ": " << host_cpu_s << " s, the child alone "
      << child_cpu_s << " s over " << elapsed_s << " s";
  EXPECT_LE(host_cpu_s, report.host_cores * elapsed_s * 1.01);
}

}  // namespace
}  // namespace perfgate::monitor
