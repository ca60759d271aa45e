// The parts of a distributed run as `perfgate merge` combines them (results_merge.h): each part's
// document placed on the common wall-clock axis, and the parts' interval histograms added up on
// that axis. Shared by the merge of the series, the name series and the plan-run section.
//
// Thread-safety: plain values; the documents are borrowed, read-only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "report/results_model.h"
#include "stats/hdr_histogram.h"

namespace perfgate::cli {

struct MergePart {
  const std::string* file;
  const report::ResultsDocument* doc;
  int64_t offset_s;  // whole seconds between the earliest part's start and this one's
};

// The part's instance name, or its file when it has none.
std::string part_name(const MergePart& part);

// The end second (1-based, on the part's own axis) of a point that ended `t_seconds` after the
// part's start, the point before it having ended in `previous` (0 for the first). Collections
// end at about whole seconds, a little late (1.00008); a run's last, shorter interval (2.4 after
// 2.0) takes the next second.
int64_t end_second(double t_seconds, int64_t previous);

// Interval histograms keyed by (tag, start second on the common axis): the sum of the parts'
// histograms of that tag and second, and the longest of their lengths.
using IntervalMap = std::map<std::pair<std::string, int64_t>, std::pair<HdrHistogram, double>>;

}  // namespace perfgate::cli
