#include "analysis/history/schema.h"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "analysis/history/history_store.h"

namespace perfgate::analysis::history {
namespace {

// Any fixed number: the key of PostgreSQL's advisory lock for migrations ("perfgate" in ASCII).
constexpr int64_t kMigrationLockKey = 0x7065726667617465;

struct Migration {
  int version;
  // SQL with {id} standing for the auto-numbered primary key type of the dialect.
  const char* script;
};

// Never edit a migration that has shipped: add a new one.
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, R"sql(
CREATE TABLE runs (
  id {id},
  recorded_at TEXT NOT NULL,
  commit_sha TEXT NOT NULL DEFAULT '',
  branch TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL,
  format TEXT NOT NULL,
  context TEXT NOT NULL DEFAULT '{{}}'
);
CREATE INDEX runs_by_branch ON runs (branch, id);
CREATE TABLE run_tags (
  run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE INDEX run_tags_by_value ON run_tags (key, value);
CREATE TABLE metrics (
  run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  stat TEXT NOT NULL,
  unit TEXT NOT NULL,
  direction TEXT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  samples TEXT,
  PRIMARY KEY (run_id, key)
);
CREATE INDEX metrics_by_key ON metrics (key, run_id);
)sql"},
      {2, R"sql(
CREATE TABLE pins (
  name TEXT PRIMARY KEY,
  run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  pinned_at TEXT NOT NULL
);
)sql"},
  };
  return kMigrations;
}

std::string render(const Migration& migration, Dialect dialect) {
  const char* id =
      dialect == Dialect::kSqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY";
  return fmt::format(fmt::runtime(migration.script), fmt::arg("id", id));
}

Result<void> create_version_table(Database& db) {
  return db.run_script(
      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
      "applied_at TEXT NOT NULL)");
}

// Applies the first missing migration, if any. Sets `done` when there was none.
Result<void> apply_next(Database& db, bool& done) {
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  if (db.dialect() == Dialect::kPostgres) {
    auto locked = db.execute("SELECT pg_advisory_xact_lock(?::bigint)", {kMigrationLockKey});
    if (!locked) return locked.error();
  }
  if (auto created = create_version_table(db); !created) return created.error();
  auto current = schema_version(db);
  if (!current) return current.error();
  if (*current > latest_schema_version()) {
    return make_error(
        fmt::format("{}: the history schema is version {}, newer than this perfgate knows ({})",
                    db.describe(), *current, latest_schema_version()),
        "upgrade perfgate");
  }
  done = *current == latest_schema_version();
  if (done) return tx->commit();
  const Migration& next = migrations()[static_cast<size_t>(*current)];
  if (auto applied = db.run_script(render(next, db.dialect())); !applied) return applied.error();
  auto recorded = db.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                             {int64_t{next.version}, now_timestamp()});
  if (!recorded) return recorded.error();
  return tx->commit();
}

}  // namespace

int latest_schema_version() { return migrations().back().version; }

Result<int> schema_version(Database& db) {
  auto rows = db.query("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!rows) return rows.error();
  return static_cast<int>(as_int(rows->at(0).at(0)));
}

Result<void> migrate(Database& db) {
  // Fast path without the write lock, so that reading commands work on read-only files.
  if (auto current = schema_version(db); current && *current == latest_schema_version()) return {};
  for (bool done = false; !done;) {
    if (auto step = apply_next(db, done); !step) return step.error();
  }
  return {};
}

}  // namespace perfgate::analysis::history
