// Killing `history add` at any moment must leave the SQLite history intact. A child process adds
// runs in a loop; the parent SIGKILLs it at a random moment, then checks that the database opens,
// passes PRAGMA integrity_check and holds only whole runs. Repeated on the same file, so each
// round also recovers from the previous round's interrupted write-ahead log.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "analysis/history/history_store.h"

namespace perfgate::analysis::history {
namespace {

constexpr int kMetricsPerRun = 200;  // enough that a kill often lands inside a transaction
constexpr int kRounds = 6;

// Every metric of run n has the value n, so a half-written run is visible.
MetricTable run_payload(int n) {
  MetricTable set;
  set.source = "crash.json";
  set.format = "perfgate";
  for (int i = 0; i < kMetricsPerRun; ++i) {
    Metric m;
    m.name = "metric_" + std::to_string(i);
    m.unit = "ms";
    m.value = n;
    set.metrics.push_back(m);
  }
  return set;
}

// Adds runs until killed; writes one byte to `ready_fd` once the first add has committed.
[[noreturn]] void add_forever(const std::string& path, int ready_fd) {
  auto store = HistoryStore::open(path);
  if (!store) _exit(3);
  for (int n = 1;; ++n) {
    RunLabels labels;
    labels.commit = "c" + std::to_string(n);
    labels.tags["round"] = "x";
    if (!store->add(run_payload(n), labels)) _exit(4);
    if (n == 1 && write(ready_fd, "r", 1) != 1) _exit(5);
  }
}

// Waits up to 60 s for the child's first committed add, so that even on a loaded machine every
// round kills a child that is busy adding (not one still starting up).
bool wait_ready(int fd) {
  pollfd p{fd, POLLIN, 0};
  char byte;
  return poll(&p, 1, 60000) == 1 && read(fd, &byte, 1) == 1;
}

void expect_intact(const std::string& path, int round) {
  auto store = HistoryStore::open(path);
  ASSERT_TRUE(store) << "round " << round << ": " << store.error().describe();
  auto check = store->database().query("PRAGMA integrity_check");
  ASSERT_TRUE(check);
  EXPECT_EQ(as_text(check->at(0).at(0)), "ok") << "round " << round;
  auto partial = store->database().query(
      "SELECT r.id, COUNT(m.key), MIN(m.value), MAX(m.value) FROM runs r "
      "LEFT JOIN metrics m ON m.run_id = r.id GROUP BY r.id "
      "HAVING COUNT(m.key) <> ? OR MIN(m.value) <> MAX(m.value)",
      {int64_t{kMetricsPerRun}});
  ASSERT_TRUE(partial);
  EXPECT_TRUE(partial->empty()) << "round " << round << ": run " << as_int(partial->at(0)[0])
                                << " has " << as_int(partial->at(0)[1]) << " metrics";
  auto orphans = store->database().query(
      "SELECT COUNT(*) FROM run_tags t WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = "
      "t.run_id)");
  ASSERT_TRUE(orphans);
  EXPECT_EQ(as_int(orphans->at(0).at(0)), 0);
}

TEST(HistoryCrash, SigkillDuringAddLeavesWholeRunsOnly) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("perfgate-history-crash-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  const std::string path = (dir / "history.db").string();
  std::mt19937 rng(20240501);
  std::uniform_int_distribution<int> delay_ms(0, 200);
  int64_t runs_before = 0;
  for (int round = 0; round < kRounds; ++round) {
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) add_forever(path, ready[1]);
    close(ready[1]);
    const bool started = wait_ready(ready[0]);
    close(ready[0]);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(started) << "the child never completed an add";
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child stopped by itself, exit " << WEXITSTATUS(status);
    expect_intact(path, round);
    auto store = HistoryStore::open(path);
    ASSERT_TRUE(store);
    const int64_t runs_now = static_cast<int64_t>(store->list({})->size());
    EXPECT_GT(runs_now, runs_before) << "committed runs were lost";
    runs_before = runs_now;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace perfgate::analysis::history
