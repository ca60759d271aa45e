// A process in a cgroup of its own, created by the test where the machine allows it (root, a
// writable cgroup file system); otherwise the test is skipped with the reason printed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "monitor/findings.h"
#include "monitor/sampler.h"
#include "test_support.h"

namespace perfgate::monitor {
namespace {

namespace fs = std::filesystem;
using testing::ChildProcess;

bool write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

// Creates a cgroup under the first hierarchy that has memory accounting (pure v2, then v1
// "memory", then the v2 part of a hybrid layout) and removes it at the end.
class ScratchCgroup {
 public:
  ScratchCgroup() {
    const std::string name = fmt::format("perfgate_monitor_test_{}", getpid());
    for (const char* base : {"/sys/fs/cgroup", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/unified"}) {
      if (!fs::exists(fmt::format("{}/cgroup.procs", base))) continue;
      std::error_code ec;
      fs::create_directory(fs::path(base) / name, ec);
      if (ec) {
        why_not_ += fmt::format("mkdir under {}: {}; ", base, ec.message());
        continue;
      }
      path_ = fs::path(base) / name;
      return;
    }
    if (why_not_.empty()) why_not_ = "no cgroup file system mounted";
  }
  ~ScratchCgroup() {
    if (path_.empty()) return;
    for (int i = 0; i < 50 && ::rmdir(path_.c_str()) != 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  const fs::path& path() const { return path_; }
  const std::string& why_not() const { return why_not_; }
  bool add(pid_t pid) { return write_text(path_ / "cgroup.procs", std::to_string(pid)); }
  // Sets a memory limit through whichever file this hierarchy has.
  bool limit_memory(uint64_t bytes) {
    for (const char* file : {"memory.max", "memory.limit_in_bytes"}) {
      if (fs::exists(path_ / file)) return write_text(path_ / file, std::to_string(bytes));
    }
    return false;
  }

 private:
  fs::path path_;
  std::string why_not_;
};

TEST(Cgroup, ProcessInItsOwnCgroupIsMeasuredThroughTheCgroup) {
  ScratchCgroup cgroup;
  if (cgroup.path().empty()) GTEST_SKIP() << "cannot create a cgroup: " << cgroup.why_not();
  ChildProcess leaker({testing::leak_helper(), "36000"});  // 10 MB/s
  ASSERT_EQ(leaker.read_line(), "ready");
  if (!cgroup.add(leaker.pid())) {
    GTEST_SKIP() << "cannot move a process into " << cgroup.path()
                 << " (cgroup.procs not writable)";
  }
  const bool limited = cgroup.limit_memory(64'000'000);
  Sampler sampler({*parse_target("cgroup:" + cgroup.path().string())});
  sampler.sample(SteadyClock::monotonic_now());
  for (int i = 0; i < 30; ++i) {  // up to 6 s
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    sampler.sample(SteadyClock::monotonic_now());
    const auto& points = sampler.report().targets[0].points;
    const auto& cg = points.back().cgroup;
    if (!limited || !cg || !cg->memory_current_bytes || *cg->memory_current_bytes > 60e6) break;
  }
  MonitorReport report = sampler.take_report();
  const TargetReport& t = report.targets[0];
  ASSERT_GE(t.points.size(), 1u);
  const TargetPoint& last = t.points.back();
  EXPECT_EQ(last.processes, 1);
  auto vm_rss = testing::kernel_vm_rss(leaker.pid());
  ASSERT_TRUE(vm_rss);
  EXPECT_NEAR(last.rss_bytes, *vm_rss, 0.05 * *vm_rss + 2e6);  // grows 2 MB per 200 ms
  ASSERT_TRUE(last.cgroup);
  std::printf("cgroup %s: rss %.1f MB, memory.current %s\n", cgroup.path().c_str(),
              last.rss_bytes / 1e6,
              last.cgroup->memory_current_bytes
                  ? fmt::format("{:.1f} MB", *last.cgroup->memory_current_bytes / 1e6).c_str()
                  : "not available (no memory controller in this hierarchy)");
  if (!last.cgroup->memory_current_bytes) return;
  // Pages touched after the move are charged to the new cgroup.
  EXPECT_GT(*last.cgroup->memory_current_bytes, 5e6);
  if (!limited) {
    std::printf("memory limit not writable: memory_near_limit not exercised\n");
    return;
  }
  ASSERT_TRUE(last.cgroup->memory_limit_bytes);
  EXPECT_EQ(*last.cgroup->memory_limit_bytes, 64'000'000 / 4096 * 4096);
  auto findings = find_memory_near_limit(report, {});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "memory_near_limit");
}

}  // namespace
}  // namespace perfgate::monitor
