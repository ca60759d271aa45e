// The name_series of a merged distributed run (results/name_series.h): each request name's
// points placed on the common seconds axis (a part's point by its end second plus the part's
// offset), their requests and failures summed, within the model's bounds.
//
// Bounds, as the recorder keeps them: the 20 names with the most requests over all parts, the
// others (and every part's own "other") folded into "other"; at most kMaxNamePoints points, the
// interval starting at the largest of the parts' interval_s and doubling while the run outgrows
// that.
// Exactness: a merged point's percentiles are exact (of the sum of the parts' `name:<request
// name>` interval histograms of its seconds) when every part with a point in it kept those
// histograms; otherwise, and always for "other", they are the highest of the merged points'
// percentiles, an upper bound. A part that folded a name into its own "other" counts that
// name's requests there, not under the name.
//
// Thread-safety: pure function.
#pragma once

#include <vector>

#include "cli/merge_parts.h"
#include "results/name_series.h"

namespace perfgate::cli {

results::NameSeriesSet merge_name_series(const std::vector<MergePart>& parts,
                                         const IntervalMap& intervals);

}  // namespace perfgate::cli
