#include "analysis/history/database.h"

namespace perfgate::analysis::history {

Result<void> Database::commit() { return execute("COMMIT"); }

Result<void> Database::rollback() { return execute("ROLLBACK"); }

Result<void> Database::execute(std::string_view sql, const std::vector<SqlValue>& params) {
  auto rows = query(sql, params);
  if (!rows) return rows.error();
  return {};
}

Result<Transaction> Transaction::begin(Database& db) {
  if (auto started = db.begin_write(); !started) return started.error();
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->rollback();  // best effort: the connection may already be gone
}

Result<void> Transaction::commit() {
  Database* db = db_;
  db_ = nullptr;
  if (db == nullptr) return make_error("internal error: commit of a finished transaction");
  auto committed = db->commit();
  if (!committed) (void)db->rollback();
  return committed;
}

bool is_postgres_uri(std::string_view spec) {
  return spec.starts_with("postgresql://") || spec.starts_with("postgres://");
}

Result<std::unique_ptr<Database>> open_database(const std::string& spec) {
  return is_postgres_uri(spec) ? open_postgres(spec) : open_sqlite(spec);
}

int64_t as_int(const SqlValue& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) return *i;
  if (const auto* d = std::get_if<double>(&value)) return static_cast<int64_t>(*d);
  return 0;
}

double as_double(const SqlValue& value) {
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (const auto* i = std::get_if<int64_t>(&value)) return static_cast<double>(*i);
  return 0;
}

std::string as_text(const SqlValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  return {};
}

bool is_null(const SqlValue& value) { return std::holds_alternative<std::monostate>(value); }

}  // namespace perfgate::analysis::history
