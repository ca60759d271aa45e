#include "analysis/history/history_store.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "analysis/history/schema.h"

namespace perfgate::analysis::history {
namespace {

// A WHERE clause over `runs r` and its parameters.
struct Where {
  std::string sql;
  std::vector<SqlValue> params;
};

Where where_for(const RunFilter& filter) {
  Where w{"WHERE 1 = 1", {}};
  if (!filter.branch.empty()) {
    w.sql += " AND r.branch = ?";
    w.params.emplace_back(filter.branch);
  }
  if (!filter.since.empty()) {
    w.sql += " AND r.recorded_at >= ?";
    w.params.emplace_back(filter.since);
  }
  for (const auto& [key, value] : filter.tags) {
    w.sql +=
        " AND EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.key = ? AND "
        "t.value = ?)";
    w.params.emplace_back(key);
    w.params.emplace_back(value);
  }
  return w;
}

// Orders newest first when limited (so LIMIT keeps the newest); callers reverse to oldest first.
std::string order_and_limit(const RunFilter& filter) {
  if (filter.limit == 0) return " ORDER BY r.id";
  return fmt::format(" ORDER BY r.id DESC LIMIT {}", filter.limit);
}

template <typename T>
void oldest_first(const RunFilter& filter, std::vector<T>& items) {
  if (filter.limit != 0) std::reverse(items.begin(), items.end());
}

std::string direction_text(Direction d) {
  return d == Direction::kHigherIsBetter ? "higher" : "lower";
}

Direction direction_from(const std::string& text) {
  return text == "higher" ? Direction::kHigherIsBetter : Direction::kLowerIsBetter;
}

SqlValue samples_json(const Metric& metric) {
  if (metric.samples.empty()) return std::monostate{};
  return nlohmann::json(metric.samples).dump();
}

std::vector<double> parse_samples(const SqlValue& value) {
  if (is_null(value)) return {};
  auto doc = nlohmann::json::parse(as_text(value), nullptr, false);
  if (!doc.is_array()) return {};
  std::vector<double> out;
  for (const auto& x : doc) {
    if (x.is_number()) out.push_back(x.get<double>());
  }
  return out;
}

std::map<std::string, std::string> parse_context(const std::string& text) {
  std::map<std::string, std::string> out;
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object()) return out;
  for (const auto& [key, value] : doc.items()) {
    if (value.is_string()) out[key] = value.get<std::string>();
  }
  return out;
}

constexpr const char* kRunColumns =
    "r.id, r.recorded_at, r.commit_sha, r.branch, r.source, r.format, r.context, "
    "(SELECT COUNT(*) FROM metrics m WHERE m.run_id = r.id)";

RunInfo run_from_row(const SqlRow& row) {
  RunInfo info;
  info.id = as_int(row[0]);
  info.recorded_at = as_text(row[1]);
  info.commit = as_text(row[2]);
  info.branch = as_text(row[3]);
  info.source = as_text(row[4]);
  info.format = as_text(row[5]);
  info.context = parse_context(as_text(row[6]));
  info.metric_count = as_int(row[7]);
  return info;
}

bool digits_at(std::string_view text, size_t pos, size_t count) {
  if (pos + count > text.size()) return false;
  for (size_t i = pos; i < pos + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

}  // namespace

std::vector<double> Series::values() const {
  std::vector<double> out;
  out.reserve(points.size());
  for (const SeriesPoint& p : points) out.push_back(p.value);
  return out;
}

Result<HistoryStore> HistoryStore::open(const std::string& spec) {
  auto db = open_database(spec.empty() ? std::string(kDefaultDatabase) : spec);
  if (!db) return db.error();
  return from_database(std::move(*db));
}

Result<HistoryStore> HistoryStore::from_database(std::unique_ptr<Database> db) {
  if (auto migrated = migrate(*db); !migrated) return migrated.error();
  return HistoryStore(std::move(db));
}

Result<int64_t> HistoryStore::add(const MetricTable& set, const RunLabels& labels) {
  nlohmann::json context(set.context);
  context[std::string(kFingerprintKey)] = fingerprint(set);
  auto tx = Transaction::begin(*db_);
  if (!tx) return tx.error();
  auto inserted = db_->query(
      "INSERT INTO runs (recorded_at, commit_sha, branch, source, format, context) "
      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {labels.recorded_at.empty() ? now_timestamp() : labels.recorded_at, labels.commit,
       labels.branch, set.source, set.format, context.dump()});
  if (!inserted) return inserted.error();
  const int64_t run_id = as_int(inserted->at(0).at(0));
  for (const auto& [key, value] : labels.tags) {
    auto tagged = db_->execute("INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, ?)",
                               {run_id, key, value});
    if (!tagged) return tagged.error();
  }
  if (auto stored = insert_metrics(run_id, set); !stored) return stored.error();
  if (auto committed = tx->commit(); !committed) return committed.error();
  return run_id;
}

Result<void> HistoryStore::insert_metrics(int64_t run_id, const MetricTable& set) {
  std::set<std::string> seen;
  for (const Metric& metric : set.metrics) {
    const std::string key = metric.key();
    // NaN/inf have no SQL representation both engines share; they are not measurements anyway.
    if (!std::isfinite(metric.value) || !seen.insert(key).second) continue;
    auto stored = db_->execute(
        "INSERT INTO metrics (run_id, key, name, stat, unit, direction, value, samples) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {run_id, key, metric.name, metric.stat, metric.unit, direction_text(metric.direction),
         metric.value, samples_json(metric)});
    if (!stored) return stored.error();
  }
  return {};
}

Result<std::vector<RunInfo>> HistoryStore::list(const RunFilter& filter) {
  const Where where = where_for(filter);
  auto rows = db_->query(
      fmt::format("SELECT {} FROM runs r {}{}", kRunColumns, where.sql, order_and_limit(filter)),
      where.params);
  if (!rows) return rows.error();
  std::vector<RunInfo> runs;
  for (const SqlRow& row : *rows) runs.push_back(run_from_row(row));
  oldest_first(filter, runs);
  if (auto tagged = load_tags(runs); !tagged) return tagged.error();
  return runs;
}

// One query for the tags of all `runs` (ids within their range), rather than one per run.
Result<void> HistoryStore::load_tags(std::vector<RunInfo>& runs) {
  if (runs.empty()) return {};
  auto [low, high] = std::minmax_element(runs.begin(), runs.end(),
                                         [](const auto& a, const auto& b) { return a.id < b.id; });
  auto rows = db_->query("SELECT run_id, key, value FROM run_tags WHERE run_id BETWEEN ? AND ?",
                         {low->id, high->id});
  if (!rows) return rows.error();
  std::map<int64_t, RunInfo*> by_id;
  for (RunInfo& run : runs) by_id[run.id] = &run;
  for (const SqlRow& row : *rows) {
    auto it = by_id.find(as_int(row[0]));
    if (it != by_id.end()) it->second->tags[as_text(row[1])] = as_text(row[2]);
  }
  return {};
}

Result<RunInfo> HistoryStore::run(int64_t id) {
  auto rows = db_->query(fmt::format("SELECT {} FROM runs r WHERE r.id = ?", kRunColumns), {id});
  if (!rows) return rows.error();
  if (rows->empty()) {
    return make_error(fmt::format("{}: no run #{}", db_->describe(), id),
                      "'perfgate history list' shows the runs");
  }
  std::vector<RunInfo> runs = {run_from_row(rows->front())};
  if (auto tagged = load_tags(runs); !tagged) return tagged.error();
  return runs.front();
}

Result<MetricTable> HistoryStore::metrics(int64_t id) {
  auto info = run(id);
  if (!info) return info.error();
  auto rows = db_->query(
      "SELECT name, stat, unit, direction, value, samples FROM metrics WHERE run_id = ? "
      "ORDER BY key",
      {id});
  if (!rows) return rows.error();
  MetricTable set;
  set.source = fmt::format("history:{}", id);
  set.format = info->format;
  set.context = info->context;
  set.context["history_run"] = std::to_string(id);
  set.context["history_recorded_at"] = info->recorded_at;
  if (!info->commit.empty()) set.context["commit"] = info->commit;
  if (!info->branch.empty()) set.context["branch"] = info->branch;
  for (const SqlRow& row : *rows) {
    Metric metric;
    metric.name = as_text(row[0]);
    metric.stat = as_text(row[1]);
    metric.unit = as_text(row[2]);
    metric.direction = direction_from(as_text(row[3]));
    metric.value = as_double(row[4]);
    metric.samples = parse_samples(row[5]);
    set.metrics.push_back(std::move(metric));
  }
  return set;
}

Result<std::optional<int64_t>> HistoryStore::latest(const RunFilter& filter) {
  const Where where = where_for(filter);
  auto rows = db_->query(fmt::format("SELECT MAX(r.id) FROM runs r {}", where.sql), where.params);
  if (!rows) return rows.error();
  if (rows->empty() || is_null(rows->front()[0])) return std::optional<int64_t>();
  return std::optional<int64_t>(as_int(rows->front()[0]));
}

Result<Series> HistoryStore::series(const std::string& key, const RunFilter& filter) {
  Where where = where_for(filter);
  where.sql += " AND m.key = ?";
  where.params.emplace_back(key);
  auto rows =
      db_->query(fmt::format("SELECT r.id, r.recorded_at, r.commit_sha, r.branch, m.value, m.unit, "
                             "m.direction FROM metrics m JOIN runs r ON r.id = m.run_id {}{}",
                             where.sql, order_and_limit(filter)),
                 where.params);
  if (!rows) return rows.error();
  Series series;
  series.key = key;
  for (const SqlRow& row : *rows) {
    series.points.push_back(
        {as_int(row[0]), as_text(row[1]), as_text(row[2]), as_text(row[3]), as_double(row[4])});
  }
  oldest_first(filter, series.points);
  if (!rows->empty()) {
    const SqlRow& newest = filter.limit == 0 ? rows->back() : rows->front();
    series.unit = as_text(newest[5]);
    series.direction = direction_from(as_text(newest[6]));
  }
  return series;
}

Result<std::vector<std::string>> HistoryStore::metric_keys(const RunFilter& filter) {
  const Where where = where_for(filter);
  std::string runs =
      fmt::format("SELECT r.id FROM runs r {}{}", where.sql, order_and_limit(filter));
  // A derived table: LIMIT inside IN (...) is not accepted by every engine.
  auto rows = db_->query(
      fmt::format("SELECT DISTINCT m.key FROM metrics m JOIN ({}) sel ON sel.id = m.run_id "
                  "ORDER BY m.key",
                  runs),
      where.params);
  if (!rows) return rows.error();
  std::vector<std::string> keys;
  for (const SqlRow& row : *rows) keys.push_back(as_text(row[0]));
  return keys;
}

Result<void> HistoryStore::pin(const std::string& name, int64_t run_id) {
  if (auto exists = run(run_id); !exists) return exists.error();
  auto tx = Transaction::begin(*db_);
  if (!tx) return tx.error();
  if (auto removed = db_->execute("DELETE FROM pins WHERE name = ?", {name}); !removed) {
    return removed.error();
  }
  auto added = db_->execute("INSERT INTO pins (name, run_id, pinned_at) VALUES (?, ?, ?)",
                            {name, run_id, now_timestamp()});
  if (!added) return added.error();
  return tx->commit();
}

Result<std::optional<int64_t>> HistoryStore::pinned(const std::string& name) {
  auto rows = db_->query("SELECT run_id FROM pins WHERE name = ?", {name});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(as_int(rows->front()[0]));
}

Result<std::string> normalize_timestamp(std::string_view text) {
  std::string t(text);
  if (!t.empty() && (t.back() == 'Z' || t.back() == 'z')) t.pop_back();
  const bool date_ok = digits_at(t, 0, 4) && t.size() >= 10 && t[4] == '-' && digits_at(t, 5, 2) &&
                       t[7] == '-' && digits_at(t, 8, 2);
  bool ok = date_ok && (t.size() == 10 || t.size() == 16 || t.size() == 19);
  if (ok && t.size() >= 16) {
    ok = (t[10] == 'T' || t[10] == ' ') && digits_at(t, 11, 2) && t[13] == ':' &&
         digits_at(t, 14, 2) && (t.size() == 16 || (t[16] == ':' && digits_at(t, 17, 2)));
  }
  if (!ok) {
    return make_error(fmt::format("'{}' is not a date", text),
                      "use YYYY-MM-DD, YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SSZ (UTC)");
  }
  if (t.size() == 10) return t + "T00:00:00Z";
  t[10] = 'T';
  if (t.size() == 16) t += ":00";
  return t + "Z";
}

std::string now_timestamp() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                     std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

Result<std::pair<std::string, std::string>> parse_tag(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return make_error(fmt::format("'{}' is not a tag", text), "write tags as KEY=VALUE");
  }
  return std::pair{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

}  // namespace perfgate::analysis::history
