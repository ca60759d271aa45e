// Costs of the engine's bookkeeping: what recording one request into a worker's shard costs,
// what the coordinator's once-a-second flip + merge costs per worker, and what the open model's
// arrival scheduler costs per iteration.
#include <benchmark/benchmark.h>

#include "engine/arrival_scheduler.h"
#include "engine/metric_shard.h"
#include "results/metric_set.h"

namespace {

using perfgate::Nanos;
using perfgate::engine::ArrivalScheduler;
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

void BM_ArrivalSchedulerPerIteration(benchmark::State& state) {
  const Nanos second = 1'000'000'000;
  ArrivalScheduler scheduler(0, 1'000'000 * second, 20000.0, 2, 1, 5 * second);
  Nanos now = 0;
  for (auto _ : state) {
    now += 100'000;  // one arrival per 100 µs per worker at 20000/s over 2 workers
    while (scheduler.has_due(now)) benchmark::DoNotOptimize(scheduler.pop());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ArrivalSchedulerPerIteration);

}  // namespace
