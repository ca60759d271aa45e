// The scalability sweep behind `perfgate scale`: throughput measured at several concurrencies
// (closed-model VUs, one trial each) or instance counts (results files of earlier runs), the
// USL and Amdahl's law fitted to it (stats/usl.h), and findings in plain words.
//
// Thread-safety: run_scale_sweep() runs trials one after another on the caller's thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/capacity/trial.h"
#include "stats/usl.h"

namespace perfgate::analysis::capacity {

struct ScalePoint {
  double n = 0;           // VUs or instances
  double throughput = 0;  // requests per second over the steady part
  double p95_ms = 0;
  double error_rate = 0;
  double efficiency = 0;   // throughput / (n · throughput at the smallest n, scaled to n = 1)
  nlohmann::json results;  // the trial's results document (null for --instances)
};

struct ScaleResult {
  std::string unit;  // "vus" or "instances"
  std::vector<ScalePoint> points;
  std::optional<stats::ScalabilityFit> fit;
  std::string fit_error;              // why there is no fit
  std::vector<std::string> findings;  // plain-words sentences
};

// "1,2,4,8" or "1..64" (doubling from the first to the last, the last always included).
// Errors: empty, non-numeric, below 1, above 100000, or more than 64 values.
Result<std::vector<int>> parse_vus_list(std::string_view text);

// Runs one closed-model trial per VU count. Errors: a trial's.
Result<ScaleResult> run_scale_sweep(TrialRunner& runner, const std::vector<int>& vus,
                                    double duration_seconds, double warmup_seconds);

// Fits and describes points already measured (sorted by n here); `unit` names n.
ScaleResult analyse_scale(std::vector<ScalePoint> points, std::string unit);

}  // namespace perfgate::analysis::capacity
