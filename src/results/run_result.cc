#include "results/run_result.h"

#include "stats/hdr_encoding.h"

namespace perfgate::results {

std::string_view model_name(Model model) { return model == Model::kOpen ? "open" : "closed"; }

void record_duration_interval(RunResult& run, double end_seconds, const HdrHistogram& duration) {
  if (duration.count() == 0) return;
  const double start = run.series.empty() ? 0.0 : run.series.back().t_seconds;
  run.duration_intervals.push_back(
      {start, end_seconds - start, duration.max(), encode_compressed_base64(duration)});
}

}  // namespace perfgate::results
