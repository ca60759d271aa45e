// The name series of a merged run; see merged_name_series.h.
#include "cli/merged_name_series.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace perfgate::cli {
namespace {

using results::NamePoint;

struct Placed {
  int64_t second;  // the point's end second on the common axis (1-based)
  size_t part;
  NamePoint point;
};

struct Track {
  std::string name;
  std::vector<Placed> points;
  int64_t total = 0;  // requests over all parts
};

struct Collected {
  std::vector<Track> names;  // in the order first met
  Track other{results::kOtherSeriesName, {}, 0};
  int64_t last_second = 1;
  int64_t interval_s = 1;  // the largest of the parts'
};

Collected collect(const std::vector<MergePart>& parts) {
  Collected c;
  for (size_t i = 0; i < parts.size(); ++i) {
    const results::NameSeriesSet& set = parts[i].doc->run.name_series;
    c.interval_s = std::max(c.interval_s, set.interval_seconds);
    for (const results::NameSeries& series : set.names) {
      Track* track = &c.other;
      if (series.name != results::kOtherSeriesName) {
        auto it = std::find_if(c.names.begin(), c.names.end(),
                               [&](const Track& t) { return t.name == series.name; });
        track = it != c.names.end() ? &*it : &c.names.emplace_back(Track{series.name, {}, 0});
      }
      int64_t own = 0;  // the point's end second on the part's axis
      for (const NamePoint& p : series.points) {
        own = end_second(p.t_seconds, own);
        const int64_t second = own + parts[i].offset_s;
        track->points.push_back({second, i, p});
        track->total += p.requests;
        c.last_second = std::max(c.last_second, second);
      }
    }
  }
  return c;
}

// The names each part kept `name:<request name>` interval histograms of.
std::vector<std::set<std::string>> names_with_intervals(const std::vector<MergePart>& parts) {
  std::vector<std::set<std::string>> out(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    for (const report::IntervalHistogram& h : parts[i].doc->intervals) {
      if (h.tag.starts_with("name:")) out[i].insert(h.tag.substr(5));
    }
  }
  return out;
}

// The sum of the `name:<name>` interval histograms starting in seconds [from, from + length).
HdrHistogram interval_sum(const IntervalMap& intervals, const std::string& name, int64_t from,
                          int64_t length) {
  HdrHistogram sum = HdrHistogram::for_latency_micros();
  const std::string tag = "name:" + name;
  for (auto it = intervals.lower_bound({tag, from});
       it != intervals.end() && it->first.first == tag && it->first.second - from < length; ++it) {
    sum.add(it->second.first);
  }
  return sum;
}

// One track's points in intervals of `interval_s` seconds; exact percentiles where `exact` says
// every part with a point in the interval kept the name's interval histograms (null: never).
std::vector<NamePoint> bucketize(const Track& track, int64_t interval_s,
                                 const std::vector<std::set<std::string>>* exact,
                                 const IntervalMap& intervals) {
  std::map<int64_t, std::pair<NamePoint, bool>> buckets;
  for (const Placed& p : track.points) {
    auto& [point, all_kept] =
        buckets.try_emplace((p.second - 1) / interval_s, NamePoint{}, exact != nullptr)
            .first->second;
    NamePoint on_axis = p.point;
    on_axis.t_seconds = static_cast<double>(p.second);
    results::merge_point(point, on_axis);
    all_kept = all_kept && (*exact)[p.part].contains(track.name);
  }
  std::vector<NamePoint> out;
  for (auto& [bucket, value] : buckets) {
    NamePoint& point = value.first;
    if (value.second) {
      const HdrHistogram h = interval_sum(intervals, track.name, bucket * interval_s, interval_s);
      if (h.count() > 0) {
        point.p50_us = h.value_at_percentile(50);
        point.p95_us = h.value_at_percentile(95);
        point.p99_us = h.value_at_percentile(99);
      }
    }
    out.push_back(point);
  }
  return out;
}

}  // namespace

results::NameSeriesSet merge_name_series(const std::vector<MergePart>& parts,
                                         const IntervalMap& intervals) {
  Collected c = collect(parts);
  std::stable_sort(c.names.begin(), c.names.end(),
                   [](const Track& a, const Track& b) { return a.total > b.total; });
  while (c.names.size() > results::kMaxSeriesNames) {
    const Track& folded = c.names.back();
    c.other.points.insert(c.other.points.end(), folded.points.begin(), folded.points.end());
    c.names.pop_back();
  }
  const size_t kept = c.names.size() + (c.other.points.empty() ? 0 : 1);
  const int64_t per_name = static_cast<int64_t>(results::points_per_name(kept));
  results::NameSeriesSet out;
  out.interval_seconds = c.interval_s;
  while ((c.last_second - 1) / out.interval_seconds >= per_name) out.interval_seconds *= 2;
  const auto exact = names_with_intervals(parts);
  for (const Track& t : c.names) {
    if (t.points.empty()) continue;
    out.names.push_back({t.name, bucketize(t, out.interval_seconds, &exact, intervals)});
  }
  if (!c.other.points.empty()) {
    out.names.push_back(
        {c.other.name, bucketize(c.other, out.interval_seconds, nullptr, intervals)});
  }
  return out;
}

}  // namespace perfgate::cli
