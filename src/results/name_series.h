// NameSeries: http_req_duration of each request name over time — per interval its request and
// failure counts and p50/p95/p99 — for the HTML report's per-name percentile charts.
// NameSeriesRecorder builds it from the coordinator's once-a-second collections.
//
// Bounds: at most kMaxSeriesNames names (the busiest by requests) plus one "other" that folds the
// rest, and at most kMaxNamePoints points over all names: the interval starts at 1 s and doubles
// whenever the run outgrows the budget. Exactness: a point's percentiles are exact (of the merged
// histograms of its seconds) unless it was coarsened after it closed or folds several names into
// "other"; then they are the highest of the merged points' percentiles (an upper bound).
//
// Thread-safety: plain values; a recorder belongs to one thread (the coordinator).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stats/hdr_histogram.h"

namespace perfgate::results {

inline constexpr size_t kMaxSeriesNames = 20;   // names kept; the others fold into "other"
inline constexpr size_t kMaxNamePoints = 6000;  // points over all kept names
inline constexpr const char* kOtherSeriesName = "other";

// One interval of one name; intervals without requests have no point.
struct NamePoint {
  double t_seconds = 0;  // end of the interval (the last collection in it), since the start
  int64_t requests = 0;
  int64_t failures = 0;
  int64_t p50_us = 0, p95_us = 0, p99_us = 0;  // http_req_duration of completed responses
};

struct NameSeries {
  std::string name;
  std::vector<NamePoint> points;  // in time order
};

struct NameSeriesSet {
  int64_t interval_seconds = 1;
  std::vector<NameSeries> names;  // busiest first; "other" (when there is one) last
};

// The most points one name may have when `names` names are kept (with "other").
size_t points_per_name(size_t names);

// Merges `from` into `into` (the same interval): counts add up, percentiles take the higher.
void merge_point(NamePoint& into, const NamePoint& from);

class NameSeriesRecorder {
 public:
  explicit NameSeriesRecorder(std::vector<std::string> names);

  // Name `name` (an index into the constructor's names) in the collection that ended
  // `t_seconds` after the start. Collections come in time order, about once a second.
  void add(size_t name, double t_seconds, const HdrHistogram& duration, int64_t requests,
           int64_t failures);
  // The busiest kMaxSeriesNames names by requests, the others folded into "other"; names
  // without requests are left out.
  NameSeriesSet finish();
  int64_t interval_seconds() const { return interval_; }

 private:
  struct Track {
    std::vector<NamePoint> points;
    std::optional<HdrHistogram> open;  // the interval being filled (lazily made)
    NamePoint open_point;              // its counts and last time
    int64_t open_bucket = -1;          // -1: none open
    int64_t total = 0;                 // requests over the run
  };
  int64_t bucket_of(double t_seconds) const;
  void close(Track& track);
  void coarsen();
  void append(std::vector<NamePoint>& points, const NamePoint& p) const;

  std::vector<std::string> names_;
  std::vector<Track> tracks_;
  int64_t interval_ = 1;
  size_t max_points_;
};

}  // namespace perfgate::results
