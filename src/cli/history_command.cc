// `perfgate history`: record runs in a history database and look back at them — list, show,
// trend (with change points), baseline (for compare/gate) and check (exit 3 when the newest run
// starts a regression). The work is in src/analysis/history/; this file parses and prints.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "analysis/history/baseline.h"
#include "analysis/history/history_report.h"
#include "analysis/history/history_store.h"
#include "analysis/history/newest_run.h"
#include "analysis/history/series_analysis.h"
#include "analysis/judged_metrics.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "plan/redact.h"

namespace perfgate::cli {
namespace {

namespace h = analysis::history;

// Options shared by the subcommands; each subcommand registers the ones it takes.
struct Options {
  std::string db;
  std::string result, format = "auto", commit, branch, time, since, run_spec, pin_name;
  std::vector<std::string> tags, metrics, floors;
  int64_t run = 0, pin = 0;
  size_t limit = 0, window = 50, streak = 3;
  double pvalue = 0.001, min_change_pct = 0, min_step_pct = 0, streak_noise = 2.5;
  double min_step_regression_pct = 10;
  bool json = false, csv = false, pinned = false, fail_on_trend = false, all = false;
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
  a.streaks.streak = o.streak;
  a.streaks.min_step = o.min_step_pct / 100;
  a.streaks.min_total_noise = o.streak_noise;
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
  auto set = analysis::load_metric_table(o.result, o.format);
  if (!set) return fail(set.error(), kExitUsage);  // unreadable or malformed results file
  // Files from older versions or other tools may carry a URL password or token in their context
  // (the command line, the target): the store keeps it without them (plan/redact.h, by shape).
  for (auto& [key, value] : set->context) value = plan::Redactor().text(value);
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

// The keys `history check` looks at: those given, else the newest run's metrics in compare's
// default set (all of them with --all). Also returns that run's format, for the noise floors.
Result<std::pair<std::vector<std::string>, std::string>> check_keys(const Options& o,
                                                                    h::HistoryStore& store,
                                                                    const h::RunFilter& filter) {
  auto newest = store.latest(filter);
  if (!newest) return newest.error();
  if (!*newest) return make_error("no runs to check", "record runs with 'perfgate history add'");
  auto run = store.run(**newest);
  if (!run) return run.error();
  if (!o.metrics.empty()) return std::pair{o.metrics, run->format};
  auto set = store.metrics(**newest);
  if (!set) return set.error();
  std::vector<std::string> keys;
  for (const analysis::Metric& m : set->metrics) {
    if (o.all || analysis::judged_by_default(m, run->format)) keys.push_back(m.key());
  }
  return std::pair{keys, run->format};
}

// Change points, then the one-step check of the newest run (newest_run.h).
bool check_metric(const std::string& key, const h::Series& series, const std::string& format,
                  const Options& o, const analysis::NoiseFloors& floors, size_t& alerts) {
  const h::SeriesAnalysis analysis = h::analyze_series(series, analysis_options(o));
  if (analysis.newest_alerted) {
    ++alerts;
    fmt::print("TREND {}: {}\n", key, analysis.alert_reason);
  }
  const double floor = analysis::noise_floor(series.unit, format, floors);
  if (analysis.newest_regresses) {
    const stats::ChangePoint& cp = analysis.changes.back().point;
    if (std::fabs(cp.mean_after - cp.mean_before) > floor) {
      fmt::print("REGRESSION {}: {}\n", key, analysis.regression_reason);
      return true;
    }
  }
  size_t start = 0;
  for (const h::Change& change : analysis.changes) {
    if (change.point.index < series.points.size() - 1) start = change.point.index;
  }
  h::NewestRunOptions step;
  step.min_step = o.min_step_regression_pct / 100;
  step.window = o.window;
  step.noise_floor = floor;
  const h::NewestRunVerdict verdict = h::judge_newest_run(series, start, step);
  if (verdict.regression) fmt::print("REGRESSION {}: {}\n", key, verdict.reason);
  return verdict.regression;
}

int run_check(const Options& o) {
  auto filter = filter_from(o);
  if (!filter) return fail(filter.error(), kExitUsage);
  analysis::NoiseFloors floors;
  for (const std::string& text : o.floors) {
    if (auto ok = analysis::parse_noise_floor(text, floors); !ok)
      return fail(ok.error(), kExitUsage);
  }
  auto store = h::HistoryStore::open(database_spec(o));
  if (!store) return fail(store.error());
  auto keys = check_keys(o, *store, *filter);
  if (!keys) return fail(keys.error());
  size_t regressions = 0, alerts = 0;
  for (const std::string& key : keys->first) {
    auto series = store->series(key, *filter);
    if (!series) return fail(series.error());
    if (series->points.empty()) return fail(make_error(fmt::format("no runs have '{}'", key)));
    regressions += check_metric(key, *series, keys->second, o, floors, alerts);
  }
  fmt::print("{} of {} metrics regress at the newest run; {} trend alert(s){}\n", regressions,
             keys->first.size(), alerts,
             o.fail_on_trend || alerts == 0 ? "" : " (not failing: see --fail-on-trend)");
  const bool failed = regressions > 0 || (o.fail_on_trend && alerts > 0);
  return failed ? kExitRegression : kExitOk;
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
  sub->add_option("--streak-noise", o.streak_noise,
                  "a streak must be worse in total than this many noise sigmas (default 2.5)");
}

void define_add(CLI::App* sub, Options& o) {
  sub->add_option("RESULT", o.result, "result file (perfgate, k6, gbench, hyperfine, ...)")
      ->required();
  sub->add_option("--format", o.format, "result format (default: auto)");
  sub->add_option("--commit", o.commit, "commit SHA of the code measured");
  sub->add_option("--branch", o.branch, "branch of the code measured");
  sub->add_option("--tag", o.tags, "label the run KEY=VALUE (repeatable)")->allow_extra_args(false);
  sub->add_option("--time", o.time, "when the run happened, UTC (default: now)");
}

void define_list(CLI::App* sub, Options& o) {
  add_filter_options(sub, o);
  sub->add_flag("--json", o.json, "JSON output");
}

void define_show(CLI::App* sub, Options& o) {
  sub->add_option("RUN", o.run, "run number")->required();
  sub->add_flag("--json", o.json, "JSON output");
}

void define_trend(CLI::App* sub, Options& o) {
  sub->add_option("METRIC", o.metrics, "metric key, e.g. 'http_req_duration p(95)'")
      ->required()
      ->expected(1);
  add_filter_options(sub, o);
  add_analysis_options(sub, o);
  auto* csv = sub->add_flag("--csv", o.csv, "CSV output");
  sub->add_flag("--json", o.json, "JSON output")->excludes(csv);
}

void define_baseline(CLI::App* sub, Options& o) {
  auto* branch = sub->add_option("--branch", o.branch, "newest run on this branch");
  auto* tag = sub->add_option("--tag", o.tags, "newest run with this tag KEY=VALUE")
                  ->expected(1)
                  ->excludes(branch);
  auto* run = sub->add_option("--run", o.run, "this run")->excludes(branch, tag);
  sub->add_option("--pin", o.pin, "pin this run as the baseline")->excludes(branch, tag, run);
  sub->add_flag("--pinned", o.pinned, "the pinned run");
  sub->add_option("--name", o.pin_name, "pin name (default: baseline)");
  sub->add_flag("--json", o.json, "JSON output");
}

void define_check(CLI::App* sub, Options& o) {
  sub->add_option("METRIC", o.metrics,
                  "metric keys to check (default: the newest run's metrics in compare's default "
                  "set)");
  sub->add_flag("--all", o.all, "check every metric of the newest run");
  sub->add_option("--step", o.min_step_regression_pct,
                  "the newest run regresses when this % worse than the median of the runs "
                  "before it (and beyond the noise floor and 3x their noise); default 10");
  sub->add_option("--floor", o.floors, "absolute noise floor UNIT=VALUE (as in compare)");
  sub->add_flag("--fail-on-trend", o.fail_on_trend,
                "also exit 3 when the newest run completes a trend alert");
  add_filter_options(sub, o);
  add_analysis_options(sub, o);
}

struct Subcommand {
  const char* name;
  const char* summary;
  void (*define)(CLI::App*, Options&);
  int (*run)(const Options&);
};

constexpr Subcommand kSubcommands[] = {
    {"add", "store a result file's metrics as a new run", define_add, run_add},
    {"list", "list the recorded runs", define_list, run_list},
    {"show", "show one run and its metrics", define_show, run_show},
    {"trend", "a metric across runs, with change points", define_trend, run_trend},
    {"baseline", "show (or pin) the baseline run", define_baseline, run_baseline},
    {"check", "exit 3 if the newest run starts a regression", define_check, run_check},
};

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
  std::vector<CLI::App*> subs;
  for (const Subcommand& command : kSubcommands) {
    subs.push_back(app.add_subcommand(command.name, command.summary));
    command.define(subs.back(), o);
    add_db_option(subs.back(), o);
  }
  if (int rc = parse_arguments(app, args); rc >= 0) return rc;
  for (size_t i = 0; i < subs.size(); ++i) {
    if (subs[i]->parsed()) return kSubcommands[i].run(o);
  }
  return kExitUsage;  // unreachable: require_subcommand(1)
}

}  // namespace perfgate::cli
