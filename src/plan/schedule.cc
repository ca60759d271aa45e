#include "plan/schedule.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace perfgate::plan {
namespace {

using Wide = __int128;

// Ceiling of num / den for num >= 0, den > 0.
Nanos ceil_div(Wide num, Wide den) { return static_cast<Nanos>((num + den - 1) / den); }

// Tolerance for comparing float areas with whole iteration numbers.
constexpr long double kAreaEpsilon = 1e-9L;

}  // namespace

Nanos stages_duration(std::span<const Stage> stages) {
  // Saturates far below overflow so sums with startTime and gracefulStop stay representable.
  constexpr Wide kCeiling = std::numeric_limits<Nanos>::max() / 4;
  Wide total = 0;
  for (const Stage& s : stages) total = std::min<Wide>(kCeiling, total + s.duration);
  return static_cast<Nanos>(total);
}

std::int64_t ramping_vus_at(std::int64_t start_vus, std::span<const Stage> stages, Nanos t) {
  std::int64_t from = start_vus;
  Nanos stage_start = 0;
  if (t < 0) return start_vus;
  for (const Stage& stage : stages) {
    const Nanos stage_end = stage_start + stage.duration;
    if (t < stage_end) {
      const Wide elapsed = t - stage_start;
      return from + static_cast<std::int64_t>(elapsed * (stage.target - from) / stage.duration);
    }
    from = stage.target;
    stage_start = stage_end;
  }
  return 0;
}

std::vector<VuChange> ramping_vus_changes(std::int64_t start_vus, std::span<const Stage> stages) {
  std::vector<VuChange> changes{{0, start_vus}};
  const auto add = [&](Nanos at, std::int64_t vus) {
    if (changes.back().vus != vus) changes.push_back({at, vus});
  };
  std::int64_t from = start_vus;
  Nanos stage_start = 0;
  for (const Stage& stage : stages) {
    const std::int64_t diff = stage.target - from;
    if (stage.duration == 0) {
      add(stage_start, stage.target);
    } else if (diff > 0) {
      for (std::int64_t v = from + 1; v <= stage.target; ++v) {
        add(stage_start + ceil_div(Wide{v - from} * stage.duration, diff), v);
      }
    } else if (diff < 0) {
      for (std::int64_t v = from - 1; v >= stage.target; --v) {
        add(stage_start + ceil_div(Wide{from - v} * stage.duration, -diff), v);
      }
    }
    from = stage.target;
    stage_start += stage.duration;
  }
  add(stage_start, 0);
  return changes;
}

std::int64_t vus_at(const Scenario& s, Nanos t) {
  if (t < 0 || t >= regular_duration(s)) return 0;
  switch (s.executor) {
    case ExecutorKind::kRampingVus:
      return ramping_vus_at(s.start_vus, s.stages, t);
    case ExecutorKind::kConstantArrivalRate:
    case ExecutorKind::kRampingArrivalRate:
      return s.pre_allocated_vus;
    default:
      return s.vus;
  }
}

std::int64_t max_vus(const Scenario& s) {
  switch (s.executor) {
    case ExecutorKind::kRampingVus: {
      std::int64_t most = s.start_vus;
      for (const Stage& stage : s.stages) most = std::max(most, stage.target);
      return most;
    }
    case ExecutorKind::kConstantArrivalRate:
    case ExecutorKind::kRampingArrivalRate:
      return std::max(s.max_vus, s.pre_allocated_vus);
    case ExecutorKind::kSharedIterations:
      return std::min(s.vus, s.iterations);
    default:
      return s.vus;
  }
}

double arrival_rate_at(const Scenario& s, Nanos t) {
  if (!is_arrival_rate(s.executor) || t < 0 || t >= regular_duration(s)) return 0;
  const double per_second = static_cast<double>(kSecond) / static_cast<double>(s.time_unit);
  if (s.executor == ExecutorKind::kConstantArrivalRate) return s.rate * per_second;
  double from = static_cast<double>(s.start_rate);
  Nanos stage_start = 0;
  for (const Stage& stage : s.stages) {
    if (t < stage_start + stage.duration) {
      const double f = static_cast<double>(t - stage_start) / static_cast<double>(stage.duration);
      return (from + (static_cast<double>(stage.target) - from) * f) * per_second;
    }
    from = static_cast<double>(stage.target);
    stage_start += stage.duration;
  }
  return 0;
}

ArrivalSchedule::ArrivalSchedule(const Scenario& s) {
  const long double unit = static_cast<long double>(s.time_unit);
  const auto add = [&](Nanos length, std::int64_t from, std::int64_t to) {
    Segment seg{duration_, length, from / unit, to / unit, static_cast<long double>(total_)};
    seg.area = (seg.from + seg.to) / 2 * static_cast<long double>(length);
    segments_.push_back(seg);
    total_ = static_cast<double>(seg.before + seg.area);
    duration_ += length;
  };
  if (s.executor == ExecutorKind::kConstantArrivalRate) {
    add(s.duration, s.rate, s.rate);
    return;
  }
  std::int64_t from = s.start_rate;
  for (const Stage& stage : s.stages) {
    add(stage.duration, from, stage.target);
    from = stage.target;
  }
}

double ArrivalSchedule::cumulative(Nanos t) const {
  for (const Segment& seg : segments_) {
    if (t < seg.start + seg.length) {
      const long double x = std::max<Nanos>(0, t - seg.start);
      const long double slope = (seg.to - seg.from) / seg.length;
      return static_cast<double>(seg.before + seg.from * x + slope * x * x / 2);
    }
  }
  return total_;
}

Nanos ArrivalSchedule::time_of(double count) const {
  for (const Segment& seg : segments_) {
    if (seg.area <= 0 || count > seg.before + seg.area + kAreaEpsilon) continue;
    const long double a = std::max<long double>(0, count - seg.before);
    const long double d = seg.length;
    // Solve from*x + (to-from)/(2d)*x^2 = a in the cancellation-free form 2a / (from + sqrt(...)).
    const long double disc = seg.from * seg.from + 2 * (seg.to - seg.from) * a / d;
    const long double root = std::sqrt(std::max<long double>(0, disc));
    const long double denominator = seg.from + root;
    const long double x = denominator > 0 ? 2 * a / denominator : 0;
    return seg.start + std::min<Nanos>(seg.length, static_cast<Nanos>(std::llround(x)));
  }
  return duration_;
}

ArrivalTimes::ArrivalTimes(const Scenario& s)
    : schedule_(s),
      constant_(s.executor == ExecutorKind::kConstantArrivalRate),
      poisson_(s.arrival == ArrivalMode::kPoisson),
      rate_(s.rate),
      time_unit_(s.time_unit),
      rng_(s.seed) {}

std::optional<Nanos> ArrivalTimes::next() {
  if (poisson_) {
    // Exp(1) by inversion; 53 random bits give u in (0, 1].
    const long double u = (static_cast<long double>(rng_() >> 11) + 1) / 9007199254740992.0L;
    poisson_area_ += -std::log(u);
    if (poisson_area_ > schedule_.total()) return std::nullopt;
    const Nanos t = schedule_.time_of(static_cast<double>(poisson_area_));
    if (constant_ && t >= schedule_.duration()) return std::nullopt;
    return t;
  }
  if (constant_) {
    if (rate_ <= 0) return std::nullopt;
    const Nanos t =
        static_cast<Nanos>(Wide{static_cast<std::int64_t>(index_)} * time_unit_ / rate_);
    if (t >= schedule_.duration()) return std::nullopt;
    ++index_;
    return t;
  }
  const long double count = static_cast<long double>(index_ + 1);
  if (count > schedule_.total() + kAreaEpsilon) return std::nullopt;
  ++index_;
  return schedule_.time_of(static_cast<double>(count));
}

std::vector<Nanos> arrival_start_times(const Scenario& scenario) {
  std::vector<Nanos> times;
  ArrivalTimes generator(scenario);
  while (auto t = generator.next()) times.push_back(*t);
  return times;
}

Nanos regular_duration(const Scenario& s) {
  switch (s.executor) {
    case ExecutorKind::kConstantVus:
    case ExecutorKind::kConstantArrivalRate:
      return s.duration;
    case ExecutorKind::kRampingVus:
    case ExecutorKind::kRampingArrivalRate:
      return stages_duration(s.stages);
    case ExecutorKind::kPerVuIterations:
    case ExecutorKind::kSharedIterations:
      return s.max_duration;
  }
  return 0;
}

Nanos total_duration(const Scenario& s) { return regular_duration(s) + s.graceful_stop; }

Nanos plan_duration(const Plan& plan) {
  Nanos end = 0;
  for (const Scenario& s : plan.scenarios) end = std::max(end, s.start_time + total_duration(s));
  return end;
}

Nanos plan_regular_duration(const Plan& plan) {
  Nanos end = 0;
  for (const Scenario& s : plan.scenarios) end = std::max(end, s.start_time + regular_duration(s));
  return end;
}

std::optional<std::int64_t> planned_iterations(const Scenario& s) {
  switch (s.executor) {
    case ExecutorKind::kPerVuIterations:
      return s.vus * s.iterations;
    case ExecutorKind::kSharedIterations:
      return s.iterations;
    case ExecutorKind::kConstantArrivalRate:
      // Starts k = 0, 1, ... with k * timeUnit / rate < duration: ceil(duration * rate / unit).
      {
        if (s.arrival == ArrivalMode::kPoisson || s.time_unit <= 0) return std::nullopt;
        const Wide n = (Wide{s.duration} * s.rate + s.time_unit - 1) / s.time_unit;
        if (n > std::numeric_limits<std::int64_t>::max()) return std::nullopt;
        return static_cast<std::int64_t>(n);
      }
    case ExecutorKind::kRampingArrivalRate: {
      const double total = std::floor(ArrivalSchedule(s).total() + kAreaEpsilon);
      if (s.arrival == ArrivalMode::kPoisson || !(total < 9e18)) return std::nullopt;
      return static_cast<std::int64_t>(total);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace perfgate::plan

namespace perfgate::plan {

WorkerShare::WorkerShare(const SegmentTuple& segment, int worker, int workers)
    : segment_(segment),
      worker_(static_cast<std::uint64_t>(worker)),
      workers_(static_cast<std::uint64_t>(workers)) {}

bool WorkerShare::owns(std::uint64_t k) const {
  return segment_.owns(k) && segment_.rank(k) % workers_ == worker_;
}

std::int64_t WorkerShare::count(std::int64_t total) const {
  const auto mine = static_cast<std::uint64_t>(segment_.scale(total));
  if (mine <= worker_) return 0;
  return static_cast<std::int64_t>((mine - worker_ + workers_ - 1) / workers_);
}

std::uint64_t WorkerShare::global(std::uint64_t n) const {
  return segment_.nth(worker_ + n * workers_);
}

std::optional<Nanos> SharedArrivalTimes::next() {
  while (auto t = times_.next()) {
    if (share_.owns(index_++)) return t;
  }
  return std::nullopt;
}

std::optional<std::int64_t> planned_iterations(const Scenario& s, const SegmentTuple& segment) {
  if (segment.full()) return planned_iterations(s);
  switch (s.executor) {
    case ExecutorKind::kPerVuIterations:
      return segment.scale(s.vus) * s.iterations;
    case ExecutorKind::kSharedIterations:
      return segment_iterations(s, segment);
    case ExecutorKind::kConstantArrivalRate:
    case ExecutorKind::kRampingArrivalRate: {
      const auto whole = planned_iterations(s);
      if (!whole) return std::nullopt;
      return segment.scale(*whole);
    }
    default:
      return std::nullopt;
  }
}

void apply_segment(Plan& plan, const SegmentTuple& segment) {
  plan.segment = segment;
  if (segment.full()) return;
  for (Feeder& feeder : plan.feeders) {
    if (!feeder.partition) continue;
    std::vector<std::vector<std::string>> kept;
    for (size_t r = 0; r < feeder.rows.size(); ++r) {
      if (segment.owns(r)) kept.push_back(std::move(feeder.rows[r]));
    }
    feeder.rows = std::move(kept);
  }
}

std::int64_t segment_vus(const Scenario& s, const SegmentTuple& segment) {
  const std::int64_t vus = segment.scale(max_vus(s));
  if (vus == 0 && segment_iterations(s, segment) > 0) return 1;
  return vus;
}

std::int64_t segment_iterations(const Scenario& s, const SegmentTuple& segment) {
  if (s.executor != ExecutorKind::kSharedIterations) return 0;
  return segment.scale(s.iterations);
}

}  // namespace perfgate::plan
