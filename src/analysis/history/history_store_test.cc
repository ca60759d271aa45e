// One typed suite for both history backends: SQLite on a temporary file and PostgreSQL on a
// server the test starts itself (pg_test_server.h). The PostgreSQL tests are skipped only when
// PostgreSQL is not installed; if it is installed but will not start, they fail with the reason.
#include "analysis/history/history_store.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "analysis/history/baseline.h"
#include "analysis/history/pg_test_server.h"
#include "analysis/history/schema.h"

namespace perfgate::analysis::history {
namespace {

struct SqliteBackend {
  static Result<std::string> fresh_database() {
    static int counter = 0;
    const auto dir = std::filesystem::temp_directory_path() /
                     ("perfgate-history-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    return (dir / ("db" + std::to_string(++counter) + "/history.db")).string();
  }
  static void cleanup() {
    std::filesystem::remove_all(std::filesystem::temp_directory_path() /
                                ("perfgate-history-test-" + std::to_string(getpid())));
  }
};

struct PostgresBackend {
  static std::unique_ptr<PgTestServer>& server() {
    static std::unique_ptr<PgTestServer> instance;
    return instance;
  }
  static Result<std::string> fresh_database() {
    if (!server()) {
      auto started = PgTestServer::start();
      if (!started) return started.error();
      server() = std::move(*started);
    }
    return server()->create_database();
  }
  static void cleanup() { server().reset(); }
};

// Stops the PostgreSQL server and removes temporary files once all tests have run.
class Cleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    PostgresBackend::cleanup();
    SqliteBackend::cleanup();
  }
};
const auto* const kCleanup = ::testing::AddGlobalTestEnvironment(new Cleanup);

Metric metric(std::string name, std::string stat, double value, std::string unit = "ms",
              Direction direction = Direction::kLowerIsBetter) {
  Metric m;
  m.name = std::move(name);
  m.stat = std::move(stat);
  m.value = value;
  m.unit = std::move(unit);
  m.direction = direction;
  return m;
}

MetricTable result_with(double p95, double rps) {
  MetricTable set;
  set.source = "results.json";
  set.format = "perfgate";
  set.metrics = {metric("http_req_duration", "p(95)", p95),
                 metric("http_reqs", "rate", rps, "/s", Direction::kHigherIsBetter)};
  return set;
}

RunLabels labels(std::string branch, std::string commit, std::string when = {}) {
  RunLabels l;
  l.branch = std::move(branch);
  l.commit = std::move(commit);
  l.recorded_at = std::move(when);
  return l;
}

template <typename Backend>
class HistoryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::is_same_v<Backend, PostgresBackend> && PgTestServer::binary_dir().empty()) {
      GTEST_SKIP() << "PostgreSQL is not installed (no initdb/pg_ctl under /usr/lib/postgresql)";
    }
    auto spec = Backend::fresh_database();
    ASSERT_TRUE(spec) << "cannot start the test database: " << spec.error().describe();
    spec_ = *spec;
    auto store = HistoryStore::open(spec_);
    ASSERT_TRUE(store) << store.error().describe();
    store_ = std::make_unique<HistoryStore>(std::move(*store));
  }

  int64_t add(const MetricTable& set, const RunLabels& l) {
    auto id = store_->add(set, l);
    EXPECT_TRUE(id) << id.error().describe();
    return id ? *id : -1;
  }

  std::string spec_;
  std::unique_ptr<HistoryStore> store_;
};

using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, SqliteBackend> ? "Sqlite" : "Postgres";
  }
};
TYPED_TEST_SUITE(HistoryStoreTest, Backends, BackendNames);

TYPED_TEST(HistoryStoreTest, AddThenListShowsRunsWithTheirLabels) {
  RunLabels l = labels("main", "abc123", "2024-05-01T10:00:00Z");
  l.tags = {{"env", "ci"}, {"host", "runner-1"}};
  MetricTable set = result_with(12.5, 900);
  set.context = {{"tool", "perfgate 0.1.0"}};
  const int64_t first = this->add(set, l);
  const int64_t second = this->add(result_with(13, 880), labels("feature", "def456"));
  EXPECT_LT(first, second);

  auto runs = this->store_->list({});
  ASSERT_TRUE(runs) << runs.error().describe();
  ASSERT_EQ(runs->size(), 2u);
  const RunInfo& r = runs->front();
  EXPECT_EQ(r.id, first);
  EXPECT_EQ(r.recorded_at, "2024-05-01T10:00:00Z");
  EXPECT_EQ(r.commit, "abc123");
  EXPECT_EQ(r.branch, "main");
  EXPECT_EQ(r.source, "results.json");
  EXPECT_EQ(r.format, "perfgate");
  EXPECT_EQ(r.metric_count, 2);
  EXPECT_EQ(r.tags, (std::map<std::string, std::string>{{"env", "ci"}, {"host", "runner-1"}}));
  EXPECT_EQ(r.context.at("tool"), "perfgate 0.1.0");
  EXPECT_TRUE(runs->back().tags.empty());
  EXPECT_EQ(runs->back().recorded_at.size(), 20u);  // stamped now, "YYYY-MM-DDTHH:MM:SSZ"
}

TYPED_TEST(HistoryStoreTest, MetricsRoundTripExactly) {
  MetricTable set;
  set.source = "bench.json";
  set.format = "gbench";
  set.metrics = {metric("BM_Sort/1024", "real_time", 0.1 + 0.2, "ns"),
                 metric("tiny", "", 1e-300, ""),
                 metric("huge", "max", 12345678901234.567, "bytes"),
                 metric("score", "", 0.97, "score", Direction::kHigherIsBetter),
                 metric("tiny", "", 5, ""),  // duplicate key: the first one is kept
                 metric("broken", "", std::numeric_limits<double>::quiet_NaN())};
  set.metrics[0].samples = {0.30000000000000004, 1.0 / 3, 2.5e-7};
  const int64_t id = this->add(set, labels("main", "c1"));
  auto stored = this->store_->metrics(id);
  ASSERT_TRUE(stored) << stored.error().describe();
  EXPECT_EQ(stored->format, "gbench");
  EXPECT_EQ(stored->context.at("history_run"), std::to_string(id));
  EXPECT_EQ(stored->context.at("commit"), "c1");
  ASSERT_EQ(stored->metrics.size(), 4u);  // duplicate and non-finite metrics are not stored
  const Metric* sort = stored->find("BM_Sort/1024 real_time");
  ASSERT_NE(sort, nullptr);
  EXPECT_EQ(sort->value, 0.1 + 0.2);
  EXPECT_EQ(sort->unit, "ns");
  EXPECT_EQ(sort->samples, set.metrics[0].samples);
  EXPECT_EQ(stored->find("tiny")->value, 1e-300);
  EXPECT_EQ(stored->find("huge max")->value, 12345678901234.567);
  EXPECT_EQ(stored->find("score")->direction, Direction::kHigherIsBetter);
  EXPECT_EQ(stored->find("huge max")->direction, Direction::kLowerIsBetter);
  EXPECT_TRUE(stored->find("tiny")->samples.empty());
}

TYPED_TEST(HistoryStoreTest, FiltersByBranchTagSinceAndLimit) {
  for (int i = 0; i < 6; ++i) {
    RunLabels l = labels(i % 2 == 0 ? "main" : "dev", "c" + std::to_string(i),
                         "2024-05-0" + std::to_string(i + 1) + "T00:00:00Z");
    if (i >= 3) l.tags["release"] = i == 5 ? "v2" : "v1";
    this->add(result_with(10 + i, 100), l);
  }
  auto commits = [&](const RunFilter& f) {
    std::vector<std::string> out;
    auto runs = this->store_->list(f);
    EXPECT_TRUE(runs) << runs.error().describe();
    if (runs) {
      for (const RunInfo& r : *runs) out.push_back(r.commit);
    }
    return out;
  };
  EXPECT_EQ(commits({.branch = "main"}), (std::vector<std::string>{"c0", "c2", "c4"}));
  EXPECT_EQ(commits({.tags = {{"release", "v1"}}}), (std::vector<std::string>{"c3", "c4"}));
  EXPECT_EQ(commits({.branch = "dev", .tags = {{"release", "v1"}}}),
            std::vector<std::string>{"c3"});
  EXPECT_EQ(commits({.since = "2024-05-05T00:00:00Z"}), (std::vector<std::string>{"c4", "c5"}));
  EXPECT_EQ(commits({.limit = 2}), (std::vector<std::string>{"c4", "c5"}));  // newest, in order
  EXPECT_EQ(commits({.branch = "nope"}), std::vector<std::string>{});
}

TYPED_TEST(HistoryStoreTest, SeriesIsOldestFirstWithTheNewestUnit) {
  this->add(result_with(10, 100), labels("main", "a"));
  this->add(result_with(11, 110), labels("dev", "b"));
  MetricTable renamed = result_with(12, 120);
  renamed.metrics[0].unit = "s";
  this->add(renamed, labels("main", "c"));
  auto series = this->store_->series("http_req_duration p(95)", {});
  ASSERT_TRUE(series) << series.error().describe();
  EXPECT_EQ(series->values(), (std::vector<double>{10, 11, 12}));
  EXPECT_EQ(series->points[1].commit, "b");
  EXPECT_EQ(series->unit, "s");
  auto main_only = this->store_->series("http_req_duration p(95)", {.branch = "main", .limit = 1});
  ASSERT_TRUE(main_only);
  EXPECT_EQ(main_only->values(), std::vector<double>{12});
  auto rate = this->store_->series("http_reqs rate", {});
  ASSERT_TRUE(rate);
  EXPECT_EQ(rate->direction, Direction::kHigherIsBetter);
  auto missing = this->store_->series("nope", {});
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing->points.empty());
}

TYPED_TEST(HistoryStoreTest, MetricKeysAreDistinctAndSorted) {
  this->add(result_with(10, 100), labels("main", "a"));
  MetricTable more = result_with(10, 100);
  more.metrics.push_back(metric("checks", "value", 1, "ratio"));
  this->add(more, labels("dev", "b"));
  auto keys = this->store_->metric_keys({});
  ASSERT_TRUE(keys) << keys.error().describe();
  EXPECT_EQ(*keys, (std::vector<std::string>{"checks value", "http_req_duration p(95)",
                                             "http_reqs rate"}));
  auto main_keys = this->store_->metric_keys({.branch = "main"});
  ASSERT_TRUE(main_keys);
  EXPECT_EQ(main_keys->size(), 2u);
}

TYPED_TEST(HistoryStoreTest, BaselinesByBranchTagRunAndPin) {
  const int64_t a = this->add(result_with(10, 100), labels("main", "a"));
  RunLabels tagged = labels("dev", "b");
  tagged.tags["release"] = "v1";
  const int64_t b = this->add(result_with(20, 100), tagged);
  const int64_t c = this->add(result_with(30, 100), labels("main", "c"));
  auto select = [&](std::string_view spec) -> Result<int64_t> {
    auto parsed = parse_baseline_spec(spec);
    if (!parsed) return parsed.error();
    return select_baseline_run(*this->store_, *parsed);
  };
  EXPECT_EQ(*select("history:main"), c);
  EXPECT_EQ(*select("history:tag:release=v1"), b);
  EXPECT_EQ(*select("run:1"), a);
  EXPECT_FALSE(select("history:pinned"));  // nothing pinned yet
  ASSERT_TRUE(this->store_->pin("baseline", a));
  EXPECT_EQ(*select("history:pinned"), a);
  ASSERT_TRUE(this->store_->pin("baseline", b));  // re-pinning replaces
  EXPECT_EQ(*select("pinned"), b);
  EXPECT_FALSE(this->store_->pin("baseline", 999));
  auto none = select("history:release-9");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("no baseline"), std::string::npos);
  EXPECT_FALSE(select("history:run:999"));

  auto set = resolve_history_baseline("history:main", this->spec_);
  ASSERT_TRUE(set) << set.error().describe();
  EXPECT_EQ(set->find("http_req_duration p(95)")->value, 30);
  EXPECT_EQ(set->context.at("commit"), "c");
}

TYPED_TEST(HistoryStoreTest, ARunIsNeverTheBaselineOfItself) {
  const MetricTable older = result_with(10, 100);
  const MetricTable current = result_with(30, 100);
  const int64_t a = this->add(older, labels("main", "a"));
  const int64_t c = this->add(current, labels("main", "c"));  // `history add` before `compare`
  auto run = this->store_->run(c);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->context.at(std::string(kFingerprintKey)), fingerprint(current));
  const Excluded excluded = {fingerprint(current)};
  auto select = [&](std::string_view spec) -> Result<int64_t> {
    auto parsed = parse_baseline_spec(spec);
    if (!parsed) return parsed.error();
    return select_baseline_run(*this->store_, *parsed, excluded);
  };
  EXPECT_EQ(*select("history:main"), a) << "the newest other run";
  auto itself = select(fmt::format("run:{}", c));
  ASSERT_FALSE(itself);
  EXPECT_NE(itself.error().message.find("not its own baseline"), std::string::npos);
  ASSERT_TRUE(this->store_->pin("baseline", c));
  EXPECT_FALSE(select("pinned"));
  auto set = resolve_history_baseline("history:main", this->spec_, excluded);
  ASSERT_TRUE(set) << set.error().describe();
  EXPECT_EQ(set->find("http_req_duration p(95)")->value, 10);
  auto alone = select("history:branch:dev");
  EXPECT_FALSE(alone);
}

TYPED_TEST(HistoryStoreTest, MigrationsAreRecordedOnceAndNewerSchemasRefused) {
  auto version = schema_version(this->store_->database());
  ASSERT_TRUE(version);
  EXPECT_EQ(*version, latest_schema_version());
  auto again = HistoryStore::open(this->spec_);  // reopening applies nothing twice
  ASSERT_TRUE(again) << again.error().describe();
  auto rows = this->store_->database().query("SELECT version FROM schema_version ORDER BY version");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), static_cast<size_t>(latest_schema_version()));
  for (size_t i = 0; i < rows->size(); ++i) EXPECT_EQ(as_int((*rows)[i][0]), int64_t(i) + 1);

  ASSERT_TRUE(this->store_->database().execute(
      "INSERT INTO schema_version (version, applied_at) VALUES (?, 'later')",
      {int64_t{latest_schema_version() + 1}}));
  auto newer = HistoryStore::open(this->spec_);
  ASSERT_FALSE(newer);
  EXPECT_NE(newer.error().message.find("newer than this perfgate"), std::string::npos);
}

TYPED_TEST(HistoryStoreTest, AFailedAddLeavesNoTrace) {
  this->add(result_with(10, 100), labels("main", "a"));
  Database& db = this->store_->database();
  // With the metrics table gone, the run row goes in and the first metric fails: all rolls back.
  ASSERT_TRUE(db.run_script("ALTER TABLE metrics RENAME TO metrics_away"));
  EXPECT_FALSE(this->store_->add(result_with(11, 100), labels("main", "b")));
  ASSERT_TRUE(db.run_script("ALTER TABLE metrics_away RENAME TO metrics"));
  auto runs = this->store_->list({});
  ASSERT_TRUE(runs) << runs.error().describe();
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ(runs->front().commit, "a");
  this->add(result_with(12, 100), labels("main", "c"));  // the store still works afterwards
  EXPECT_EQ(this->store_->list({})->size(), 2u);
}

TYPED_TEST(HistoryStoreTest, TwoConnectionsAddToTheSameHistory) {
  auto other = HistoryStore::open(this->spec_);
  ASSERT_TRUE(other) << other.error().describe();
  for (int i = 0; i < 5; ++i) {
    this->add(result_with(i, 1), labels("main", "x" + std::to_string(i)));
    ASSERT_TRUE(other->add(result_with(i, 2), labels("main", "y" + std::to_string(i))));
  }
  auto runs = other->list({});
  ASSERT_TRUE(runs);
  EXPECT_EQ(runs->size(), 10u);
  EXPECT_EQ(runs->back().commit, "y4");
}

TEST(HistoryStore, ShowOfAMissingRunIsAnError) {
  auto spec = SqliteBackend::fresh_database();
  ASSERT_TRUE(spec);
  auto store = HistoryStore::open(*spec);
  ASSERT_TRUE(store);
  auto run = store->run(42);
  ASSERT_FALSE(run);
  EXPECT_NE(run.error().message.find("no run #42"), std::string::npos);
}

TEST(HistoryStore, ANonDatabaseFileIsRefused) {
  auto spec = SqliteBackend::fresh_database();
  ASSERT_TRUE(spec);
  std::filesystem::create_directories(std::filesystem::path(*spec).parent_path());
  FILE* f = fopen(spec->c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("this is not a database, just some text that is long enough to look at\n", f);
  fclose(f);
  auto store = HistoryStore::open(*spec);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find(*spec), std::string::npos);
}

TEST(HistoryStore, UnreachablePostgresIsAClearError) {
  auto store = HistoryStore::open("postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("cannot connect"), std::string::npos);
  EXPECT_EQ(store.error().message.find("secret"), std::string::npos);  // password redacted
}

TEST(Timestamps, NormalizeAcceptedFormsAndRejectOthers) {
  EXPECT_EQ(*normalize_timestamp("2024-05-01"), "2024-05-01T00:00:00Z");
  EXPECT_EQ(*normalize_timestamp("2024-05-01 12:30"), "2024-05-01T12:30:00Z");
  EXPECT_EQ(*normalize_timestamp("2024-05-01T12:30:45Z"), "2024-05-01T12:30:45Z");
  EXPECT_FALSE(normalize_timestamp("yesterday"));
  EXPECT_FALSE(normalize_timestamp("2024-5-1"));
  EXPECT_FALSE(normalize_timestamp("2024-05-01T12"));
}

TEST(BaselineSpec, ParsesEveryForm) {
  EXPECT_EQ(parse_baseline_spec("history:main")->branch, "main");
  EXPECT_EQ(parse_baseline_spec("branch:release/1.0")->branch, "release/1.0");
  EXPECT_EQ(parse_baseline_spec("history:tag:env=ci")->tag.second, "ci");
  EXPECT_EQ(parse_baseline_spec("history:run:7")->run_id, 7);
  EXPECT_EQ(parse_baseline_spec("history:pinned:nightly")->pin_name, "nightly");
  EXPECT_FALSE(parse_baseline_spec("history:"));
  EXPECT_FALSE(parse_baseline_spec("history:run:x"));
  EXPECT_FALSE(parse_baseline_spec("history:tag:novalue"));
}

}  // namespace
}  // namespace perfgate::analysis::history
