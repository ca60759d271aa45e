#include "engine/metric_shard.h"

namespace perfgate::engine {

void MetricShard::take_retired(results::MetricSet* into) {
  // The worker is on sets_[acked & 1]; the other one is retired.
  const uint64_t acked = acked_epoch_.load(std::memory_order_acquire);
  results::MetricSet& retired = sets_[(acked + 1) & 1];
  into->add(retired);
  retired.reset();
}

void MetricShard::drain(results::MetricSet* into) {
  for (auto& set : sets_) {
    into->add(set);
    set.reset();
  }
}

}  // namespace perfgate::engine
