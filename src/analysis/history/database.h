// Database: the small SQL surface the history store needs, with one implementation per engine
// (SQLite through libsqlite3, PostgreSQL through libpq). The store writes its SQL once, in the
// subset both engines accept; placeholders are `?` and bind in order (the PostgreSQL
// implementation rewrites them to $1, $2, ...).
//
// Values cross the boundary typed: integers as int64_t, floating point as double (exact round
// trip on both engines), text as std::string, SQL NULL as std::monostate.
//
// Thread-safety: a Database is one connection; use it from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace perfgate::analysis::history {

using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;
using SqlRow = std::vector<SqlValue>;

enum class Dialect { kSqlite, kPostgres };

class Database {
 public:
  virtual ~Database() = default;

  virtual Dialect dialect() const = 0;
  // A description for messages: the file path, or the PostgreSQL URI without its password.
  virtual std::string describe() const = 0;

  // Runs one statement with `?` placeholders bound to `params`; returns its rows (if any).
  virtual Result<std::vector<SqlRow>> query(std::string_view sql,
                                            const std::vector<SqlValue>& params = {}) = 0;
  // Runs several `;`-separated statements without parameters (schema scripts).
  virtual Result<void> run_script(std::string_view sql) = 0;

  // Starts a transaction that writes: SQLite takes the write lock up front (BEGIN IMMEDIATE) so
  // two writers never deadlock on a lock upgrade; PostgreSQL starts a plain transaction.
  virtual Result<void> begin_write() = 0;
  Result<void> commit();
  Result<void> rollback();

  // query() for statements whose rows do not matter.
  Result<void> execute(std::string_view sql, const std::vector<SqlValue>& params = {});
};

// Rolls the transaction back unless commit() was called, so an early `return error` cannot leave
// a transaction open.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Result<void> commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;  // null once committed, rolled back or moved from
};

// True for "postgresql://..." and "postgres://..." specs.
bool is_postgres_uri(std::string_view spec);

// Opens a SQLite file (created with its directory on demand; WAL journal) or a PostgreSQL
// connection, by the form of `spec`.
Result<std::unique_ptr<Database>> open_database(const std::string& spec);
Result<std::unique_ptr<Database>> open_sqlite(const std::string& path);
Result<std::unique_ptr<Database>> open_postgres(const std::string& uri);

// Accessors for row cells; a NULL or mistyped cell gives the empty/zero value.
int64_t as_int(const SqlValue& value);
double as_double(const SqlValue& value);
std::string as_text(const SqlValue& value);
bool is_null(const SqlValue& value);

}  // namespace perfgate::analysis::history
