#include "engine/engine.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <thread>
#include <vector>

#include "engine/health.h"
#include "engine/worker.h"

namespace perfgate::engine {
namespace {

using results::MetricSet;
using results::TimeSeriesPoint;

constexpr Nanos kTick = 20 * kNanosPerMilli;          // how often the coordinator looks around
constexpr Nanos kFlipTimeout = 500 * kNanosPerMilli;  // a worker that does not answer is skipped

class Coordinator {
 public:
  Coordinator(const EngineConfig& config, const RunHooks& hooks, results::RunResult* result)
      : config_(config), hooks_(hooks), result_(result) {}

  void run();

 private:
  void start_workers();
  void collect_second(Nanos now);
  void collect_final(Nanos now);
  void add_point(const MetricSet& interval, Nanos now);
  bool interrupted() const {
    return hooks_.interrupt != nullptr && hooks_.interrupt->load(std::memory_order_relaxed);
  }

  const EngineConfig& config_;
  const RunHooks& hooks_;
  results::RunResult* result_;
  SteadyClock clock_;
  Nanos start_ = 0;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  MetricSet interval_;
};

void Coordinator::start_workers() {
  const int n = config_.threads;
  start_ = clock_.now();
  for (int i = 0; i < n; ++i) {
    workers_.push_back(
        std::make_unique<Worker>(config_, clock_, i, n, start_, start_ + config_.duration));
  }
  for (auto& worker : workers_) threads_.emplace_back([w = worker.get()] { w->run(); });
}

void Coordinator::run() {
  result_->meta.start_unix_nanos = wall_clock_unix_nanos();
  start_workers();
  const Nanos end = start_ + config_.duration;
  Nanos next_second = start_ + kNanosPerSecond;
  while (true) {
    const Nanos now = clock_.now();
    if (interrupted()) {
      result_->interrupted = true;
      break;
    }
    if (now >= end) break;
    if (std::all_of(workers_.begin(), workers_.end(),
                    [](const auto& w) { return w->finished(); })) {
      break;  // every worker finished its share of --requests
    }
    if (now >= next_second) {
      collect_second(now);
      next_second += kNanosPerSecond;
    }
    std::this_thread::sleep_for(std::chrono::nanoseconds(
        std::min({kTick, std::max<Nanos>(next_second - now, 0), std::max<Nanos>(end - now, 0)})));
  }
  for (auto& worker : workers_) {
    worker->request_stop();
    worker->wake();
  }
  for (auto& thread : threads_) thread.join();
  collect_final(clock_.now());
}

void Coordinator::collect_second(Nanos now) {
  collect_shards(workers_, clock_, kFlipTimeout, &interval_);
  add_point(interval_, now);
  interval_.reset();
}

void Coordinator::collect_final(Nanos now) {
  for (auto& worker : workers_) worker->shard().drain(&interval_);
  result_->meta.elapsed = now - start_;
  if (interval_.http_reqs > 0 || interval_.dropped_iterations > 0 || result_->series.empty()) {
    add_point(interval_, now);
  }
  interval_.reset();
  result_->vus.value = 0;
  if (!result_->series.empty()) result_->vus.value = result_->series.back().active_vus;
  for (auto& worker : workers_) result_->vus_max.value += worker->allocated_vus();
  result_->vus_max.max = std::max(result_->vus_max.max, result_->vus_max.value);
  if (config_.model == results::Model::kClosed) {
    result_->vus = {config_.vus, config_.vus, config_.vus};
    result_->vus_max = {config_.vus, config_.vus, config_.vus};
  }
}

void Coordinator::add_point(const MetricSet& interval, Nanos now) {
  TimeSeriesPoint point;
  point.t_seconds = static_cast<double>(now - start_) / kNanosPerSecond;
  point.requests = interval.http_reqs;
  point.errors = interval.failed_requests;
  int64_t allocated = 0;
  for (auto& worker : workers_) {
    point.active_vus += worker->busy_vus();
    allocated += worker->allocated_vus();
  }
  const auto& duration = interval.trend(results::Trend::kDuration);
  point.p50_us = duration.value_at_percentile(50);
  point.p90_us = duration.value_at_percentile(90);
  point.p95_us = duration.value_at_percentile(95);
  point.p99_us = duration.value_at_percentile(99);
  point.max_us = duration.max();
  point.schedule_lag_p99_us = interval.trend(results::Trend::kScheduleLag).value_at_percentile(99);
  result_->totals.add(interval);
  if (result_->series.empty()) {
    result_->vus.min = result_->vus.max = point.active_vus;
  } else {
    result_->vus.min = std::min(result_->vus.min, point.active_vus);
    result_->vus.max = std::max(result_->vus.max, point.active_vus);
  }
  result_->vus_max.max = std::max(result_->vus_max.max, allocated);
  result_->vus_max.min = result_->series.empty() ? allocated : result_->vus_max.min;
  results::record_duration_interval(*result_, point.t_seconds, duration);
  result_->series.push_back(point);
  if (hooks_.on_second) {
    LiveStatus status{now - start_, config_.duration, &result_->series.back(), &result_->totals};
    hooks_.on_second(status);
  }
}

}  // namespace

int default_max_vus(double rate) { return std::max(100, static_cast<int>(std::ceil(rate / 10))); }

Result<results::RunResult> run(const EngineConfig& input, const results::RunMetadata& meta,
                               const RunHooks& hooks) {
  EngineConfig config = input;
  const bool open = config.model == results::Model::kOpen;
  if (open && config.rate <= 0) return make_error("the open model needs a rate above 0");
  if (open && config.max_vus <= 0) config.max_vus = default_max_vus(config.rate);
  if (!open && config.vus <= 0) return make_error("the closed model needs at least 1 VU");
  // A worker without VUs would only burn a thread.
  config.threads = std::max(1, std::min(config.threads, open ? config.max_vus : config.vus));

  auto result = std::make_unique<results::RunResult>();
  result->meta = meta;
  result->meta.model = config.model;
  result->meta.duration = config.duration;
  result->meta.requests = config.model == results::Model::kClosed ? config.requests : 0;
  result->meta.threads = config.threads;
  result->meta.vus = open ? 0 : config.vus;
  result->meta.max_vus = open ? config.max_vus : config.vus;
  result->meta.rate = open ? config.rate : 0;
  result->meta.timeout = config.timeout;

  const double cpu_before = process_cpu_seconds();
  Coordinator(config, hooks, result.get()).run();
  const int online = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  assess_health(process_cpu_seconds() - cpu_before, config.threads, online, result.get());
  return std::move(*result);
}

}  // namespace perfgate::engine
