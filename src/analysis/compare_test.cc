#include "analysis/compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "analysis/compare_report.h"
#include "core/escape.h"
#include "core/text_format.h"

namespace perfgate::analysis {
namespace {

Metric with_samples(const std::string& name, std::vector<double> samples,
                    Direction direction = Direction::kLowerIsBetter) {
  Metric m{.name = name, .stat = "time", .unit = "ms", .direction = direction};
  m.samples = std::move(samples);
  m.value = m.samples.empty() ? 0 : m.samples.front();
  return m;
}

std::vector<double> noisy(std::mt19937_64& rng, size_t n, double center, double sd) {
  std::normal_distribution<double> d(center, sd);
  std::vector<double> out(n);
  for (double& x : out) x = d(rng);
  return out;
}

MetricTable set_of(std::vector<Metric> metrics) {
  MetricTable s;
  s.metrics = std::move(metrics);
  return s;
}

const MetricComparison& only(const Comparison& c) { return c.metrics.at(0); }

TEST(Compare, SignificantShiftBeyondNoiseIsARegressionWithSeverity) {
  std::mt19937_64 rng(1);
  auto c = compare(set_of({with_samples("op", noisy(rng, 30, 100, 3))}),
                   set_of({with_samples("op", noisy(rng, 30, 130, 3))}), {});
  ASSERT_TRUE(c);
  const auto& m = only(*c);
  EXPECT_EQ(m.verdict, Verdict::kRegression);
  EXPECT_EQ(m.severity, Severity::kMajor);  // ~ +30%
  EXPECT_EQ(m.method, Method::kDistribution);
  EXPECT_LT(*m.p_value, 0.05);
  EXPECT_GT(*m.ci_lower, 1.05);
  EXPECT_EQ(c->worst_regression(), Severity::kMajor);
}

TEST(Compare, SignificantButWithinNoiseIsNoChange) {
  std::mt19937_64 rng(2);
  // A 2% shift with tiny noise: significant, but inside the 5% noise threshold.
  auto c = compare(set_of({with_samples("op", noisy(rng, 200, 100, 0.5))}),
                   set_of({with_samples("op", noisy(rng, 200, 102, 0.5))}), {});
  ASSERT_TRUE(c);
  EXPECT_EQ(only(*c).verdict, Verdict::kNoChange);
  EXPECT_LT(*only(*c).p_value, 0.05);
  EXPECT_NE(only(*c).reason.find("noise"), std::string::npos);
}

TEST(Compare, LargeButNotSignificantIsNoChange) {
  // 3 vs 3 can never give p < 0.05, so even +50% is insufficient data / not a verdict.
  auto c = compare(set_of({with_samples("op", {10, 11, 12})}),
                   set_of({with_samples("op", {15, 16, 17})}), {});
  ASSERT_TRUE(c);
  EXPECT_EQ(only(*c).verdict, Verdict::kInsufficientData);
}

TEST(Compare, HigherIsBetterDropIsARegression) {
  std::mt19937_64 rng(3);
  auto c = compare(
      set_of({with_samples("rps", noisy(rng, 20, 1000, 10), Direction::kHigherIsBetter)}),
      set_of({with_samples("rps", noisy(rng, 20, 400, 10), Direction::kHigherIsBetter)}), {});
  ASSERT_TRUE(c);
  EXPECT_EQ(only(*c).verdict, Verdict::kRegression);
  EXPECT_EQ(only(*c).severity, Severity::kCritical);  // -60%
}

TEST(Compare, TailPercentileNeedsEnoughSamples) {
  std::mt19937_64 rng(4);
  CompareOptions o;
  o.stat = "p99";
  auto few = compare(set_of({with_samples("op", noisy(rng, 100, 100, 5))}),
                     set_of({with_samples("op", noisy(rng, 100, 200, 5))}), o);
  ASSERT_TRUE(few);
  EXPECT_EQ(only(*few).verdict, Verdict::kInsufficientData);
  EXPECT_NE(only(*few).reason.find("400"), std::string::npos);
  auto enough = compare(set_of({with_samples("op", noisy(rng, 500, 100, 5))}),
                        set_of({with_samples("op", noisy(rng, 500, 200, 5))}), o);
  EXPECT_EQ(only(*enough).verdict, Verdict::kRegression);
}

TEST(Compare, SingleValuesFallBackToThresholdAndSaySo) {
  Metric base{.name = "lcp", .unit = "ms", .value = 1000};
  Metric cur = base;
  cur.value = 1120;
  auto c = compare(set_of({base}), set_of({cur}), {});
  ASSERT_TRUE(c);
  EXPECT_EQ(only(*c).verdict, Verdict::kRegression);
  EXPECT_EQ(only(*c).severity, Severity::kMinor);
  EXPECT_EQ(only(*c).method, Method::kSingleValue);
  EXPECT_NE(only(*c).reason.find("single values"), std::string::npos);
  cur.value = 1030;
  EXPECT_EQ(only(*compare(set_of({base}), set_of({cur}), {})).verdict, Verdict::kNoChange);
}

TEST(Compare, CountsThatGrowWithTheRunAreOnlyJudgedWhenAskedFor) {
  const Metric reqs{.name = "http_reqs", .stat = "count", .value = 1000};
  const Metric rate{.name = "http_reqs",
                    .stat = "rate",
                    .unit = "/s",
                    .direction = Direction::kHigherIsBetter,
                    .value = 100};
  const Metric failed_total{.name = "http_req_failed", .stat = "total", .value = 1000};
  const Metric vus{.name = "vus", .stat = "max", .value = 10};
  auto twice = [](Metric m) {
    m.value *= 2;
    return m;
  };
  const MetricTable base = set_of({reqs, rate, failed_total, vus});
  const MetricTable cur = set_of({twice(reqs), rate, twice(failed_total), twice(vus)});
  auto by_default = compare(base, cur, {});
  ASSERT_TRUE(by_default);
  ASSERT_EQ(by_default->metrics.size(), 1u);
  EXPECT_EQ(only(*by_default).key, "http_reqs rate");
  EXPECT_EQ(by_default->left_out, 3);
  EXPECT_NE(compare_to_table(*by_default, Severity::kMajor).find("3 more not judged by default"),
            std::string::npos);
  CompareOptions all;
  all.all = true;
  auto everything = compare(base, cur, all);
  EXPECT_EQ(everything->metrics.size(), 4u);
  EXPECT_EQ(everything->left_out, 0);
  CompareOptions named;
  named.metric_filters = {"http_req_failed"};
  auto filtered = compare(base, cur, named);
  ASSERT_EQ(filtered->metrics.size(), 1u);
  EXPECT_EQ(only(*filtered).verdict, Verdict::kRegression) << "a filter that names it judges it";
}

TEST(Compare, HistogramsCompareTheirOwnPercentile) {
  std::mt19937_64 rng(5);
  std::lognormal_distribution<double> d(std::log(10000.0), 0.3);  // p95 ~16 ms
  auto make = [&](double scale) {
    auto h = std::make_shared<HdrHistogram>(HdrHistogram::for_latency_micros());
    for (int i = 0; i < 50000; ++i) h->record(static_cast<int64_t>(scale * d(rng)));
    Metric m{.name = "http_req_duration", .stat = "p(95)", .unit = "ms"};
    m.histogram = h;
    m.histogram_scale = 0.001;
    m.value = h->value_at_percentile(95) * 0.001;
    return m;
  };
  auto same = compare(set_of({make(1.0)}), set_of({make(1.0)}), {});
  EXPECT_EQ(only(*same).verdict, Verdict::kNoChange);
  EXPECT_EQ(only(*same).statistic, "p(95)");
  auto worse = compare(set_of({make(1.0)}), set_of({make(1.2)}), {});
  EXPECT_EQ(only(*worse).verdict, Verdict::kRegression);
  EXPECT_EQ(only(*worse).severity, Severity::kMinor);
  EXPECT_EQ(only(*worse).baseline_count, 50000);
}

TEST(Compare, MissingMetricsAreListedNotJudged) {
  Metric a{.name = "a", .value = 1}, b{.name = "b", .value = 1};
  auto c = compare(set_of({a}), set_of({b}), {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->count(Verdict::kMissing), 2);
  EXPECT_EQ(c->worst_regression(), Severity::kNone);
}

TEST(Compare, CombinedRunsTurnValuesIntoSamples) {
  std::vector<MetricTable> runs;
  for (double v : {10.0, 11.0, 12.0, 13.0}) {
    runs.push_back(set_of({Metric{.name = "p95", .unit = "ms", .value = v}}));
    runs.back().source = "run" + std::to_string(static_cast<int>(v));
  }
  const MetricTable combined = combine_runs(runs);
  ASSERT_EQ(combined.metrics.size(), 1u);
  EXPECT_EQ(combined.metrics[0].samples.size(), 4u);
  EXPECT_DOUBLE_EQ(combined.metrics[0].value, 11.5);
  EXPECT_EQ(combined.source, "run10, run11, run12, run13");
}

TEST(Compare, UnknownStatisticIsAnError) {
  CompareOptions o;
  o.stat = "p(abc)";
  EXPECT_FALSE(compare({}, {}, o));
}

TEST(CompareReport, RenderingsCarryVerdictsAndEscape) {
  Metric base{.name = "a<b>|c", .unit = "ms", .value = 100};
  Metric cur = base;
  cur.value = 200;
  auto c = compare(set_of({base}), set_of({cur}), {});
  ASSERT_TRUE(c);
  EXPECT_NE(compare_to_table(*c, Severity::kMajor).find("regression (critical) FAIL"),
            std::string::npos);
  const std::string junit = compare_to_junit(*c, Severity::kMajor);
  EXPECT_NE(junit.find("failures=\"1\""), std::string::npos);
  EXPECT_NE(junit.find("a&lt;b&gt;|c"), std::string::npos);
  EXPECT_NE(compare_to_markdown(*c, Severity::kMajor).find("a&lt;b&gt;\\|c"), std::string::npos);
  Metric link{.name = "[x](http://evil) \x1b]0;title\x07", .unit = "ms", .value = 1};
  auto l = compare(set_of({link}), set_of({link}), {});
  ASSERT_TRUE(l);
  EXPECT_NE(compare_to_markdown(*l, Severity::kMajor).find("\\[x\\](http"), std::string::npos);
  EXPECT_EQ(compare_to_table(*l, Severity::kMajor).find('\x1b'), std::string::npos);
  auto json = nlohmann::json::parse(compare_to_json(*c, Severity::kMajor));
  EXPECT_EQ(json["metrics"][0]["verdict"], "regression");
  EXPECT_EQ(json["summary"]["failed"], true);
  EXPECT_EQ(nlohmann::json::parse(compare_to_json(*c, Severity::kCritical))["summary"]["failed"],
            true);
}

Metric latency(const std::string& name, const std::string& stat, double ms) {
  return Metric{.name = name, .stat = stat, .unit = "ms", .value = ms};
}

TEST(Compare, LoadTestsJudgeWhatATeamGatesOnByDefault) {
  MetricTable base = set_of({
      latency("http_req_duration", "med", 10),
      latency("http_req_duration", "p(95)", 20),
      latency("http_req_duration", "p(99)", 30),
      latency("http_req_duration", "min", 1),
      latency("http_req_duration", "max", 90),
      latency("http_req_duration", "avg", 11),
      latency("http_req_duration{name:login}", "p(95)", 25),
      latency("http_req_waiting", "p(95)", 18),
      latency("http_req_blocked", "min", 0.01),
      latency("schedule_lag", "med", 0.05),
      Metric{.name = "http_req_failed", .stat = "value", .unit = "ratio", .value = 0.01},
      Metric{.name = "http_reqs",
             .stat = "rate",
             .unit = "/s",
             .direction = Direction::kHigherIsBetter,
             .value = 100},
      Metric{.name = "checks",
             .stat = "value",
             .unit = "ratio",
             .direction = Direction::kHigherIsBetter,
             .value = 1},
      Metric{.name = "vus", .stat = "max", .value = 10},
  });
  base.format = "perfgate";
  MetricTable cur = base;
  for (Metric& m : cur.metrics) m.value *= 3;  // everything "regresses"
  auto c = compare(base, cur, {});
  ASSERT_TRUE(c);
  std::vector<std::string> keys;
  for (const auto& m : c->metrics) keys.push_back(m.key);
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "http_req_duration med", "http_req_duration p(95)", "http_req_duration p(99)",
                      "http_req_duration{name:login} p(95)", "http_req_failed value",
                      "http_reqs rate", "checks value"}));
  EXPECT_EQ(c->left_out, 7);
  CompareOptions all;
  all.all = true;
  EXPECT_EQ(compare(base, cur, all)->metrics.size(), base.metrics.size());
  CompareOptions named;
  named.metric_filters = {"schedule_lag"};
  EXPECT_EQ(compare(base, cur, named)->metrics.size(), 1u) << "a filter judges what it names";
}

TEST(Compare, ChangesWithinTheUnitsNoiseFloorAreNoChange) {
  // 20 µs on a 0.1 ms latency: +20%, with samples that make it significant - but not a regression.
  std::mt19937_64 rng(3);
  auto as_ms = [](std::vector<double> v) {
    for (double& x : v) x /= 1000;
    return v;
  };
  MetricTable base = set_of({with_samples("http_req_duration", as_ms(noisy(rng, 200, 100, 1)))});
  MetricTable cur = set_of({with_samples("http_req_duration", as_ms(noisy(rng, 200, 120, 1)))});
  base.format = cur.format = "k6";
  CompareOptions everything;
  everything.all = true;
  auto floored = compare(base, cur, everything);
  ASSERT_TRUE(floored);
  EXPECT_EQ(only(*floored).verdict, Verdict::kNoChange);
  EXPECT_DOUBLE_EQ(only(*floored).noise_floor, 1.0);
  EXPECT_NE(only(*floored).reason.find("noise floor"), std::string::npos) << only(*floored).reason;
  everything.noise_floors["ms"] = 0;
  EXPECT_EQ(only(*compare(base, cur, everything)).verdict, Verdict::kRegression);
  base.format = cur.format = "gbench";  // micro-benchmarks: no default floor
  everything.noise_floors.clear();
  EXPECT_EQ(only(*compare(base, cur, everything)).verdict, Verdict::kRegression);
}

TEST(Compare, SingleValuesWithoutANoiseEstimateAreNotJudged) {
  Metric user{.name = "sleep 0.1", .stat = "user", .unit = "s", .value = 0.001};
  user.needs_samples = true;
  Metric twice = user;
  twice.value = 0.002;
  auto c = compare(set_of({user}), set_of({twice}), {});
  ASSERT_TRUE(c);
  EXPECT_EQ(only(*c).verdict, Verdict::kInsufficientData);
  EXPECT_EQ(c->worst_regression(), Severity::kNone);
}

TEST(NoiseFloors, DefaultsOverridesAndParsing) {
  NoiseFloors overrides;
  EXPECT_DOUBLE_EQ(noise_floor("ms", "perfgate", overrides), 1.0);
  EXPECT_DOUBLE_EQ(noise_floor("s", "hyperfine", overrides), 0.001);
  EXPECT_DOUBLE_EQ(noise_floor("ns", "gbench", overrides), 0);
  EXPECT_DOUBLE_EQ(noise_floor("ms", "gbench", overrides), 0);
  ASSERT_TRUE(parse_noise_floor("ms=0.25", overrides));
  ASSERT_TRUE(parse_noise_floor("/s=5", overrides));
  EXPECT_DOUBLE_EQ(noise_floor("ms", "gbench", overrides), 0.25);
  EXPECT_DOUBLE_EQ(noise_floor("/s", "k6", overrides), 5);
  for (const char* bad : {"ms", "=1", "ms=", "ms=-1", "ms=fast"}) {
    EXPECT_FALSE(parse_noise_floor(bad, overrides)) << bad;
  }
}

TEST(CompareReport, TableFitsAHundredColumns) {
  Metric base =
      latency("http_req_duration{name:GET /api/v1/organisations/{org}/projects/{project}/members}",
              "p(95)", 100);
  Metric cur = base;
  cur.value = 180;
  auto c = compare(set_of({base}), set_of({cur}), {});
  ASSERT_TRUE(c);
  const std::string table = compare_to_table(*c, Severity::kMajor);
  size_t start = 0;
  while (start < table.size()) {
    const size_t end = table.find('\n', start);
    const std::string line = table.substr(start, end - start);
    if (line.rfind("baseline:", 0) != 0 && line.rfind("current:", 0) != 0) {
      EXPECT_LE(line.size(), 100u) << line;
    }
    start = end + 1;
  }
  EXPECT_NE(table.find("regression (critical) FAIL"), std::string::npos) << table;
}

}  // namespace
}  // namespace perfgate::analysis

namespace perfgate::analysis {
namespace {

TEST(FormatValue, LargeNumbersKeepTheirDigitsRatherThanAnExponent) {
  EXPECT_EQ(format_value(123456, "ms"), "123456 ms");
  EXPECT_EQ(format_value(-250000, ""), "-250000");
  EXPECT_EQ(format_value(1234567.4, "bytes"), "1234567 bytes");
  EXPECT_EQ(format_value(9999, ""), "9999");
  EXPECT_EQ(format_value(12.5, "ms"), "12.5 ms");
  EXPECT_EQ(format_value(0.25, ""), "0.25");
  EXPECT_EQ(format_value(NAN, ""), "n/a");
}

}  // namespace
}  // namespace perfgate::analysis
