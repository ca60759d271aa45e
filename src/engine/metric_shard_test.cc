#include "engine/metric_shard.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "engine/plan_metrics.h"

namespace perfgate::engine {
namespace {

using results::MetricSet;
using results::Trend;

TEST(MetricShard, FlipHandsTheRecordedSetToTheCoordinator) {
  MetricShard shard;
  shard.active().http_reqs = 3;
  shard.active().trend(Trend::kDuration).record(42);
  shard.request_flip();
  EXPECT_FALSE(shard.flip_acknowledged());
  shard.poll_flip();  // the worker's next loop turn
  ASSERT_TRUE(shard.flip_acknowledged());
  shard.active().http_reqs += 1;  // goes to the other set

  MetricSet collected;
  shard.take_retired(&collected);
  EXPECT_EQ(collected.http_reqs, 3);
  EXPECT_EQ(collected.trend(Trend::kDuration).count(), 1);

  shard.request_flip();
  shard.poll_flip();
  MetricSet second;
  shard.take_retired(&second);
  EXPECT_EQ(second.http_reqs, 1) << "the retired set was reset after the first collection";
  EXPECT_EQ(second.trend(Trend::kDuration).count(), 0);
}

TEST(MetricShard, PlanMetricsShardHandsOverTheirPerNameTablesToo) {
  Shard<PlanMetrics> shard(size_t{2}, size_t{1});  // two request names, one check
  shard.active().names[1].requests = 5;
  shard.active().checks[0].fails = 2;
  shard.active().custom.push_back({0, 7, 1.5});
  shard.request_flip();
  shard.poll_flip();
  shard.active().names[1].requests = 1;  // the next interval
  PlanMetrics collected(2, 1);
  shard.take_retired(&collected);
  EXPECT_EQ(collected.names[1].requests, 5);
  EXPECT_EQ(collected.checks[0].fails, 2);
  ASSERT_EQ(collected.custom.size(), 1u);
  EXPECT_EQ(collected.custom[0].value, 1.5);
  PlanMetrics rest(2, 1);
  shard.drain(&rest);
  EXPECT_EQ(rest.names[1].requests, 1);
  EXPECT_TRUE(rest.custom.empty());
}

TEST(MetricShard, ConcurrentRecordingLosesAndDuplicatesNothing) {
  // A worker records while a coordinator keeps collecting; every recorded request must be
  // collected exactly once. Run under TSan this also checks the handshake is race-free.
  MetricShard shard;
  std::atomic<bool> done{false};
  std::atomic<int> collections{0};
  constexpr int64_t kRequests = 200000;
  std::thread worker([&] {
    for (int64_t i = 0; i < kRequests; ++i) {
      shard.poll_flip();
      // Every 10000 requests, wait for a collection so the two threads really interleave.
      while (i % 10000 == 0 && collections.load() < i / 10000) {
        shard.poll_flip();
        std::this_thread::yield();
      }
      shard.active().http_reqs += 1;
      shard.active().trend(Trend::kDuration).record(i % 1000 + 1);
    }
    done.store(true, std::memory_order_release);
    while (true) {  // keep acknowledging flips until told to stop
      shard.poll_flip();
      if (done.load(std::memory_order_acquire) == false) break;
      std::this_thread::yield();
    }
  });
  MetricSet total;
  while (!done.load(std::memory_order_acquire)) {
    shard.request_flip();
    while (!shard.flip_acknowledged()) std::this_thread::yield();
    shard.take_retired(&total);
    collections.fetch_add(1);
  }
  done.store(false, std::memory_order_release);  // release the worker
  worker.join();
  shard.drain(&total);
  EXPECT_EQ(total.http_reqs, kRequests);
  EXPECT_EQ(total.trend(Trend::kDuration).count(), kRequests);
  EXPECT_GE(collections.load(), 19);
}

}  // namespace
}  // namespace perfgate::engine
