#include "engine/arrival_scheduler.h"

#include <algorithm>
#include <cmath>

namespace perfgate::engine {

ArrivalScheduler::ArrivalScheduler(Nanos start, Nanos end, double rate, int workers, int index,
                                   Nanos drop_after)
    : start_(start),
      end_(end),
      interval_(static_cast<double>(kNanosPerSecond) / rate),
      workers_(workers),
      index_(index),
      drop_after_(drop_after) {
  limit_ = first_after(end_ - 1);  // scheduled times < end_
}

Nanos ArrivalScheduler::scheduled(uint64_t k) const {
  const double global = static_cast<double>(k) * workers_ + index_;
  return start_ + static_cast<Nanos>(std::llround(global * interval_));
}

uint64_t ArrivalScheduler::first_after(Nanos t) const {
  if (t < start_) return 0;
  // Estimate, then correct for rounding.
  const double global = std::floor(static_cast<double>(t - start_) / interval_);
  double local = std::floor((global - index_) / workers_) + 1;
  uint64_t k = local < 0 ? 0 : static_cast<uint64_t>(local);
  while (k > 0 && scheduled(k - 1) > t) --k;
  while (scheduled(k) <= t) ++k;
  return k;
}

bool ArrivalScheduler::has_due(Nanos now) {
  if (next_start_ >= limit_) return false;
  if (scheduled(next_start_) > now) return false;
  // Drop everything scheduled before now - drop_after (they waited too long).
  const uint64_t keep_from = std::min(limit_, first_after(now - drop_after_ - 1));
  if (keep_from > next_start_) {
    dropped_ += keep_from - next_start_;
    next_start_ = keep_from;
  }
  return next_start_ < limit_ && scheduled(next_start_) <= now;
}

Nanos ArrivalScheduler::pop() {
  ++started_;
  return scheduled(next_start_++);
}

Nanos ArrivalScheduler::next_scheduled() const {
  return next_start_ < limit_ ? scheduled(next_start_) : kNever;
}

uint64_t ArrivalScheduler::pending(Nanos now) const {
  if (next_start_ >= limit_) return 0;
  const uint64_t due_end = std::min(limit_, first_after(now));
  return due_end > next_start_ ? due_end - next_start_ : 0;
}

uint64_t ArrivalScheduler::stop(Nanos now) {
  const uint64_t dropped = pending(now);
  dropped_ += dropped;
  next_start_ = limit_ = std::min(limit_, std::max(next_start_, first_after(now)));
  return dropped;
}

}  // namespace perfgate::engine
