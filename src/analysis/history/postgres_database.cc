// Database on a PostgreSQL server through libpq. Parameters travel as text and the server infers
// their types from the statement; result cells are converted by column type (int2/4/8 to
// int64_t, float4/8 and numeric to double, everything else text). float8 text output is exact
// (extra_float_digits >= 1 since PostgreSQL 12), so doubles round-trip.
#include <fmt/format.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <memory>

#include "analysis/history/database.h"

namespace perfgate::analysis::history {
namespace {

// Type OIDs from the server's pg_type catalogue (stable across versions).
constexpr Oid kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kFloat4Oid = 700, kFloat8Oid = 701,
              kNumericOid = 1700;

// "?" -> "$1", "$2", ... The store's SQL has no "?" inside string literals.
std::string number_placeholders(std::string_view sql) {
  std::string out;
  int next = 1;
  for (char c : sql) {
    if (c == '?') {
      out += fmt::format("${}", next++);
    } else {
      out += c;
    }
  }
  return out;
}

std::string param_text(const SqlValue& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return fmt::format("{}", *d);  // shortest exact
  return as_text(value);
}

// The URI with any password replaced, for messages.
std::string redact(const std::string& uri) {
  const auto scheme_end = uri.find("://");
  const auto at = uri.find('@');
  if (scheme_end == std::string::npos || at == std::string::npos || at < scheme_end) return uri;
  const auto colon = uri.find(':', scheme_end + 3);
  if (colon == std::string::npos || colon > at) return uri;
  return uri.substr(0, colon + 1) + "***" + uri.substr(at);
}

void ignore_notice(void*, const char*) {}  // "relation already exists, skipping" and the like

using PgResult = std::unique_ptr<PGresult, void (*)(PGresult*)>;

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(PGconn* conn, std::string name) : conn_(conn), name_(std::move(name)) {}
  ~PostgresDatabase() override { PQfinish(conn_); }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  std::string describe() const override { return name_; }

  Result<std::vector<SqlRow>> query(std::string_view sql,
                                    const std::vector<SqlValue>& params) override {
    const std::string text = number_placeholders(sql);
    std::vector<std::string> values;
    std::vector<const char*> pointers;
    values.reserve(params.size());
    for (const SqlValue& p : params) {
      values.push_back(param_text(p));
      pointers.push_back(is_null(p) ? nullptr : values.back().c_str());
    }
    PgResult result(PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr,
                                 pointers.data(), nullptr, nullptr, 0),
                    PQclear);
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return failure(result.get());
    return read_rows(result.get());
  }

  Result<void> run_script(std::string_view sql) override {
    PgResult result(PQexec(conn_, std::string(sql).c_str()), PQclear);
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) return failure(result.get());
    return {};
  }

  Result<void> begin_write() override { return execute("BEGIN"); }

 private:
  static std::vector<SqlRow> read_rows(PGresult* result) {
    std::vector<SqlRow> rows;
    const int columns = PQnfields(result);
    for (int r = 0; r < PQntuples(result); ++r) {
      SqlRow row;
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(result, r, c)) {
          row.emplace_back(std::monostate{});
          continue;
        }
        const char* cell = PQgetvalue(result, r, c);
        const Oid type = PQftype(result, c);
        if (type == kInt8Oid || type == kInt4Oid || type == kInt2Oid) {
          row.emplace_back(static_cast<int64_t>(std::strtoll(cell, nullptr, 10)));
        } else if (type == kFloat8Oid || type == kFloat4Oid || type == kNumericOid) {
          row.emplace_back(std::strtod(cell, nullptr));
        } else {
          row.emplace_back(std::string(cell, PQgetlength(result, r, c)));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  Error failure(PGresult* result) const {
    std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
    if (message.empty()) message = PQerrorMessage(conn_);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    return make_error(fmt::format("{}: {}", name_, message));
  }

  PGconn* conn_;
  std::string name_;
};

}  // namespace

Result<std::unique_ptr<Database>> open_postgres(const std::string& uri) {
  PGconn* conn = PQconnectdb(uri.c_str());
  auto db = std::make_unique<PostgresDatabase>(conn, redact(uri));
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string message = conn ? PQerrorMessage(conn) : "out of memory";
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return make_error(fmt::format("{}: cannot connect: {}", redact(uri), message),
                      "check the server address, database name and credentials in --db");
  }
  PQsetNoticeProcessor(conn, ignore_notice, nullptr);
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace perfgate::analysis::history
