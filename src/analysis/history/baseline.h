// Baselines from the history: which stored run a comparison should be made against, chosen as
// the newest run on a branch, the newest run with a tag, an explicit run, or a pinned run.
//
// Spec syntax (after an optional "history:" prefix, as in `compare --baseline history:main`):
//   BRANCH          newest run on BRANCH ("main")
//   branch:BRANCH   the same, for branch names containing ':' or '='
//   tag:KEY=VALUE   newest run tagged KEY=VALUE
//   run:ID          run ID
//   pinned[:NAME]   the run pinned under NAME ("baseline" by default; `history baseline --pin`)
//
// Thread-safety: pure functions and functions of a HistoryStore (single-threaded).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "analysis/history/history_store.h"
#include "analysis/metric_table.h"
#include "core/result.h"

namespace perfgate::analysis::history {

inline constexpr std::string_view kDefaultPinName = "baseline";

struct BaselineSpec {
  enum class Kind { kBranch, kTag, kRun, kPinned };
  Kind kind = Kind::kBranch;
  std::string branch;
  std::pair<std::string, std::string> tag;
  int64_t run_id = 0;
  std::string pin_name;
  std::string describe() const;  // "newest run on branch main", ...
};

Result<BaselineSpec> parse_baseline_spec(std::string_view spec);

// Fingerprints (analysis/metric_table.h) of the results being compared: a run recorded from one of
// them is never their baseline.
using Excluded = std::set<std::string, std::less<>>;

// The run a spec designates; errors when no run matches. Branch and tag specs skip runs whose
// recorded fingerprint is in `excluded` (the newest other run is the baseline); a run or pinned
// spec that designates such a run is an error.
Result<int64_t> select_baseline_run(HistoryStore& store, const BaselineSpec& spec,
                                    const Excluded& excluded = {});

// For compare and gate: the MetricTable of the baseline run `spec` designates in the history
// database `db` (a SQLite path, a postgresql:// URI, or empty for .perfgate/history.db).
// Its context carries history_run, commit and branch.
Result<MetricTable> resolve_history_baseline(std::string_view spec, const std::string& db,
                                             const Excluded& excluded = {});

}  // namespace perfgate::analysis::history
