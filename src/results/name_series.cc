// NameSeriesRecorder; see name_series.h.
#include "results/name_series.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace perfgate::results {

size_t points_per_name(size_t names) { return kMaxNamePoints / std::max<size_t>(names, 1); }

void merge_point(NamePoint& into, const NamePoint& from) {
  into.t_seconds = std::max(into.t_seconds, from.t_seconds);
  into.requests += from.requests;
  into.failures += from.failures;
  into.p50_us = std::max(into.p50_us, from.p50_us);
  into.p95_us = std::max(into.p95_us, from.p95_us);
  into.p99_us = std::max(into.p99_us, from.p99_us);
}

NameSeriesRecorder::NameSeriesRecorder(std::vector<std::string> names)
    : names_(std::move(names)), tracks_(names_.size()) {
  const size_t kept = std::min(names_.size(), kMaxSeriesNames);
  max_points_ = points_per_name(kept + (names_.size() > kMaxSeriesNames ? 1 : 0));
}

// Collections end at about whole seconds: second s (1-based) belongs to interval (s-1)/length.
int64_t NameSeriesRecorder::bucket_of(double t_seconds) const {
  const int64_t second = std::max<int64_t>(1, std::llround(t_seconds));
  return (second - 1) / interval_;
}

void NameSeriesRecorder::append(std::vector<NamePoint>& points, const NamePoint& p) const {
  if (!points.empty() && bucket_of(points.back().t_seconds) == bucket_of(p.t_seconds)) {
    merge_point(points.back(), p);
  } else {
    points.push_back(p);
  }
}

void NameSeriesRecorder::add(size_t name, double t_seconds, const HdrHistogram& duration,
                             int64_t requests, int64_t failures) {
  if (name >= tracks_.size() || requests <= 0) return;
  while (bucket_of(t_seconds) >= static_cast<int64_t>(max_points_)) coarsen();
  Track& track = tracks_[name];
  const int64_t bucket = bucket_of(t_seconds);
  if (track.open_bucket != bucket) close(track);
  if (!track.open) track.open.emplace(HdrHistogram::for_latency_micros());
  track.open->add(duration);
  track.open_bucket = bucket;
  track.open_point.t_seconds = t_seconds;
  track.open_point.requests += requests;
  track.open_point.failures += failures;
  track.total += requests;
}

void NameSeriesRecorder::close(Track& track) {
  if (track.open_bucket < 0) return;
  NamePoint& p = track.open_point;
  p.p50_us = track.open->value_at_percentile(50);
  p.p95_us = track.open->value_at_percentile(95);
  p.p99_us = track.open->value_at_percentile(99);
  append(track.points, p);
  track.open->reset();
  track.open_point = {};
  track.open_bucket = -1;
}

// Doubles the interval: closed points that now share an interval merge (an upper bound on
// their percentiles); the open interval keeps filling under its new number.
void NameSeriesRecorder::coarsen() {
  interval_ *= 2;
  for (Track& track : tracks_) {
    std::vector<NamePoint> points;
    points.reserve(track.points.size() / 2 + 1);
    for (const NamePoint& p : track.points) append(points, p);
    track.points = std::move(points);
    if (track.open_bucket >= 0) track.open_bucket = bucket_of(track.open_point.t_seconds);
  }
}

NameSeriesSet NameSeriesRecorder::finish() {
  for (Track& track : tracks_) close(track);
  std::vector<size_t> order(tracks_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return tracks_[a].total > tracks_[b].total; });
  NameSeriesSet out;
  out.interval_seconds = interval_;
  std::vector<NamePoint> folded;
  for (size_t rank = 0; rank < order.size(); ++rank) {
    Track& track = tracks_[order[rank]];
    if (track.total == 0) break;
    if (rank < kMaxSeriesNames) {
      out.names.push_back({names_[order[rank]], std::move(track.points)});
    } else {
      folded.insert(folded.end(), track.points.begin(), track.points.end());
    }
  }
  if (!folded.empty()) {
    std::stable_sort(folded.begin(), folded.end(), [](const NamePoint& a, const NamePoint& b) {
      return a.t_seconds < b.t_seconds;
    });
    NameSeries& other = out.names.emplace_back(NameSeries{kOtherSeriesName, {}});
    for (const NamePoint& p : folded) append(other.points, p);
  }
  return out;
}

}  // namespace perfgate::results
