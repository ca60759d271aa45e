// Database on a SQLite file. The file is opened in WAL mode with synchronous=FULL: a commit is on
// disk when add returns, and a process killed mid-transaction leaves the last committed state
// (the WAL is rolled forward or ignored on the next open).
#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>

#include "analysis/history/database.h"

namespace perfgate::analysis::history {
namespace {

// Writers wait this long for another process's write lock before giving up with SQLITE_BUSY.
constexpr int kBusyTimeoutMs = 10000;

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteDatabase() override { sqlite3_close_v2(db_); }
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string describe() const override { return path_; }

  Result<std::vector<SqlRow>> query(std::string_view sql,
                                    const std::vector<SqlValue>& params) override {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr) !=
        SQLITE_OK) {
      return failure("prepare");
    }
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(statement, sqlite3_finalize);
    for (size_t i = 0; i < params.size(); ++i) {
      if (bind(statement, static_cast<int>(i + 1), params[i]) != SQLITE_OK) return failure("bind");
    }
    std::vector<SqlRow> rows;
    for (;;) {
      const int rc = sqlite3_step(statement);
      if (rc == SQLITE_DONE) return rows;
      if (rc != SQLITE_ROW) return failure("step");
      rows.push_back(read_row(statement));
    }
  }

  Result<void> run_script(std::string_view sql) override {
    char* message = nullptr;
    if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message != nullptr ? message : "unknown error";
      sqlite3_free(message);
      return make_error(fmt::format("{}: {}", path_, text));
    }
    return {};
  }

  Result<void> begin_write() override { return execute("BEGIN IMMEDIATE"); }

 private:
  static int bind(sqlite3_stmt* statement, int index, const SqlValue& value) {
    if (const auto* i = std::get_if<int64_t>(&value)) {
      return sqlite3_bind_int64(statement, index, *i);
    }
    if (const auto* d = std::get_if<double>(&value))
      return sqlite3_bind_double(statement, index, *d);
    if (const auto* s = std::get_if<std::string>(&value)) {
      return sqlite3_bind_text(statement, index, s->data(), static_cast<int>(s->size()),
                               SQLITE_TRANSIENT);
    }
    return sqlite3_bind_null(statement, index);
  }

  static SqlRow read_row(sqlite3_stmt* statement) {
    SqlRow row;
    const int columns = sqlite3_column_count(statement);
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(statement, c)) {
        case SQLITE_INTEGER:
          row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(statement, c)));
          break;
        case SQLITE_FLOAT:
          row.emplace_back(sqlite3_column_double(statement, c));
          break;
        case SQLITE_NULL:
          row.emplace_back(std::monostate{});
          break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, c));
          row.emplace_back(std::string(text, sqlite3_column_bytes(statement, c)));
        }
      }
    }
    return row;
  }

  Error failure(std::string_view step) const {
    return make_error(fmt::format("{}: SQLite {} failed: {}", path_, step, sqlite3_errmsg(db_)));
  }

  sqlite3* db_;
  std::string path_;
};

}  // namespace

Result<std::unique_ptr<Database>> open_sqlite(const std::string& path) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) {
    return make_error(fmt::format("{}: cannot create the directory: {}", path, ec.message()),
                      "check the path and permissions, or pass --db");
  }
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  auto db = std::make_unique<SqliteDatabase>(raw, path);
  if (rc != SQLITE_OK) {
    return make_error(fmt::format("{}: cannot open the history database: {}", path,
                                  raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  // journal_mode answers with a row; the other pragmas set connection state.
  Database& base = *db;
  if (auto wal = base.query("PRAGMA journal_mode=WAL"); !wal) return wal.error();
  if (auto pragmas = db->run_script("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"); !pragmas) {
    return pragmas.error();
  }
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace perfgate::analysis::history
