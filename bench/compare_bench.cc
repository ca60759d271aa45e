// compare's cost on the two shapes that matter: two 10-million-sample HdrHistograms (a perfgate
// run per side) and 100 repetitions per side (benchmark/hyperfine samples). Each iteration is a
// full analysis::compare() — Mann-Whitney U plus a 10,000-resample bootstrap — of one metric.
// Target: well under a second for each.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>

#include "analysis/compare.h"

namespace {

using perfgate::HdrHistogram;
using perfgate::analysis::compare;
using perfgate::analysis::CompareOptions;
using perfgate::analysis::Metric;
using perfgate::analysis::MetricTable;

MetricTable histogram_set(int64_t samples, double scale, uint64_t seed) {
  auto h = std::make_shared<HdrHistogram>(HdrHistogram::for_latency_micros());
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> d(std::log(2000.0), 0.5);
  for (int64_t i = 0; i < samples; ++i) h->record(static_cast<int64_t>(scale * d(rng)));
  Metric m{.name = "http_req_duration", .stat = "p(99)", .unit = "ms"};
  m.histogram = h;
  m.histogram_scale = 0.001;
  m.value = static_cast<double>(h->value_at_percentile(99)) * 0.001;
  MetricTable set;
  set.metrics.push_back(std::move(m));
  return set;
}

MetricTable sample_set(size_t n, double center, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(center, center * 0.02);
  Metric m{.name = "BM_Parse", .stat = "real_time", .unit = "ns"};
  for (size_t i = 0; i < n; ++i) m.samples.push_back(d(rng));
  m.value = m.samples.front();
  MetricTable set;
  set.metrics.push_back(std::move(m));
  return set;
}

void BM_CompareTwo10MHistograms(benchmark::State& state) {
  const MetricTable base = histogram_set(10'000'000, 1.0, 1),
                    cur = histogram_set(10'000'000, 1.1, 2);
  const CompareOptions options;  // 10,000 resamples
  for (auto _ : state) {
    auto result = compare(base, cur, options);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_CompareTwo10MHistograms)->Unit(benchmark::kMillisecond);

void BM_Compare100Repetitions(benchmark::State& state) {
  const MetricTable base = sample_set(100, 1000, 3), cur = sample_set(100, 1050, 4);
  const CompareOptions options;
  for (auto _ : state) {
    auto result = compare(base, cur, options);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_Compare100Repetitions)->Unit(benchmark::kMillisecond);

}  // namespace
