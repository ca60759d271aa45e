// Each findings rule with synthetic evidence: one case where it must fire (with its numbers) and
// at least one where it must stay silent.
#include "monitor/findings.h"

#include <gtest/gtest.h>

namespace perfgate::monitor {
namespace {

// A target of 1 core with `cpu(t)` percent, 1 s samples for `seconds`.
template <typename F>
TargetReport target_with_cpu(int seconds, F&& cpu) {
  TargetReport t;
  t.label = "pid 1 (app)";
  for (int s = 1; s <= seconds; ++s) {
    TargetPoint p;
    p.t_s = s;
    p.cpu_percent = cpu(s);
    p.cpu_cores_usable = 1;
    p.threads = 1;
    t.points.push_back(p);
  }
  return t;
}

// Load intervals with p95 latency `latency(t)`.
template <typename F>
LoadEvidence latency_series(int seconds, F&& latency) {
  LoadEvidence load;
  for (int s = 1; s <= seconds; ++s) {
    load.intervals.push_back(LoadInterval{static_cast<double>(s), 100, 100, 0, latency(s)});
  }
  return load;
}

const Finding* find(const std::vector<Finding>& all, const std::string& id) {
  for (const Finding& f : all) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

double evidence(const Finding& f, const std::string& name) {
  for (const auto& [n, v] : f.evidence) {
    if (n == name) return v;
  }
  ADD_FAILURE() << "no evidence " << name;
  return 0;
}

TEST(Findings, CpuBoundWhenHotAndLatencyRises) {
  MonitorReport r;
  r.targets.push_back(target_with_cpu(20, [](int s) { return s <= 10 ? 40.0 : 97.0; }));
  auto load = latency_series(20, [](int s) { return s <= 10 ? 10.0 : 30.0; });
  auto found = find_cpu_bound(r, load, {});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NEAR(evidence(found[0], "cpu_percent_hot_avg"), 97, 1e-9);
  EXPECT_NEAR(evidence(found[0], "latency_p95_cool_ms"), 10, 1e-9);
  EXPECT_NEAR(evidence(found[0], "latency_p95_hot_ms"), 30, 1e-9);
}

TEST(Findings, CpuBoundNeedsBothHeatAndRisingLatency) {
  MonitorReport hot_flat;
  hot_flat.targets.push_back(target_with_cpu(20, [](int s) { return s <= 10 ? 40.0 : 97.0; }));
  EXPECT_TRUE(find_cpu_bound(hot_flat, latency_series(20, [](int) { return 10.0; }), {}).empty());
  MonitorReport cool;
  cool.targets.push_back(target_with_cpu(20, [](int) { return 50.0; }));
  EXPECT_TRUE(find_cpu_bound(cool, latency_series(20, [](int s) { return s * 5.0; }), {}).empty());
  // Without latency numbers there is no evidence of a rise: silent.
  EXPECT_TRUE(find_cpu_bound(hot_flat, LoadEvidence{}, {}).empty());
}

MonitorReport with_cgroup_memory(double current, double limit) {
  MonitorReport r;
  r.targets.push_back(target_with_cpu(5, [](int) { return 10.0; }));
  for (TargetPoint& p : r.targets[0].points) {
    p.cgroup = CgroupPoint{};
    p.cgroup->memory_current_bytes = current * p.t_s / 5;
    p.cgroup->memory_limit_bytes = limit;
  }
  return r;
}

TEST(Findings, MemoryNearLimit) {
  auto found = find_memory_near_limit(with_cgroup_memory(95e6, 100e6), {});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NEAR(evidence(found[0], "ratio"), 0.95, 1e-9);
  EXPECT_TRUE(find_memory_near_limit(with_cgroup_memory(50e6, 100e6), {}).empty());
  MonitorReport no_cgroup;
  no_cgroup.targets.push_back(target_with_cpu(5, [](int) { return 10.0; }));
  EXPECT_TRUE(find_memory_near_limit(no_cgroup, {}).empty());
}

TEST(Findings, LeakFollowsTheLeakAnalysis) {
  MonitorReport r;
  r.targets.push_back(target_with_cpu(5, [](int) { return 1.0; }));
  r.targets[0].leak.analysed = true;
  r.targets[0].leak.slope_mb_per_hour = 0.3;
  EXPECT_TRUE(find_leaks(r).empty());
  r.targets[0].leak.suspected = true;
  r.targets[0].leak.slope_mb_per_hour = 42;
  auto found = find_leaks(r);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].summary.find("42.0 MB/hour"), std::string::npos);
}

TEST(Findings, ListenQueueOverflow) {
  MonitorReport r;
  r.host.resize(3);
  for (HostPoint& p : r.host) p.listen_overflows = p.listen_drops = 0.0;
  EXPECT_FALSE(find_listen_overflow(r));
  r.host[1].listen_overflows = 12;
  r.host[2].syn_queue_full_drops = 3;
  auto f = find_listen_overflow(r);
  ASSERT_TRUE(f);
  EXPECT_EQ(evidence(*f, "listen_overflows"), 12);
  EXPECT_EQ(evidence(*f, "syn_queue_full_drops"), 3);
  EXPECT_FALSE(find_listen_overflow(MonitorReport{}));  // no host data at all
}

TEST(Findings, PhaseDominance) {
  LoadEvidence connect_heavy;
  connect_heavy.connect_ms = 4;
  connect_heavy.tls_ms = 2;
  connect_heavy.wait_ms = 3;
  connect_heavy.receive_ms = 0.5;
  connect_heavy.total_ms = 10;
  connect_heavy.requests_total = 1000;
  connect_heavy.connections_opened = 1000;
  auto found = find_phase_dominance(connect_heavy, {});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, "connect_dominates");
  EXPECT_NEAR(evidence(found[0], "share"), 0.6, 1e-9);
  EXPECT_NE(found[0].recommendation.find("keep-alive"), std::string::npos);

  LoadEvidence unknown_reuse{.connect_ms = 6, .wait_ms = 3, .total_ms = 10};
  found = find_phase_dominance(unknown_reuse, {});
  ASSERT_EQ(found.size(), 1u);
  for (const auto& [name, value] : found[0].evidence) EXPECT_NE(name, "connections_per_request");

  LoadEvidence server_slow{.connect_ms = 0.1, .wait_ms = 80, .receive_ms = 2, .total_ms = 83};
  found = find_phase_dominance(server_slow, {});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, "ttfb_dominates");

  LoadEvidence big_payload{.connect_ms = 0.1, .wait_ms = 5, .receive_ms = 40, .total_ms = 46};
  found = find_phase_dominance(big_payload, {});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, "receive_dominates");

  // Sub-millisecond phases of a fast local server never "dominate"; nor does a balanced mix.
  LoadEvidence fast{.connect_ms = 0.01, .wait_ms = 0.2, .receive_ms = 0.02, .total_ms = 0.25};
  EXPECT_TRUE(find_phase_dominance(fast, {}).empty());
  LoadEvidence balanced{.connect_ms = 3, .wait_ms = 5, .receive_ms = 3, .total_ms = 12};
  EXPECT_TRUE(find_phase_dominance(balanced, {}).empty());
  EXPECT_TRUE(find_phase_dominance(LoadEvidence{}, {}).empty());
}

LoadEvidence ramp_with_errors(bool correlated) {
  LoadEvidence load;
  for (int s = 1; s <= 20; ++s) {
    const double level = 10.0 * s;  // a ramp 10 .. 200 req/s
    const bool burst = correlated ? level >= 150 : (s % 5 == 0);
    load.intervals.push_back(LoadInterval{double(s), level, level, burst ? level * 0.2 : 0, {}});
  }
  return load;
}

TEST(Findings, ErrorBurstsCorrelatedWithLoad) {
  auto f = find_error_burst_at_load(ramp_with_errors(true), {});
  ASSERT_TRUE(f);
  EXPECT_EQ(evidence(*f, "onset_load_level"), 150);
  EXPECT_NEAR(evidence(*f, "burst_error_rate"), 0.2, 1e-9);
  // Bursts spread over the whole ramp are not tied to a load level.
  EXPECT_FALSE(find_error_burst_at_load(ramp_with_errors(false), {}));
  EXPECT_FALSE(find_error_burst_at_load(LoadEvidence{}, {}));
}

TEST(Findings, GeneratorSaturated) {
  MonitorReport r;
  r.host_cores = 2;
  TargetReport self = target_with_cpu(10, [](int) { return 195.0; });
  self.is_self = true;
  self.label = "self";
  r.targets.push_back(self);
  r.targets.push_back(target_with_cpu(10, [](int) { return 20.0; }));
  auto f = find_generator_saturated(r, nullptr, {});
  ASSERT_TRUE(f);
  EXPECT_NEAR(evidence(*f, "generator_cpu_percent"), 195, 1e-9);
  EXPECT_NE(f->summary.find("not the target"), std::string::npos);

  LoadEvidence lagging;
  lagging.schedule_lag_p99_ms = 25;
  f = find_generator_saturated(MonitorReport{}, &lagging, {});
  ASSERT_TRUE(f);
  EXPECT_EQ(evidence(*f, "schedule_lag_p99_ms"), 25);
  for (const auto& [name, value] : f->evidence) EXPECT_NE(name, "generator_cpu_percent");

  LoadEvidence healthy;
  healthy.schedule_lag_p99_ms = 0.5;
  healthy.generator_cpu_percent = 30;
  r.host_cores = 2;
  EXPECT_FALSE(find_generator_saturated(MonitorReport{.host_cores = 2}, &healthy, {}));
  EXPECT_FALSE(find_generator_saturated(MonitorReport{}, nullptr, {}));  // no evidence at all
}

TEST(Findings, TargetExitAndTheFullCatalogue) {
  MonitorReport r;
  r.targets.push_back(target_with_cpu(3, [](int) { return 1.0; }));
  EXPECT_TRUE(find_findings(r, nullptr).empty());
  r.targets[0].events.push_back(TargetEvent{2.0, "exited", "process 1 has exited"});
  auto all = find_findings(r, nullptr);
  ASSERT_NE(find(all, "target_exited"), nullptr);
  EXPECT_EQ(all.size(), 1u);
}

}  // namespace
}  // namespace perfgate::monitor
