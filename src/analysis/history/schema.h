// The history database schema and its migrations. Each migration is a numbered SQL script; the
// `schema_version` table lists the versions applied. Opening a database applies the missing ones
// in order, each in its own write transaction, so an interrupted upgrade resumes where it stopped
// and two processes opening the same database at once apply each migration exactly once (SQLite:
// BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock).
//
// Tables (docs/history.md shows the columns):
//   runs      one row per `history add`: when, commit, branch, source file and format, context
//   run_tags  key=value labels of a run
//   metrics   one row per metric of a run: key, name, stat, unit, direction, value, samples
//   pins      named runs pinned as baselines (version 2)
//
// Thread-safety: functions of a Database, which is single-threaded.
#pragma once

#include "analysis/history/database.h"
#include "core/result.h"

namespace perfgate::analysis::history {

// The newest schema version this build knows.
int latest_schema_version();

// Brings `db` up to latest_schema_version(). Fails when the database is newer than this build.
Result<void> migrate(Database& db);

// The highest version recorded in schema_version (0 for an empty database).
Result<int> schema_version(Database& db);

}  // namespace perfgate::analysis::history
