#include "plan/threshold.h"

#include <gtest/gtest.h>

#include "plan/metric_samples.h"

namespace perfgate::plan {
namespace {

ThresholdExpression parse(std::string_view text) {
  auto e = parse_threshold_expression(text);
  EXPECT_TRUE(e.has_value()) << text << ": " << (e ? "" : e.error().describe());
  return e ? *e : ThresholdExpression{};
}

TEST(ThresholdParse, AllAggregationsAndOperators) {
  struct Case {
    const char* text;
    Aggregation aggregation;
    double percentile;
    CompareOp comparison;
    double bound;
  };
  const Case cases[] = {
      {"p(95)<200", Aggregation::kPercentile, 95, CompareOp::kLess, 200},
      {"p(99.9) <= 250", Aggregation::kPercentile, 99.9, CompareOp::kLessEqual, 250},
      {"rate<0.01", Aggregation::kRate, 0, CompareOp::kLess, 0.01},
      {"count>100", Aggregation::kCount, 0, CompareOp::kGreater, 100},
      {"avg>=1.5", Aggregation::kAvg, 0, CompareOp::kGreaterEqual, 1.5},
      {"min==0", Aggregation::kMin, 0, CompareOp::kEqual, 0},
      {"max===3", Aggregation::kMax, 0, CompareOp::kEqual, 3},
      {"med!=7", Aggregation::kMed, 0, CompareOp::kNotEqual, 7},
      {" value < -2 ", Aggregation::kValue, 0, CompareOp::kLess, -2},
      {"p(90)<200ms", Aggregation::kPercentile, 90, CompareOp::kLess, 200},
      {"avg<1.5s", Aggregation::kAvg, 0, CompareOp::kLess, 1500},
      {"max<512MB", Aggregation::kMax, 0, CompareOp::kLess, 512e6},
      {"max<=1GiB", Aggregation::kMax, 0, CompareOp::kLessEqual, 1073741824.0},
  };
  for (const Case& c : cases) {
    const ThresholdExpression e = parse(c.text);
    EXPECT_EQ(e.aggregation, c.aggregation) << c.text;
    EXPECT_DOUBLE_EQ(e.percentile, c.percentile) << c.text;
    EXPECT_EQ(e.comparison, c.comparison) << c.text;
    EXPECT_DOUBLE_EQ(e.bound, c.bound) << c.text;
  }
}

TEST(ThresholdParse, OperatorsCompare) {
  EXPECT_TRUE(parse("avg<2").holds(1.9));
  EXPECT_FALSE(parse("avg<2").holds(2));
  EXPECT_TRUE(parse("avg<=2").holds(2));
  EXPECT_TRUE(parse("avg>2").holds(2.1));
  EXPECT_FALSE(parse("avg>2").holds(2));
  EXPECT_TRUE(parse("avg>=2").holds(2));
  EXPECT_TRUE(parse("avg==2").holds(2));
  EXPECT_FALSE(parse("avg!=2").holds(2));
}

TEST(ThresholdParse, RejectsBadExpressions) {
  for (const char* text : {"", "p95<200", "p(101)<1", "p(-1)<1", "p(abc)<1", "p(95<1", "avg 200",
                           "avg<", "foo<1", "avg<abc", "avg=>2", "<200", "avg<200 ms extra"}) {
    auto e = parse_threshold_expression(text);
    EXPECT_FALSE(e.has_value()) << text;
    if (!e) {
      EXPECT_FALSE(e.error().hint.empty()) << text;
    }
  }
  EXPECT_EQ(parse_threshold_expression("foo<1").error().message,
            "invalid threshold expression \"foo<1\": unknown aggregation \"foo\"; expected count, "
            "rate, avg, min, max, med, value or p(N)");
}

TEST(MetricSelectorParse, NamesAndTags) {
  auto plain = parse_metric_selector("http_req_duration");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->name, "http_req_duration");
  EXPECT_TRUE(plain->tags.empty());
  auto tagged = parse_metric_selector("http_req_duration{name:login, method:POST}");
  ASSERT_TRUE(tagged);
  ASSERT_EQ(tagged->tags.size(), 2u);
  EXPECT_EQ(tagged->tags[1], (std::pair<std::string, std::string>{"method", "POST"}));
  EXPECT_EQ(tagged->key(), "http_req_duration{name:login,method:POST}");
  auto url = parse_metric_selector("http_req_duration{url:http://x/y}");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->tags[0].second, "http://x/y");
  EXPECT_TRUE(parse_metric_selector("sut_cpu_percent{host:db-1}"));
  for (const char* bad : {"", "{a:b}", "x{}", "x{a}", "x{a:}", "x{a:b", "x{a:b,}", "bad name"}) {
    EXPECT_FALSE(parse_metric_selector(bad)) << bad;
  }
}

TEST(MetricSelectorParse, QuotedValuesHoldSeparators) {
  auto quoted = parse_metric_selector(
      R"(checks{check:"status in [200,201]", name : "log:in {v2}" ,group:::shop})");
  ASSERT_TRUE(quoted) << quoted.error().message;
  ASSERT_EQ(quoted->tags.size(), 3u);
  EXPECT_EQ(quoted->tags[0].second, "status in [200,201]");
  EXPECT_EQ(quoted->tags[1].second, "log:in {v2}");
  EXPECT_EQ(quoted->tags[2].second, "::shop");
  // The canonical key quotes only what needs it, and reads back the same.
  EXPECT_EQ(quoted->key(),
            R"(checks{check:"status in [200,201]",name:"log:in {v2}",group:::shop})");
  auto again = parse_metric_selector(quoted->key());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->tags, quoted->tags);
  auto escaped = parse_metric_selector(R"(x{name:"say \"hi\" \\o/"})");
  ASSERT_TRUE(escaped);
  EXPECT_EQ(escaped->tags[0].second, R"(say "hi" \o/)");
  EXPECT_EQ(parse_metric_selector(R"(x{name:"login"})")->key(), "x{name:login}");
  EXPECT_EQ(parse_metric_selector(R"(x{name:" padded "})")->tags[0].second, " padded ");
  for (const char* bad : {R"(x{a:"open})", R"(x{a:"b"c})", R"(x{a:"b",})"}) {
    EXPECT_FALSE(parse_metric_selector(bad)) << bad;
  }
}

TEST(MetricTypes, BuiltinsAndApplicableAggregations) {
  EXPECT_EQ(builtin_metric_type("http_req_duration"), MetricType::kTrend);
  EXPECT_EQ(builtin_metric_type("http_req_failed"), MetricType::kRate);
  EXPECT_EQ(builtin_metric_type("http_reqs"), MetricType::kCounter);
  EXPECT_EQ(builtin_metric_type("vus"), MetricType::kGauge);
  EXPECT_EQ(builtin_metric_type("sut_rss_bytes"), MetricType::kAny);
  EXPECT_FALSE(builtin_metric_type("http_req_duraton"));
  EXPECT_TRUE(aggregation_applies(MetricType::kTrend, Aggregation::kPercentile));
  EXPECT_FALSE(aggregation_applies(MetricType::kTrend, Aggregation::kRate));
  EXPECT_TRUE(aggregation_applies(MetricType::kRate, Aggregation::kRate));
  EXPECT_FALSE(aggregation_applies(MetricType::kRate, Aggregation::kPercentile));
  EXPECT_TRUE(aggregation_applies(MetricType::kCounter, Aggregation::kCount));
  EXPECT_FALSE(aggregation_applies(MetricType::kCounter, Aggregation::kAvg));
  EXPECT_TRUE(aggregation_applies(MetricType::kGauge, Aggregation::kValue));
  EXPECT_FALSE(aggregation_applies(MetricType::kGauge, Aggregation::kMed));
  EXPECT_TRUE(aggregation_applies(MetricType::kAny, Aggregation::kMed));
}

Threshold threshold(const std::string& metric, const std::string& expression) {
  Threshold t;
  t.metric = *parse_metric_selector(metric);
  t.expression = *parse_threshold_expression(expression);
  return t;
}

class EvaluateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    values_.declare("http_req_duration", MetricType::kTrend);
    values_.declare("http_req_failed", MetricType::kRate);
    values_.declare("http_reqs", MetricType::kCounter);
    values_.declare("vus", MetricType::kGauge);
    for (int i = 1; i <= 100; ++i) {              // 1..100 ms, the last 10 at "login"
      const Nanos at = i * 100 * kNanosPerMilli;  // one every 100 ms over 10 s
      MetricSamples::Tags tags = {{"name", i > 90 ? "login" : "home"}};
      values_.add("http_req_duration", at, i, tags);
      values_.add("http_req_failed", at, i % 20 == 0 ? 1 : 0, tags);
      values_.add("http_reqs", at, 1, tags);
      values_.add("vus", at, i % 7);
    }
  }
  ThresholdOutcome run(const std::string& metric, const std::string& expression,
                       Nanos elapsed = 0) {
    return evaluate(threshold(metric, expression), values_, elapsed);
  }
  MetricSamples values_;
};

TEST_F(EvaluateTest, TrendAggregations) {
  EXPECT_DOUBLE_EQ(run("http_req_duration", "avg<100").observed, 50.5);
  EXPECT_DOUBLE_EQ(run("http_req_duration", "min<100").observed, 1);
  EXPECT_DOUBLE_EQ(run("http_req_duration", "max<100").observed, 100);
  EXPECT_DOUBLE_EQ(run("http_req_duration", "med<100").observed, 50.5);
  EXPECT_DOUBLE_EQ(run("http_req_duration", "p(95)<100").observed, 95.05);
  EXPECT_DOUBLE_EQ(run("http_req_duration", "count>0").observed, 100);
  EXPECT_EQ(run("http_req_duration", "p(95)<95").status, ThresholdStatus::kFail);
  EXPECT_EQ(run("http_req_duration", "p(95)<96").status, ThresholdStatus::kPass);
}

TEST_F(EvaluateTest, RateCounterGauge) {
  EXPECT_DOUBLE_EQ(run("http_req_failed", "rate<0.1").observed, 0.05);
  EXPECT_EQ(run("http_req_failed", "rate<0.01").status, ThresholdStatus::kFail);
  EXPECT_DOUBLE_EQ(run("http_reqs", "count>10").observed, 100);
  EXPECT_DOUBLE_EQ(run("http_reqs", "rate>5").observed, 10);  // 100 over 10 s
  EXPECT_DOUBLE_EQ(run("vus", "value<10").observed, 100 % 7);
  EXPECT_DOUBLE_EQ(run("vus", "max<10").observed, 6);
}

TEST_F(EvaluateTest, TagFilteredSubMetric) {
  EXPECT_DOUBLE_EQ(run("http_req_duration{name:login}", "min>0").observed, 91);
  EXPECT_DOUBLE_EQ(run("http_req_failed{name:login}", "rate<1").observed, 0.1);
  EXPECT_EQ(run("http_req_duration{name:nope}", "p(95)<1").status, ThresholdStatus::kNoData);
}

TEST_F(EvaluateTest, SlidingWindowAndAbort) {
  Threshold t = threshold("http_req_duration", "avg<60");
  EXPECT_EQ(evaluate(t, values_, 0).status, ThresholdStatus::kPass);  // 50.5 overall
  t.window = 1 * kNanosPerSecond;  // the last second: samples 90..100
  EXPECT_DOUBLE_EQ(evaluate(t, values_, 0).observed, 95);
  EXPECT_EQ(evaluate(t, values_, 0).status, ThresholdStatus::kFail);
  EXPECT_FALSE(evaluate(t, values_, 0).abort);
  t.abort_on_fail = true;
  t.delay_abort_eval = 5 * kNanosPerSecond;
  EXPECT_FALSE(evaluate(t, values_, 4 * kNanosPerSecond).abort);
  EXPECT_TRUE(evaluate(t, values_, 5 * kNanosPerSecond).abort);
}

}  // namespace
}  // namespace perfgate::plan
