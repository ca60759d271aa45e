// HistoryStore: the runs recorded by `perfgate history add`, in a SQLite file or a PostgreSQL
// database (same schema, see schema.h). Runs are numbered in the order they were added; that
// order is the time axis of trends and change-point detection.
//
// Every add is one transaction: a run is stored with all its tags and metrics or not at all,
// even if the process is killed half-way (SQLite WAL, PostgreSQL transactions).
//
// Thread-safety: a HistoryStore owns one connection; use it from one thread at a time. Several
// processes may use the same database concurrently.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/history/database.h"
#include "analysis/metric_table.h"
#include "core/result.h"

namespace perfgate::analysis::history {

// The SQLite file used when no --db is given, relative to the working directory.
inline constexpr std::string_view kDefaultDatabase = ".perfgate/history.db";

// The key of RunInfo::context under which add() records the set's fingerprint
// (analysis/metric_table.h).
inline constexpr std::string_view kFingerprintKey = "perfgate_fingerprint";

// What the caller says about a run when adding it.
struct RunLabels {
  std::string commit;
  std::string branch;
  std::map<std::string, std::string> tags;
  std::string recorded_at;  // "YYYY-MM-DDTHH:MM:SSZ"; empty: now
};

struct RunInfo {
  int64_t id = 0;
  std::string recorded_at;  // "YYYY-MM-DDTHH:MM:SSZ" (UTC)
  std::string commit;
  std::string branch;
  std::string source;  // the result file it came from
  std::string format;  // its format (perfgate, k6, gbench, ...)
  std::map<std::string, std::string> tags;
  std::map<std::string, std::string> context;  // MetricTable::context as imported
  int64_t metric_count = 0;
};

// Which runs a query looks at. Empty fields do not filter.
struct RunFilter {
  std::string branch;
  std::map<std::string, std::string> tags;  // every key=value must be on the run
  std::string since;                        // normalized timestamp: runs recorded at or after it
  size_t limit = 0;                         // only the newest `limit` runs (0: all)
};

struct SeriesPoint {
  int64_t run_id = 0;
  std::string recorded_at;
  std::string commit;
  std::string branch;
  double value = 0;
};

// One metric across runs, oldest first. unit and direction are those of the newest run.
struct Series {
  std::string key;
  std::string unit;
  Direction direction = Direction::kLowerIsBetter;
  std::vector<SeriesPoint> points;
  std::vector<double> values() const;
};

class HistoryStore {
 public:
  // Opens (creating and migrating as needed) the database named by `spec`: a PostgreSQL URI
  // ("postgresql://user@host:port/db"), a SQLite file path, or empty for kDefaultDatabase.
  static Result<HistoryStore> open(const std::string& spec);
  // Wraps an open connection, migrating its schema.
  static Result<HistoryStore> from_database(std::unique_ptr<Database> db);

  // Stores a run; returns its id. Metrics with a key already seen in `set`, or with a value that
  // is not finite, are skipped. The run's context also records fingerprint(set).
  Result<int64_t> add(const MetricTable& set, const RunLabels& labels);

  Result<std::vector<RunInfo>> list(const RunFilter& filter);  // oldest first
  Result<RunInfo> run(int64_t id);                             // error if there is no such run
  // The stored metrics of a run as a MetricTable (source "history:<id>", context with the labels).
  Result<MetricTable> metrics(int64_t id);
  // The newest run matching `filter`, if any.
  Result<std::optional<int64_t>> latest(const RunFilter& filter);

  Result<Series> series(const std::string& key, const RunFilter& filter);
  // Distinct metric keys of the runs matching `filter`, sorted.
  Result<std::vector<std::string>> metric_keys(const RunFilter& filter);

  // Named baseline pins: pin() replaces any previous run of that name.
  Result<void> pin(const std::string& name, int64_t run_id);
  Result<std::optional<int64_t>> pinned(const std::string& name);

  Database& database() { return *db_; }

 private:
  explicit HistoryStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  Result<void> insert_metrics(int64_t run_id, const MetricTable& set);
  Result<void> load_tags(std::vector<RunInfo>& runs);

  std::unique_ptr<Database> db_;
};

// "YYYY-MM-DD", "YYYY-MM-DDTHH:MM", "YYYY-MM-DDTHH:MM:SS" (space or T; optional trailing Z) as
// "YYYY-MM-DDTHH:MM:SSZ". Times are UTC. Errors name the accepted forms.
Result<std::string> normalize_timestamp(std::string_view text);

// The current time, normalized.
std::string now_timestamp();

// "key=value" -> {key, value}; errors when there is no '=' or the key is empty.
Result<std::pair<std::string, std::string>> parse_tag(std::string_view text);

}  // namespace perfgate::analysis::history
