// Costs of the engine's bookkeeping: what recording one request into a worker's shard costs,
// what the coordinator's once-a-second flip + merge costs per worker, and what the open model's
// arrival timetable costs per iteration.
#include <benchmark/benchmark.h>

#include "engine/metric_shard.h"
#include "plan/schedule.h"
#include "results/metric_set.h"

namespace {

using perfgate::Nanos;
using perfgate::engine::MetricShard;
using perfgate::results::Trend;

// The same work Worker::complete() does per response: counters and nine histogram records.
void record_request(perfgate::results::MetricSet& m, int64_t latency_us) {
  ++m.http_reqs;
  ++m.iterations;
  ++m.statuses[200];
  m.trend(Trend::kBlocked).record(0);
  m.trend(Trend::kConnecting).record(0);
  m.trend(Trend::kSending).record(2);
  m.trend(Trend::kWaiting).record(latency_us);
  m.trend(Trend::kReceiving).record(0);
  m.trend(Trend::kDurationUncorrected).record(latency_us + 2);
  m.trend(Trend::kDuration).record(latency_us + 2);
  m.trend(Trend::kScheduleLag).record(1);
  m.trend(Trend::kIterationDuration).record(latency_us + 2);
}

void BM_RecordRequest(benchmark::State& state) {
  MetricShard shard;
  int64_t latency = 1;
  for (auto _ : state) {
    shard.poll_flip();
    record_request(shard.active(), latency);
    latency = latency * 7 % 100000 + 1;  // spread over many buckets
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordRequest);

void BM_CoordinatorFlipAndMerge(benchmark::State& state) {
  MetricShard shard;
  perfgate::results::MetricSet interval;
  for (auto _ : state) {
    state.PauseTiming();
    for (int i = 0; i < 1000; ++i) record_request(shard.active(), i * 37 % 50000 + 1);
    state.ResumeTiming();
    shard.request_flip();
    shard.poll_flip();  // the worker's side, inline here
    shard.take_retired(&interval);
    interval.reset();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CoordinatorFlipAndMerge)->Unit(benchmark::kMicrosecond);

// The open model's timetable: the next arrival of a constant-arrival-rate scenario.
void BM_ArrivalTimesPerIteration(benchmark::State& state) {
  perfgate::plan::Scenario scenario;
  scenario.executor = perfgate::plan::ExecutorKind::kConstantArrivalRate;
  scenario.rate = 20000;
  scenario.duration = 1'000'000 * perfgate::kNanosPerSecond;
  scenario.max_vus = scenario.pre_allocated_vus = 100;
  perfgate::plan::ArrivalTimes times(scenario);
  for (auto _ : state) benchmark::DoNotOptimize(times.next());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ArrivalTimesPerIteration);

}  // namespace
