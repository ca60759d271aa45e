// The "history:" result source: `--baseline history:main` (or any BASELINE/RESULT argument of
// compare and gate) resolves to the MetricTable of a run stored by `perfgate history add`, via
// history::resolve_history_baseline (spec syntax in analysis/history/baseline.h).
//
// Thread-safety: call once at start-up, before load_source() (see source_resolver.h).
#pragma once

#include <set>
#include <string>

namespace perfgate::analysis {

// Registers the "history" scheme for the database `db` (a SQLite path, a postgresql:// URI, or
// empty for $PERFGATE_HISTORY_DB, else .perfgate/history.db, as `perfgate history` does). A run
// recorded from results whose fingerprint is in `excluded` (the current side of a comparison) is
// never the baseline.
void register_history_source(const std::string& db,
                             std::set<std::string, std::less<>> excluded = {});

}  // namespace perfgate::analysis
