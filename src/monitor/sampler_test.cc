// The Sampler against a fake /proc tree written by the test: exact rates from known counters,
// pid recycling, processes that come and go, and cgroup files.
#include "monitor/sampler.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace perfgate::monitor {
namespace {

namespace fs = std::filesystem;

struct FakeProcess {
  std::string comm = "app";
  uint64_t utime = 0, stime = 0, start = 1000, rss_kb = 1000;
  int threads = 2, fds = 3;
  uint64_t voluntary = 0, involuntary = 0, read_bytes = 0, write_bytes = 0;
  uint64_t rx = 0, tx = 0;
  std::string netns = "net:[4026531992]";
};

class FakeProc {
 public:
  FakeProc() : root_(fs::temp_directory_path() / fmt::format("pg_fakeproc_{}", ::getpid())) {
    fs::remove_all(root_);
    fs::create_directories(root_);
    write("stat",
          "cpu  100 0 0 900 0 0 0 0 0 0\ncpu0 50 0 0 450 0 0 0 0 0 0\n"
          "cpu1 50 0 0 450 0 0 0 0 0 0\n");
    write("meminfo", "MemTotal: 1000 kB\nMemAvailable: 500 kB\n");
    write("loadavg", "0.10 0.20 0.30 1/100 1\n");
  }
  ~FakeProc() { fs::remove_all(root_); }

  std::string root() const { return root_.string(); }
  void write(const std::string& relative, const std::string& content) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative) << content;
  }
  void put(pid_t pid, const FakeProcess& p) {
    const std::string d = std::to_string(pid);
    write(d + "/stat", fmt::format("{} ({}) S 1 1 1 0 -1 0 0 0 0 0 {} {} 0 0 20 0 {} 0 {} 0 0\n",
                                   pid, p.comm, p.utime, p.stime, p.threads, p.start));
    write(d + "/status",
          fmt::format("Name:\t{}\nVmRSS:\t{} kB\nCpus_allowed_list:\t0-1\n"
                      "voluntary_ctxt_switches:\t{}\nnonvoluntary_ctxt_switches:\t{}\n",
                      p.comm, p.rss_kb, p.voluntary, p.involuntary));
    write(d + "/comm", p.comm + "\n");
    write(d + "/io", fmt::format("read_bytes: {}\nwrite_bytes: {}\n", p.read_bytes, p.write_bytes));
    write(d + "/smaps_rollup", fmt::format("Rss: {} kB\nPss: {} kB\nPrivate_Clean: 10 kB\n"
                                           "Private_Dirty: 90 kB\n",
                                           p.rss_kb, p.rss_kb / 2));
    write(d + "/net/dev",
          fmt::format("h1\nh2\n  lo: {} 0 0 0 0 0 0 0 {} 0 0 0 0 0 0 0\n", p.rx, p.tx));
    fs::remove_all(root_ / d / "fd");
    fs::create_directories(root_ / d / "fd");
    for (int i = 0; i < p.fds; ++i) std::ofstream(root_ / d / "fd" / std::to_string(i)) << "";
    fs::remove(root_ / d / "ns" / "net");
    fs::create_directories(root_ / d / "ns");
    fs::create_symlink(p.netns, root_ / d / "ns" / "net");
  }
  void remove(pid_t pid) { fs::remove_all(root_ / std::to_string(pid)); }

 private:
  fs::path root_;
};

SamplerOptions options_for(const FakeProc& proc) {
  SamplerOptions o;
  o.proc_root = proc.root();
  o.cgroup_root = proc.root() + "/no-cgroups";  // host CPU from the fake /proc/stat
  o.self_pid = 77;
  o.clock_ticks = 100;
  return o;
}

TEST(Sampler, RatesFromTwoReadings) {
  FakeProc proc;
  FakeProcess p;
  proc.put(10, p);
  Sampler sampler({Target::process(10)}, options_for(proc));
  sampler.sample(0);
  EXPECT_TRUE(sampler.report().targets[0].points.empty());  // baseline only
  p.utime += 150;                                           // 1.5 s of user CPU over 2 s
  p.stime += 50;
  p.voluntary += 40;
  p.write_bytes += 4000;
  p.rx += 2000;
  p.tx += 1000;
  p.rss_kb = 2000;
  proc.put(10, p);
  sampler.sample(2 * kNanosPerSecond);
  const auto& points = sampler.report().targets[0].points;
  ASSERT_EQ(points.size(), 1u);
  const TargetPoint& pt = points[0];
  EXPECT_DOUBLE_EQ(pt.t_s, 2);
  EXPECT_DOUBLE_EQ(pt.cpu_user_percent, 75);
  EXPECT_DOUBLE_EQ(pt.cpu_system_percent, 25);
  EXPECT_DOUBLE_EQ(pt.cpu_percent, 100);
  EXPECT_DOUBLE_EQ(pt.cpu_cores_usable, 2);  // 2 CPUs allowed, 2 threads
  EXPECT_DOUBLE_EQ(pt.rss_bytes, 2000.0 * 1024);
  EXPECT_DOUBLE_EQ(*pt.pss_bytes, 1000.0 * 1024);
  EXPECT_DOUBLE_EQ(*pt.uss_bytes, 100.0 * 1024);
  EXPECT_DOUBLE_EQ(*pt.open_fds, 3);
  EXPECT_DOUBLE_EQ(pt.ctx_switches_voluntary_per_s, 20);
  EXPECT_DOUBLE_EQ(*pt.disk_write_bytes_per_s, 2000);
  EXPECT_DOUBLE_EQ(*pt.net_rx_bytes_per_s, 1000);
  EXPECT_DOUBLE_EQ(*pt.net_tx_bytes_per_s, 500);
  EXPECT_EQ(sampler.report().targets[0].label, "pid 10 (app)");
  ASSERT_EQ(sampler.report().host.size(), 1u);
  EXPECT_EQ(sampler.report().host_cores, 2);
}

// A precise cgroup counter wins over /proc/stat, and the report names the source it used.
TEST(Sampler, HostCpuFromTheRootCgroupCounterWhenThereIsOne) {
  FakeProc proc;
  SamplerOptions o = options_for(proc);
  Sampler ticks({}, o);
  ticks.sample(0);
  ticks.sample(kNanosPerSecond);
  EXPECT_EQ(ticks.report().host_cpu_source, kCpuSourceProcStat);

  o.cgroup_root = proc.root() + "/cgroup";
  proc.write("cgroup/cpuacct/cpuacct.usage", "1000000000\n");
  Sampler v1({}, o);
  v1.sample(0);
  proc.write("cgroup/cpuacct/cpuacct.usage", "1500000000\n");  // 0.5 s of CPU in 1 s
  v1.sample(kNanosPerSecond);
  ASSERT_EQ(v1.report().host.size(), 1u);
  EXPECT_EQ(v1.report().host_cpu_source, kCpuSourceCgroupV1);
  EXPECT_DOUBLE_EQ(v1.report().host[0].cpu_percent, 25);  // of 2 cores

  fs::remove_all(proc.root() + "/cgroup");
  proc.write("cgroup/cpu.stat", "usage_usec 2000000\nuser_usec 1\n");
  Sampler v2({}, o);
  v2.sample(0);
  proc.write("cgroup/cpu.stat", "usage_usec 3500000\nuser_usec 1\n");  // 1.5 s in 1 s
  v2.sample(kNanosPerSecond);
  EXPECT_EQ(v2.report().host_cpu_source, kCpuSourceCgroupV2);
  EXPECT_DOUBLE_EQ(v2.report().host[0].cpu_percent, 75);
}

TEST(Sampler, ExitIsAnEventAndTheOthersGoOn) {
  FakeProc proc;
  FakeProcess p;
  proc.put(10, p);
  proc.put(11, p);
  Sampler sampler({Target::process(10), Target::process(11)}, options_for(proc));
  sampler.sample(0);
  proc.remove(10);
  sampler.sample(kNanosPerSecond);
  sampler.sample(2 * kNanosPerSecond);
  const auto& r = sampler.report();
  ASSERT_EQ(r.targets[0].events.size(), 1u);  // reported once, not at every sample
  EXPECT_EQ(r.targets[0].events[0].kind, "exited");
  EXPECT_TRUE(r.targets[0].points.empty());
  EXPECT_EQ(r.targets[1].points.size(), 2u);
}

TEST(Sampler, ZombieCountsAsExited) {
  FakeProc proc;
  proc.put(10, FakeProcess{});
  Sampler sampler({Target::process(10)}, options_for(proc));
  sampler.sample(0);
  proc.write("10/stat", "10 (app) Z 1 1 1 0 -1 0 0 0 0 0 5 5 0 0 20 0 1 0 1000 0 0\n");
  sampler.sample(kNanosPerSecond);
  ASSERT_EQ(sampler.report().targets[0].events.size(), 1u);
  EXPECT_EQ(sampler.report().targets[0].events[0].kind, "exited");
}

TEST(Sampler, RecycledPidDoesNotProduceNegativeOrHugeCpu) {
  FakeProc proc;
  FakeProcess p;
  p.utime = 10'000;
  proc.put(10, p);
  Sampler sampler({Target::process(10)}, options_for(proc));
  sampler.sample(0);
  FakeProcess other;  // a new process with the same pid, started later
  other.start = 5000;
  other.utime = 30;
  proc.put(10, other);
  sampler.sample(kNanosPerSecond);
  ASSERT_EQ(sampler.report().targets[0].points.size(), 1u);
  EXPECT_DOUBLE_EQ(sampler.report().targets[0].points[0].cpu_percent, 0);
}

TEST(Sampler, CommandTargetFollowsProcessesThatComeAndGo) {
  FakeProc proc;
  FakeProcess web;
  web.comm = "web";
  proc.put(20, web);
  proc.put(21, FakeProcess{});  // "app": not matched
  Sampler sampler({*parse_target("cmd:web")}, options_for(proc));
  sampler.sample(0);
  proc.put(22, web);  // a second worker appears, same network namespace
  web.utime += 50;
  web.rx += 100;
  proc.put(20, web);
  sampler.sample(kNanosPerSecond);
  const TargetReport& t = sampler.report().targets[0];
  ASSERT_EQ(t.points.size(), 1u);
  EXPECT_EQ(t.points[0].processes, 2);
  EXPECT_DOUBLE_EQ(t.points[0].rss_bytes, 2 * 1000.0 * 1024);
  EXPECT_DOUBLE_EQ(t.points[0].cpu_percent, 50);
  EXPECT_DOUBLE_EQ(*t.points[0].net_rx_bytes_per_s, 100);  // the shared netns counted once
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_EQ(t.events[0].kind, "appeared");
  proc.remove(20);
  proc.remove(22);
  sampler.sample(2 * kNanosPerSecond);
  EXPECT_EQ(sampler.report().targets[0].events.back().kind, "no_process");
}

TEST(Sampler, CgroupFilesBecomeACgroupPoint) {
  FakeProc proc;
  proc.put(30, FakeProcess{});
  const std::string cg = proc.root() + "/cg";
  proc.write("cg/cgroup.procs", "30\n");
  proc.write("cg/memory.current", "1000000\n");
  proc.write("cg/memory.max", "2000000\n");
  proc.write("cg/cpu.max", "50000 100000\n");
  proc.write("cg/cpu.stat", "usage_usec 0\nnr_throttled 0\nthrottled_usec 0\n");
  proc.write("cg/memory.pressure", "some avg10=0 avg60=0 avg300=0 total=0\n");
  Sampler sampler({*parse_target("cgroup:" + cg)}, options_for(proc));
  sampler.sample(0);
  proc.write("cg/cpu.stat", "usage_usec 500000\nnr_throttled 3\nthrottled_usec 100000\n");
  proc.write("cg/memory.pressure", "some avg10=0 avg60=0 avg300=0 total=50000\n");
  proc.write("cg/memory.current", "1900000\n");
  sampler.sample(kNanosPerSecond);
  const TargetPoint& p = sampler.report().targets[0].points.at(0);
  ASSERT_TRUE(p.cgroup);
  EXPECT_DOUBLE_EQ(*p.cgroup->memory_current_bytes, 1.9e6);
  EXPECT_DOUBLE_EQ(*p.cgroup->memory_limit_bytes, 2e6);
  EXPECT_DOUBLE_EQ(*p.cgroup->cpu_percent, 50);
  EXPECT_DOUBLE_EQ(*p.cgroup->throttled_periods, 3);
  EXPECT_DOUBLE_EQ(*p.cgroup->throttled_percent, 10);
  EXPECT_DOUBLE_EQ(*p.cgroup->memory_pressure_percent, 5);
  EXPECT_DOUBLE_EQ(p.cpu_cores_usable, 0.5);  // the quota caps the usable cores
}

TEST(Sampler, UnreadableCgroupIsReportedOnce) {
  FakeProc proc;
  Sampler sampler({*parse_target("cgroup:" + proc.root() + "/missing")}, options_for(proc));
  sampler.sample(0);
  sampler.sample(kNanosPerSecond);
  const TargetReport& t = sampler.report().targets[0];
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_EQ(t.events[0].kind, "unreadable");
}

TEST(Target, ParsesEveryKindAndRejectsTheRest) {
  EXPECT_EQ(parse_target("pid:42")->pid, 42);
  EXPECT_EQ(parse_target("cmd:nginx")->value, "nginx");
  EXPECT_EQ(parse_target("cgroup:/sys/fs/cgroup/app")->kind, Target::Kind::kCgroup);
  EXPECT_EQ(parse_target("self")->kind, Target::Kind::kSelf);
  EXPECT_FALSE(parse_target("pid:abc"));
  EXPECT_FALSE(parse_target("pid:-1"));
  EXPECT_FALSE(parse_target("cgroup:relative"));
  EXPECT_FALSE(parse_target("nginx"));
  EXPECT_NE(parse_target("host:1").error().hint.find("pid:1234"), std::string::npos);
}

TEST(Target, ExistenceIsCheckedForPidsAndCgroups) {
  FakeProc proc;
  proc.put(10, FakeProcess{});
  proc.write("cg/cgroup.procs", "");
  EXPECT_TRUE(check_target_exists(Target::process(10), proc.root()));
  EXPECT_FALSE(check_target_exists(Target::process(11), proc.root()));
  EXPECT_TRUE(check_target_exists(*parse_target("cgroup:" + proc.root() + "/cg")));
  EXPECT_FALSE(check_target_exists(*parse_target("cgroup:" + proc.root())));
  EXPECT_TRUE(check_target_exists(*parse_target("cmd:not-running-yet"), proc.root()));
}

}  // namespace
}  // namespace perfgate::monitor
