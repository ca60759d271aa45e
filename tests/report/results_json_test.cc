// The results file: round trip (write → read → write is byte-identical and keeps histograms
// exactly), refusal of newer versions and of files that are not perfgate results.
#include "report/results_json.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "fixture.h"

namespace perfgate::report {
namespace {

using results::Trend;

TEST(ResultsJsonTest, RoundTripIsExact) {
  const ResultsDocument original = testing::make_fixture_with_intervals();
  const std::string text = format_results_json(original);
  auto read = parse_results_json(text);
  ASSERT_TRUE(read) << read.error().describe();
  EXPECT_EQ(format_results_json(*read), text);

  // Spot-check the model itself, not only its JSON.
  const HdrHistogram& a = original.run.totals.trend(Trend::kDuration);
  const HdrHistogram& b = read->run.totals.trend(Trend::kDuration);
  EXPECT_EQ(b.count(), 2000);
  for (double p : {0.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
    EXPECT_EQ(a.value_at_percentile(p), b.value_at_percentile(p)) << p;
  }
  EXPECT_EQ(read->run.meta.model, results::Model::kOpen);
  EXPECT_EQ(read->run.meta.start_unix_nanos, original.run.meta.start_unix_nanos);
  EXPECT_EQ(read->run.totals.statuses[503], 10);
  EXPECT_EQ(read->run.totals.error_count(results::ErrorClass::kConnectRefused), 2);
  EXPECT_EQ(read->run.series.size(), 10u);
  EXPECT_EQ(read->thresholds[1].metric, "http_req_duration{name:login}");
  EXPECT_FALSE(read->thresholds[1].passed);
  EXPECT_EQ(read->checks[1].name, original.checks[1].name);
  EXPECT_EQ(read->names[1].duration.count(), 500);
  EXPECT_EQ(read->intervals.size(), 4u);
  EXPECT_EQ(read->environment.git_commit, original.environment.git_commit);
  EXPECT_EQ(read->run.health.warnings, original.run.health.warnings);
}

// The per-interval detail (per-name latency, errors by class, VUs by scenario) survives the
// results file exactly; files without it read with none.
TEST(ResultsJsonTest, TimeDetailRoundTrips) {
  ResultsDocument doc = testing::make_fixture_with_intervals();
  testing::add_time_detail(doc);
  const std::string text = format_results_json(doc);
  auto read = parse_results_json(text);
  ASSERT_TRUE(read) << read.error().describe();
  EXPECT_EQ(format_results_json(*read), text);
  EXPECT_EQ(read->run.scenarios, doc.run.scenarios);
  const results::TimeSeriesPoint& fourth = read->run.series[3];
  ASSERT_EQ(fourth.error_classes.size(), 2u);
  EXPECT_EQ(fourth.error_classes[0].first, results::ErrorClass::kConnectRefused);  // by name
  EXPECT_EQ(fourth.error_classes[1], std::make_pair(results::ErrorClass::kHttp5xx, int64_t{10}));
  EXPECT_EQ(fourth.scenario_vus, doc.run.series[3].scenario_vus);
  const results::NameSeriesSet& names = read->run.name_series;
  ASSERT_EQ(names.names.size(), 2u);
  EXPECT_EQ(names.names[1].name, doc.names[1].name);
  ASSERT_EQ(names.names[1].points.size(), 8u);
  const results::NamePoint& p = names.names[0].points[3];
  EXPECT_EQ(p.failures, 8);
  EXPECT_EQ(p.p99_us, 15'000);
  nlohmann::json j = nlohmann::json::parse(text);
  EXPECT_EQ(j["name_series"]["columns"][4], "p95_us");

  auto without = parse_results_json(format_results_json(testing::make_fixture()));
  ASSERT_TRUE(without) << without.error().describe();
  EXPECT_TRUE(without->run.name_series.names.empty());
  EXPECT_TRUE(without->run.series[3].error_classes.empty());
  EXPECT_EQ(format_results_json(*without).find("name_series"), std::string::npos);
}

// name_series is bounded on reading and judged like other counts.
TEST(ResultsJsonTest, NameSeriesIsBoundedAndValidated) {
  ResultsDocument doc = testing::make_fixture();
  testing::add_time_detail(doc);
  nlohmann::json j = results_to_json(doc);
  for (int i = 0; i < 40; ++i) j["name_series"]["names"].push_back(j["name_series"]["names"][0]);
  j["series"]["points"][0]["scenario_vus"] = {1, 2, 3, 4};  // more values than scenarios
  auto read = results_from_json(j);
  ASSERT_TRUE(read) << read.error().describe();
  EXPECT_EQ(read->run.name_series.names.size(), results::kMaxSeriesNames + 1);
  EXPECT_EQ(read->run.series[0].scenario_vus.size(), 2u);

  j["name_series"]["names"][0]["points"][0][2] = 151;  // more failures than requests
  auto bad = results_from_json(j);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("name_series[\"GET /api\"]"), std::string::npos)
      << bad.error().message;
}

// A check's group path and step survive the results file; files without them still read.
TEST(ResultsJsonTest, ChecksKeepWhereTheyRan) {
  ResultsDocument doc = testing::make_fixture_with_intervals();
  doc.checks = {{"status in [200]", 6, 0, "", "home"},
                {"status in [200]", 0, 6, "::shop", "missing"}};
  auto read = parse_results_json(format_results_json(doc));
  ASSERT_TRUE(read) << read.error().describe();
  ASSERT_EQ(read->checks.size(), 2u);
  EXPECT_EQ(read->checks[1].group, "::shop");
  EXPECT_EQ(read->checks[1].step, "missing");
  EXPECT_EQ(read->checks[1].label(), "::shop › missing › status in [200]");
  EXPECT_EQ(read->checks[0].where(), "home");
  EXPECT_EQ((CheckOutcome{"ok", 1, 0, "::g", ""}).where(), "::g");

  nlohmann::json old = nlohmann::json::parse(format_results_json(doc));
  for (auto& c : old["checks"]) c.erase("group"), c.erase("step");
  auto legacy = parse_results_json(old.dump());
  ASSERT_TRUE(legacy) << legacy.error().describe();
  EXPECT_EQ(legacy->checks[1].label(), "status in [200]");
}

// The run's --tag tags survive the results file; values that are not strings are ignored.
TEST(ResultsJsonTest, RunTagsRoundTrip) {
  ResultsDocument doc = testing::make_fixture_with_intervals();
  doc.environment.tags = {{"team", "checkout"}, {"testid", "ci-42"}};  // by key, as --tag gives
  const std::string text = format_results_json(doc);
  EXPECT_NE(text.find("\"tags\": {"), std::string::npos);
  auto read = parse_results_json(text);
  ASSERT_TRUE(read) << read.error().describe();
  EXPECT_EQ(read->environment.tags, doc.environment.tags);
  nlohmann::json odd = nlohmann::json::parse(text);
  odd["run"]["tags"] = {{"n", 7}, {"ok", "yes"}};
  auto lenient = parse_results_json(odd.dump());
  ASSERT_TRUE(lenient) << lenient.error().describe();
  EXPECT_EQ(lenient->environment.tags,
            (std::vector<std::pair<std::string, std::string>>{{"ok", "yes"}}));
}

// k6's method and url tags of each request name survive the results file; older files read "".
TEST(ResultsJsonTest, NamesKeepMethodAndUrl) {
  ResultsDocument doc = testing::make_fixture_with_intervals();
  ASSERT_GE(doc.names.size(), 2u);
  doc.names[0].method = "POST";
  doc.names[0].url = "http://h/items/{{__VU}}";
  auto read = parse_results_json(format_results_json(doc));
  ASSERT_TRUE(read) << read.error().describe();
  EXPECT_EQ(read->names[0].method, "POST");
  EXPECT_EQ(read->names[0].url, "http://h/items/{{__VU}}");
  EXPECT_EQ(read->names[1].url, "");
}

// What a plan run adds to the model — windowed thresholds with their worst window, where each
// threshold is declared, extraction failures, the request count asked for, and plan_run (groups,
// sub-metrics with their histograms, group_duration, the abort) — survives the results file;
// files written before these fields read with them empty.
TEST(ResultsJsonTest, PlanRunFieldsRoundTrip) {
  ResultsDocument doc = testing::make_fixture_with_intervals();
  doc.run.meta.requests = 5000;
  ThresholdOutcome& windowed = doc.thresholds[1];
  windowed.window = "30s";
  windowed.window_end_seconds = 42.5;
  windowed.windows_failed = 2;
  windowed.windows_evaluated = 7;
  windowed.file = "shop.yaml";
  windowed.line = 12;
  windowed.column = 7;
  doc.names[1].extract_failures = 4;
  results::PlanRunOutcome plan;
  plan.name = "shop";
  plan.groups = {"", "::auth"};
  results::SubMetricOutcome page{"http_req_duration{kind:page}",
                                 results::SubMetricOutcome::Kind::kTrend, 0, 0, 3};
  for (int64_t us : {1200, 3400, 250'000}) page.trend.record(us);
  plan.sub_metrics = {
      page, {"http_req_failed{kind:api}", results::SubMetricOutcome::Kind::kRate, 2, 9, 9}};
  plan.group_duration.record(8000);
  plan.iterations_started_per_second = {3, 4, 0};
  plan.aborted = true;
  plan.abort_reason = "threshold http_req_failed rate<0.01 failed";
  plan.aborted_at_seconds = 6.25;
  doc.plan_run = plan;

  const std::string text = format_results_json(doc);
  auto read = parse_results_json(text);
  ASSERT_TRUE(read) << read.error().describe();
  EXPECT_EQ(format_results_json(*read), text);
  EXPECT_EQ(read->run.meta.requests, 5000);
  const ThresholdOutcome& t = read->thresholds[1];
  EXPECT_EQ(t.window, "30s");
  EXPECT_EQ(t.window_end_seconds, 42.5);
  EXPECT_EQ(t.windows_failed, 2);
  EXPECT_EQ(t.windows_evaluated, 7);
  EXPECT_EQ(t.file, "shop.yaml");
  EXPECT_EQ(t.line, 12);
  EXPECT_EQ(t.column, 7);
  EXPECT_EQ(read->thresholds[0].window, "");
  EXPECT_EQ(read->names[1].extract_failures, 4);
  EXPECT_EQ(read->names[0].extract_failures, 0);
  ASSERT_TRUE(read->plan_run.has_value());
  const results::PlanRunOutcome& p = *read->plan_run;
  EXPECT_EQ(p.name, "shop");
  EXPECT_EQ(p.groups, plan.groups);
  ASSERT_EQ(p.sub_metrics.size(), 2u);
  EXPECT_EQ(p.sub_metrics[0].kind, results::SubMetricOutcome::Kind::kTrend);
  EXPECT_EQ(p.sub_metrics[0].trend.count(), 3);
  EXPECT_EQ(p.sub_metrics[0].trend.max(), page.trend.max());
  EXPECT_EQ(p.sub_metrics[1].kind, results::SubMetricOutcome::Kind::kRate);
  EXPECT_EQ(p.sub_metrics[1].count, 2);
  EXPECT_EQ(p.sub_metrics[1].total, 9);
  EXPECT_EQ(p.group_duration.count(), 1);
  EXPECT_EQ(p.iterations_started_per_second, plan.iterations_started_per_second);
  EXPECT_TRUE(p.aborted);
  EXPECT_EQ(p.abort_reason, plan.abort_reason);
  EXPECT_EQ(p.aborted_at_seconds, 6.25);

  nlohmann::json old = nlohmann::json::parse(text);
  old.erase("plan_run");
  old["run"]["workload"].erase("requests");
  for (auto& th : old["thresholds"]) {
    for (const char* key :
         {"window", "window_end_s", "windows_failed", "windows_evaluated", "source"}) {
      th.erase(key);
    }
  }
  for (auto& n : old["names"]) n.erase("extract_failures");
  auto legacy = results_from_json(old);
  ASSERT_TRUE(legacy) << legacy.error().describe();
  EXPECT_FALSE(legacy->plan_run.has_value());
  EXPECT_EQ(legacy->thresholds[1].window, "");
  EXPECT_EQ(legacy->thresholds[1].line, 0);
  EXPECT_EQ(legacy->names[1].extract_failures, 0);
  EXPECT_EQ(legacy->run.meta.requests, 0);

  nlohmann::json bad = nlohmann::json::parse(text);
  bad["plan_run"]["sub_metrics"][0]["kind"] = "histogram";
  auto refused = results_from_json(bad);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("plan_run.sub_metrics"), std::string::npos)
      << refused.error().message;
}

// A plan's custom metrics and group_duration round-trip, their statistics back in k6's order.
TEST(ResultsJsonTest, PlanMetricsRoundTripInK6Order) {
  ResultsDocument doc = testing::make_fixture();
  doc.plan_metrics = {{"group_duration",
                       "trend",
                       "ms",
                       {{"count", 40},
                        {"avg", 12.5},
                        {"min", 2},
                        {"med", 11},
                        {"max", 40},
                        {"p(90)", 30},
                        {"p(95)", 35}}},
                      {"ok_ratio", "rate", "", {{"value", 0.75}, {"passes", 3}, {"fails", 1}}},
                      {"orders", "counter", "", {{"count", 12}, {"rate", 1.2}}}};  // by name
  const std::string text = format_results_json(doc);
  EXPECT_NE(text.find("\"plan_metrics\""), std::string::npos);
  auto read = parse_results_json(text);
  ASSERT_TRUE(read) << read.error().describe();
  EXPECT_EQ(format_results_json(*read), text);
  ASSERT_EQ(read->plan_metrics.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(read->plan_metrics[i].name, doc.plan_metrics[i].name);
    EXPECT_EQ(read->plan_metrics[i].type, doc.plan_metrics[i].type);
    EXPECT_EQ(read->plan_metrics[i].unit, doc.plan_metrics[i].unit);
    EXPECT_EQ(read->plan_metrics[i].stats, doc.plan_metrics[i].stats) << doc.plan_metrics[i].name;
  }
  // A results file written before plan metrics existed has none.
  auto old = parse_results_json(format_results_json(testing::make_fixture()));
  ASSERT_TRUE(old);
  EXPECT_TRUE(old->plan_metrics.empty());
  EXPECT_EQ(format_results_json(*old).find("plan_metrics"), std::string::npos);
}

// Values the JSON types allow but no run can produce are refused with the field named.
TEST(ResultsJsonTest, RefusesImpossibleValues) {
  ResultsDocument negative = testing::make_fixture_with_intervals();
  negative.run.totals.http_reqs = -5;
  auto read = parse_results_json(format_results_json(negative));
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("http_reqs is -5"), std::string::npos)
      << read.error().message;

  ResultsDocument more_failures = testing::make_fixture_with_intervals();
  ASSERT_FALSE(more_failures.names.empty());
  more_failures.names[0].failures = more_failures.names[0].requests + 1;
  read = parse_results_json(format_results_json(more_failures));
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("failures in"), std::string::npos) << read.error().message;
}

// Integer fields written as floats (another tool, a hand edit): an integral float in range is
// read; 1e67 (results_reader_fuzz: a cast of it is undefined behaviour) or 2.5 is malformed.
TEST(ResultsJsonTest, IntegerFieldsWrittenAsFloatsAreReadOnlyWhenIntegral) {
  auto json = results_to_json(testing::make_fixture());
  json["counters"]["http_reqs"]["count"] = 2000.0;
  auto read = results_from_json(json);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->run.totals.http_reqs, 2000);
  for (const double bad : {1e67, -1e30, 2.5, 9223372036854775808.0}) {
    json["counters"]["http_reqs"]["count"] = bad;
    read = results_from_json(json);
    ASSERT_FALSE(read) << bad;
    EXPECT_NE(read.error().message.find("count must be an integer in range"), std::string::npos)
        << read.error().message;
  }
  auto vus = results_to_json(testing::make_fixture());
  vus["run"]["workload"]["vus"] = 1e10;  // beyond an int
  EXPECT_FALSE(results_from_json(vus));
  auto starts = results_to_json(testing::make_fixture());
  starts["plan_run"] = {{"iterations_started_per_second", {1, 2.0, 1e40}}};
  read = results_from_json(starts);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("iterations_started_per_second"), std::string::npos)
      << read.error().message;
}

TEST(ResultsJsonTest, DocumentsVersionAndDerivedStatistics) {
  const auto json = results_to_json(testing::make_fixture());
  EXPECT_EQ(json["format"], "perfgate-results");
  EXPECT_EQ(json["version"], kResultsFormatVersion);
  EXPECT_EQ(json["verdict"]["passed"], false);
  EXPECT_EQ(json["trends"]["http_req_duration"]["count"], 2000);
  EXPECT_EQ(json["trends"]["http_req_duration"]["max"], 250'111);  // highest equivalent of 250 ms
  EXPECT_EQ(json["counters"]["http_reqs"]["rate"], 200.0);
  EXPECT_EQ(json["rates"]["http_req_failed"]["value"], 0.006);
  EXPECT_EQ(json["run"]["start"], "2025-11-23T12:13:20.123Z");
}

TEST(ResultsJsonTest, RefusesNewerVersionsWithAClearMessage) {
  auto json = results_to_json(testing::make_fixture());
  json["version"] = kResultsFormatVersion + 1;
  auto read = results_from_json(json);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().message,
            "results file version 2 is newer than this perfgate can read (it reads up to "
            "version 1)");
  EXPECT_EQ(read.error().hint, "upgrade perfgate to read it");
}

TEST(ResultsJsonTest, RefusesFilesThatAreNotResults) {
  auto not_json = parse_results_json("{\"format\": ");
  ASSERT_FALSE(not_json);
  EXPECT_NE(not_json.error().message.find("not valid JSON"), std::string::npos);

  auto summary = parse_results_json(R"({"metrics": {"http_reqs": {"count": 3}}})");
  ASSERT_FALSE(summary);
  EXPECT_NE(summary.error().message.find("not a perfgate results file"), std::string::npos);

  auto no_version = parse_results_json(R"({"format": "perfgate-results"})");
  ASSERT_FALSE(no_version);
  EXPECT_NE(no_version.error().message.find("\"version\""), std::string::npos);
}

TEST(ResultsJsonTest, ReportsCorruptHistogramsAndWrongTypes) {
  auto json = results_to_json(testing::make_fixture());
  json["trends"]["http_req_waiting"]["histogram"] = "HISTFAAA!!!";
  auto bad_histogram = results_from_json(json);
  ASSERT_FALSE(bad_histogram);
  EXPECT_NE(bad_histogram.error().message.find("http_req_waiting"), std::string::npos);

  json = results_to_json(testing::make_fixture());
  json["run"]["workload"]["vus"] = "ten";
  auto wrong_type = results_from_json(json);
  ASSERT_FALSE(wrong_type);
  EXPECT_NE(wrong_type.error().message.find("malformed results file"), std::string::npos);
}

TEST(ResultsJsonTest, ReadsAFileMissingOptionalSections) {
  auto json = results_to_json(testing::make_fixture());
  for (const char* key : {"thresholds", "checks", "names", "intervals", "series", "health"}) {
    json.erase(key);
  }
  auto read = results_from_json(json);
  ASSERT_TRUE(read) << read.error().describe();
  EXPECT_TRUE(read->thresholds.empty());
  EXPECT_TRUE(read->run.series.empty());
  EXPECT_EQ(read->run.totals.http_reqs, 2000);
}

TEST(ResultsDocumentTest, LiveDocumentDescribesThisMachine) {
  results::RunResult run;
  run.meta.version = "0.1.0";
  const ResultsDocument doc = make_document(run);
  char host[256] = {};
  ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
  EXPECT_EQ(doc.environment.host, host);
  EXPECT_EQ(doc.environment.cores, static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN)));
  EXPECT_EQ(doc.environment.os.rfind("Linux ", 0), 0u);
  EXPECT_GT(doc.environment.end_unix_nanos, 1'700'000'000'000'000'000);
  // Inside a git work tree (the tests run from the build tree of a checkout) or not at all.
  const auto& commit = doc.environment.git_commit;
  EXPECT_TRUE(commit.empty() || (commit.size() == 40 &&
                                 commit.find_first_not_of("0123456789abcdef") == std::string::npos))
      << commit;
}

}  // namespace
}  // namespace perfgate::report
