#include "monitor/run_evidence.h"

#include <gtest/gtest.h>

namespace perfgate::monitor {
namespace {

using results::Trend;

results::RunResult sample_run(results::Model model) {
  results::RunResult run;
  run.meta.model = model;
  run.meta.elapsed = 4 * kNanosPerSecond;
  for (int s = 1; s <= 4; ++s) {
    results::TimeSeriesPoint p;
    p.t_seconds = s;
    p.requests = 100 * s;
    p.errors = s == 4 ? 30 : 0;
    p.active_vus = 10 * s;
    p.p95_us = 2000 * s;
    run.series.push_back(p);
  }
  // 10 requests: 4 opened a connection (3 ms each), 6 reused one (0).
  for (int i = 0; i < 10; ++i) {
    run.totals.trend(Trend::kConnecting).record(i < 4 ? 3000 : 0);
    run.totals.trend(Trend::kWaiting).record(8000);
    run.totals.trend(Trend::kDurationUncorrected).record(10000);
  }
  run.totals.http_reqs = 10;
  run.health.cpu_seconds = 6;
  run.health.usable_cores = 2;
  return run;
}

TEST(RunEvidence, ClosedModelUsesVusAsTheLoadLevel) {
  LoadEvidence e = evidence_from_run(sample_run(results::Model::kClosed), 0.5);
  ASSERT_EQ(e.intervals.size(), 4u);
  EXPECT_DOUBLE_EQ(e.intervals[0].t_s, 1.5);
  EXPECT_DOUBLE_EQ(e.intervals[2].load_level, 30);
  EXPECT_DOUBLE_EQ(e.intervals[3].errors, 30);
  EXPECT_DOUBLE_EQ(*e.intervals[1].latency_p95_ms, 4);
  EXPECT_NEAR(*e.connect_ms, 1.2, 0.01);
  EXPECT_NEAR(*e.wait_ms, 8, 0.01);
  EXPECT_NEAR(*e.total_ms, 11.2, 0.02);
  EXPECT_DOUBLE_EQ(*e.connections_opened, 4);
  EXPECT_DOUBLE_EQ(*e.generator_cpu_percent, 150);
  EXPECT_DOUBLE_EQ(*e.generator_cores, 2);
  EXPECT_FALSE(e.receive_ms);           // nothing recorded: absent, not zero
  EXPECT_FALSE(e.schedule_lag_p99_ms);  // closed model
}

TEST(RunEvidence, OpenModelUsesThroughputAsTheLoadLevel) {
  auto run = sample_run(results::Model::kOpen);
  run.totals.trend(Trend::kScheduleLag).record(15000);
  LoadEvidence e = evidence_from_run(run, 0);
  EXPECT_DOUBLE_EQ(e.intervals[2].load_level, 300);
  ASSERT_TRUE(e.schedule_lag_p99_ms);
  EXPECT_NEAR(*e.schedule_lag_p99_ms, 15, 0.02);
}

}  // namespace
}  // namespace perfgate::monitor
