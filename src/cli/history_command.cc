// `perfgate history`: record runs in a history database and look back at them — list, show,
// trend (with change points), baseline (for compare/gate) and check (exit 3 when the newest run
// starts a regression). The work is in src/analysis/history/; this file parses and prints.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "analysis/history/baseline.h"
#include "analysis/history/history_report.h"
#include "analysis/history/history_store.h"
#include "analysis/history/series_analysis.h"
#include "cli/command.h"
#include "cli/exit_codes.h"

namespace perfgate::cli {
namespace {

namespace h = analysis::history;

// Options shared by the subcommands; each subcommand registers the ones it takes.
struct Options {
  std::string db;
  std::string result, format = "auto", commit, branch, time, since, run_spec, pin_name;
  std::vector<std::string> tags, metrics;
  int64_t run = 0, pin = 0;
  size_t limit = 0, window = 50, streak = 3;
  double pvalue = 0.001, min_change_pct = 0, min_step_pct = 0;
  bool json = false, csv = false, pinned = false;
};

int fail(const Error& error, int code = kExitRuntimeError) {
  fmt::print(stderr, "error: {}\n", error.describe());
  return code;
}

// --db, else $PERFGATE_HISTORY_DB, else .perfgate/history.db.
std::string database_spec(const Options& o) {
  if (!o.db.empty()) return o.db;
  const char* env = std::getenv("PERFGATE_HISTORY_DB");
  return env != nullptr ? env : std::string(h::kDefaultDatabase);
}

Result<h::RunFilter> filter_from(const Options& o) {
  h::RunFilter filter;
  filter.branch = o.branch;
  filter.limit = o.limit;
  for (const std::string& text : o.tags) {
    auto tag = h::parse_tag(text);
    if (!tag) return tag.error();
    filter.tags[tag->first] = tag->second;
  }
  if (!o.since.empty()) {
    auto since = h::normalize_timestamp(o.since);
    if (!since) return since.error();
    filter.since = *since;
  }
  return filter;
}

h::AnalysisOptions analysis_options(const Options& o) {
  h::AnalysisOptions a;
  a.change_points.window = o.window;
  a.change_points.max_pvalue = o.pvalue;
  a.change_points.min_magnitude = o.min_change_pct / 100;
  a.streak = o.streak;
  a.min_step = o.min_step_pct / 100;
  return a;
}

int run_add(const Options& o) {
  h::RunLabels labels{o.commit, o.branch, {}, {}};
  for (const std::string& text : o.tags) {
    auto tag = h::parse_tag(text);
    if (!tag) return fail(tag.error(), kExitUsage);
    labels.tags[tag->first] = tag->second;
  }
  if (!o.time.empty()) {
    auto when = h::normalize_timestamp(o.time);
    if (!when) return fail(when.error(), kExitUsage);
    labels.recorded_at = *when;
  }
  auto set = analysis::load_metric_set(o.result, o.format);
  if (!set) return fail(set.error());
  auto store = h::HistoryStore::open(database_spec(o));
  if (!store) return fail(store.error());
  auto id = store->add(*set, labels);
  if (!id) return fail(id.error());
  fmt::print("recorded run #{} ({} metrics from {}) in {}\n", *id, set->metrics.size(), o.result,
             store->database().describe());
  return kExitOk;
}

int run_list(const Options& o) {
  auto filter = filter_from(o);
  if (!filter) return fail(filter.error(), kExitUsage);
  auto store = h::HistoryStore::open(database_spec(o));
  if (!store) return fail(store.error());
  auto runs = store->list(*filter);
  if (!runs) return fail(runs.error());
  fmt::print("{}", o.json ? h::runs_json(*runs) : h::runs_table(*runs));
  return kExitOk;
}

int print_run(h::HistoryStore& store, int64_t id, bool json) {
  auto info = store.run(id);
  if (!info) return fail(info.error());
  auto metrics = store.metrics(id);
  if (!metrics) return fail(metrics.error());
  fmt::print("{}", json ? h::run_json(*info, *metrics) : h::run_text(*info, *metrics));
  return kExitOk;
}

int run_show(const Options& o) {
  auto store = h::HistoryStore::open(database_spec(o));
  if (!store) return fail(store.error());
  return print_run(*store, o.run, o.json);
}

int run_trend(const Options& o) {
  auto filter = filter_from(o);
  if (!filter) return fail(filter.error(), kExitUsage);
  auto store = h::HistoryStore::open(database_spec(o));
  if (!store) return fail(store.error());
  auto series = store->series(o.metrics.front(), *filter);
  if (!series) return fail(series.error());
  if (series->points.empty()) {
    return fail(make_error(fmt::format("no runs have the metric '{}'", o.metrics.front()),
                           "'perfgate history show RUN' lists a run's metric keys"));
  }
  const h::SeriesAnalysis analysis = h::analyze_series(*series, analysis_options(o));
  if (o.csv) {
    fmt::print("{}", h::trend_csv(*series, analysis));
  } else if (o.json) {
    fmt::print("{}", h::trend_json(*series, analysis));
  } else {
    fmt::print("{}", h::trend_text(*series, analysis));
  }
  return kExitOk;
}

// The baseline selector from --branch/--tag/--run/--pinned; none: the pinned run if there is
// one, else the newest run on main.
Result<h::BaselineSpec> baseline_selector(const Options& o, h::HistoryStore& store) {
  if (o.run > 0) return h::parse_baseline_spec(fmt::format("run:{}", o.run));
  if (!o.tags.empty()) return h::parse_baseline_spec("tag:" + o.tags.front());
  if (!o.branch.empty()) return h::parse_baseline_spec("branch:" + o.branch);
  if (o.pinned) return h::parse_baseline_spec("pinned:" + o.pin_name);
  auto pinned = store.pinned(o.pin_name);
  if (!pinned) return pinned.error();
  return h::parse_baseline_spec(*pinned ? "pinned:" + o.pin_name : std::string("branch:main"));
}

int run_baseline(const Options& o) {
  auto store = h::HistoryStore::open(database_spec(o));
  if (!store) return fail(store.error());
  if (o.pin > 0) {
    if (auto pinned = store->pin(o.pin_name, o.pin); !pinned) return fail(pinned.error());
    fmt::print(stderr, "pinned run #{} as '{}'\n", o.pin, o.pin_name);
    return print_run(*store, o.pin, o.json);
  }
  auto spec = baseline_selector(o, *store);
  if (!spec) return fail(spec.error(), kExitUsage);
  auto id = h::select_baseline_run(*store, *spec);
  if (!id) return fail(id.error());
  fmt::print(stderr, "baseline: {} -> run #{}\n", spec->describe(), *id);
  return print_run(*store, *id, o.json);
}

int run_check(const Options& o) {
  auto filter = filter_from(o);
  if (!filter) return fail(filter.error(), kExitUsage);
  auto store = h::HistoryStore::open(database_spec(o));
  if (!store) return fail(store.error());
  std::vector<std::string> keys = o.metrics;
  if (keys.empty()) {
    auto all = store->metric_keys(*filter);
    if (!all) return fail(all.error());
    keys = *all;
  }
  size_t regressions = 0;
  for (const std::string& key : keys) {
    auto series = store->series(key, *filter);
    if (!series) return fail(series.error());
    if (series->points.empty()) return fail(make_error(fmt::format("no runs have '{}'", key)));
    const h::SeriesAnalysis analysis = h::analyze_series(*series, analysis_options(o));
    if (!analysis.newest_regresses) continue;
    ++regressions;
    fmt::print("REGRESSION {}: {}\n", key, analysis.reason);
  }
  fmt::print("{} of {} metrics regress at the newest run\n", regressions, keys.size());
  return regressions > 0 ? kExitRegression : kExitOk;
}

void add_db_option(CLI::App* sub, Options& o) {
  sub->add_option("--db", o.db,
                  "history database: a SQLite file or postgresql://... "
                  "(default: $PERFGATE_HISTORY_DB, else .perfgate/history.db)");
}

void add_filter_options(CLI::App* sub, Options& o) {
  sub->add_option("--branch", o.branch, "only runs on this branch");
  sub->add_option("--tag", o.tags, "only runs with this tag (KEY=VALUE; repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--since", o.since, "only runs recorded at or after this UTC date/time");
  sub->add_option("--limit", o.limit, "only the newest N runs");
}

void add_analysis_options(CLI::App* sub, Options& o) {
  sub->add_option("--window", o.window, "change-point sliding window, in runs")
      ->check(CLI::Range(2, 100000));
  sub->add_option("--pvalue", o.pvalue, "change-point significance level")
      ->check(CLI::Range(1e-12, 1.0));
  sub->add_option("--min-change", o.min_change_pct, "ignore change points smaller than this %");
  sub->add_option("--streak", o.streak, "worse runs in a row that raise a trend alert")
      ->check(CLI::Range(1, 1000));
  sub->add_option("--min-step", o.min_step_pct, "a run counts as worse only by more than this %");
}

}  // namespace

int history_main(const std::vector<std::string>& args) {
  CLI::App app(
      "Record runs in a history database and find regressions across them.\n\nExamples:\n"
      "  perfgate history add results.json --commit $SHA --branch main\n"
      "  perfgate history trend 'http_req_duration p(95)' --branch main\n"
      "  perfgate history check            # exit 3 when the newest run starts a regression",
      "perfgate history");
  app.require_subcommand(1);
  Options o;
  o.pin_name = std::string(h::kDefaultPinName);
  CLI::App* add = app.add_subcommand("add", "store a result file's metrics as a new run");
  add->add_option("RESULT", o.result, "result file (perfgate, k6, gbench, hyperfine, ...)")
      ->required();
  add->add_option("--format", o.format, "result format (default: auto)");
  add->add_option("--commit", o.commit, "commit SHA of the code measured");
  add->add_option("--branch", o.branch, "branch of the code measured");
  add->add_option("--tag", o.tags, "label the run KEY=VALUE (repeatable)")->allow_extra_args(false);
  add->add_option("--time", o.time, "when the run happened, UTC (default: now)");
  CLI::App* list = app.add_subcommand("list", "list the recorded runs");
  add_filter_options(list, o);
  list->add_flag("--json", o.json, "JSON output");
  CLI::App* show = app.add_subcommand("show", "show one run and its metrics");
  show->add_option("RUN", o.run, "run number")->required();
  show->add_flag("--json", o.json, "JSON output");
  CLI::App* trend = app.add_subcommand("trend", "a metric across runs, with change points");
  trend->add_option("METRIC", o.metrics, "metric key, e.g. 'http_req_duration p(95)'")
      ->required()
      ->expected(1);
  add_filter_options(trend, o);
  add_analysis_options(trend, o);
  auto* csv = trend->add_flag("--csv", o.csv, "CSV output");
  trend->add_flag("--json", o.json, "JSON output")->excludes(csv);
  CLI::App* baseline = app.add_subcommand("baseline", "show (or pin) the baseline run");
  auto* b_branch = baseline->add_option("--branch", o.branch, "newest run on this branch");
  auto* b_tag = baseline->add_option("--tag", o.tags, "newest run with this tag KEY=VALUE")
                    ->expected(1)
                    ->excludes(b_branch);
  auto* b_run = baseline->add_option("--run", o.run, "this run")->excludes(b_branch, b_tag);
  baseline->add_option("--pin", o.pin, "pin this run as the baseline")
      ->excludes(b_branch, b_tag, b_run);
  baseline->add_flag("--pinned", o.pinned, "the pinned run");
  baseline->add_option("--name", o.pin_name, "pin name (default: baseline)");
  baseline->add_flag("--json", o.json, "JSON output");
  CLI::App* check = app.add_subcommand("check", "exit 3 if the newest run starts a regression");
  check->add_option("METRIC", o.metrics, "metric keys to check (default: all)");
  add_filter_options(check, o);
  add_analysis_options(check, o);
  for (CLI::App* sub : {add, list, show, trend, baseline, check}) add_db_option(sub, o);
  if (int rc = parse_arguments(app, args); rc >= 0) return rc;
  if (add->parsed()) return run_add(o);
  if (list->parsed()) return run_list(o);
  if (show->parsed()) return run_show(o);
  if (trend->parsed()) return run_trend(o);
  if (baseline->parsed()) return run_baseline(o);
  return run_check(o);
}

}  // namespace perfgate::cli
