// Unit tests: InfluxDB line protocol escaping and the points one second writes, plus the small
// URL / address parsing the outputs do at start-up.
#include "outputs/line_protocol.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "net/address.h"
#include "outputs/exposition.h"
#include "outputs/http_client.h"
#include "outputs/influxdb_points.h"

namespace perfgate::outputs {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(LineProtocolEscaping, MeasurementEscapesCommasAndSpacesOnly) {
  EXPECT_EQ(escape_measurement("http reqs,total=x"), "http\\ reqs\\,total=x");
}

TEST(LineProtocolEscaping, TagsEscapeCommasEqualsAndSpaces) {
  EXPECT_EQ(escape_tag("a b,c=d"), "a\\ b\\,c\\=d");
  EXPECT_EQ(escape_tag("plain_value-1.2"), "plain_value-1.2");
}

TEST(LineProtocolEscaping, LineBreaksBecomeEscapedSpaces) {
  EXPECT_EQ(escape_tag("two\nlines"), "two\\ lines");
  EXPECT_EQ(escape_measurement("a\r\nb"), "a\\ \\ b");
}

TEST(LineProtocolEscaping, StringFieldsQuoteAndEscapeQuotesAndBackslashes) {
  EXPECT_EQ(quote_string_field(R"(say "hi" \ bye)"), R"("say \"hi\" \\ bye")");
}

TEST(LinePoint, FormatsTagsIntegerAndFloatFieldsAndTimestamp) {
  std::string out;
  LinePoint("m")
      .tag("testid", "run 1")
      .tag("empty", "")
      .field("n", int64_t{42})
      .field("x", 1.5)
      .string_field("s", "v")
      .append_to(out, 1700000000000000000);
  EXPECT_EQ(out, "m,testid=run\\ 1 n=42i,x=1.5,s=\"v\" 1700000000000000000\n");
}

TEST(LinePoint, SkipsNonFiniteFloatsAndWritesNothingWithoutFields) {
  std::string out;
  LinePoint("m")
      .field("nan", std::nan(""))
      .field("inf", std::numeric_limits<double>::infinity())
      .append_to(out, 1);
  EXPECT_EQ(out, "");
  LinePoint("m")
      .field("inf", std::numeric_limits<double>::infinity())
      .field("ok", int64_t{1})
      .append_to(out, 1);
  EXPECT_EQ(out, "m ok=1i 1\n");
}

results::MetricSet totals_with(int64_t reqs, int64_t resets, int64_t ok_200, int64_t sent) {
  results::MetricSet m;
  m.http_reqs = reqs;
  m.failed_requests = resets;
  m.errors[static_cast<size_t>(results::ErrorClass::kReset)] = resets;
  m.statuses[0] = resets;
  m.statuses[200] = ok_200;
  m.data_sent = sent;
  m.iterations = reqs;
  return m;
}

TEST(SecondPoints, WritesTheSecondsCountsNotTheRunningTotals) {
  const CounterSnapshot before = CounterSnapshot::of(totals_with(100, 1, 99, 1000));
  const CounterSnapshot after = CounterSnapshot::of(totals_with(250, 4, 246, 2500));
  results::TimeSeriesPoint second;
  second.requests = 150;
  second.errors = 3;
  second.active_vus = 7;
  second.p50_us = 1250;
  second.p99_us = 9000;
  std::string out;
  append_second_points(out, RunInfo{"t 1", "smoke"}, second, after.minus(before), 5);
  EXPECT_THAT(out, HasSubstr("perfgate,testid=t\\ 1,scenario=smoke http_reqs=150i,"
                             "http_req_failed=3i,vus=7i,iterations=150i,"));
  EXPECT_THAT(out, HasSubstr("data_sent=1500i"));
  EXPECT_THAT(out, HasSubstr("http_req_duration_p50=1.25,"));
  EXPECT_THAT(out, HasSubstr("http_req_duration_p99=9,"));
  EXPECT_THAT(out, HasSubstr("perfgate_errors,testid=t\\ 1,scenario=smoke,error_class=reset "
                             "count=3i 5\n"));
  EXPECT_THAT(out, HasSubstr("perfgate_responses,testid=t\\ 1,scenario=smoke,status=200 "
                             "count=147i 5\n"));
  // Classes and statuses without events this second are left out; so is slot 0.
  EXPECT_THAT(out, Not(HasSubstr("connect_refused")));
  EXPECT_THAT(out, Not(HasSubstr("status=0")));
}

TEST(SecondPoints, GaugesBecomeFieldsOfOneMonitorPoint) {
  std::string out;
  append_gauge_points(out, RunInfo{"t", ""}, {{"sut_cpu_percent", 41.5}, {"sut_rss_bytes", 2e6}},
                      9);
  EXPECT_EQ(out, "perfgate_monitor,testid=t sut_cpu_percent=41.5,sut_rss_bytes=2000000 9\n");
  std::string none;
  append_gauge_points(none, RunInfo{"t", ""}, {}, 9);
  EXPECT_EQ(none, "");
}

TEST(SecondPoints, APartOfADistributedRunIsTaggedWithItsInstance) {
  std::string out;
  append_gauge_points(out, RunInfo{"t", "", "part-3"}, {{"sut_cpu_percent", 1}}, 9);
  EXPECT_EQ(out, "perfgate_monitor,testid=t,instance=part-3 sut_cpu_percent=1 9\n");
  const std::string page = format_exposition(RunInfo{"t", "", "part-3"}, {}, {}, {});
  EXPECT_THAT(page, HasSubstr("testid=\"t\",instance=\"part-3\""));
}

TEST(RunTags, OutputsKeepTheRunsOwnTagsButNotTheKeysTheySetThemselves) {
  const std::vector<std::pair<std::string, std::string>> given = {
      {"team", "checkout"}, {"testid", "x"},   {"name", "login"}, {"build.no", "7"},
      {"empty", ""},        {"team", "twice"}, {"9lives", "y"}};
  const auto kept = output_tags(given);
  EXPECT_EQ(kept, (std::vector<std::pair<std::string, std::string>>{
                      {"team", "checkout"}, {"build_no", "7"}, {"_9lives", "y"}}));
  std::vector<std::pair<std::string, std::string>> many;
  for (int i = 0; i < 50; ++i) many.emplace_back(fmt::format("k{}", i), "v");
  EXPECT_EQ(output_tags(many).size(), 32u);
  EXPECT_TRUE(output_tags({{"k", std::string(300, 'v')}}).empty());
}

TEST(RunTags, EveryPointAndSeriesCarriesThem) {
  RunInfo run{"t", ""};
  run.tags = {{"team", "checkout"}};
  std::string out;
  append_gauge_points(out, run, {{"sut_cpu_percent", 1}}, 9);
  EXPECT_EQ(out, "perfgate_monitor,testid=t,team=checkout sut_cpu_percent=1 9\n");
  const std::string page = format_exposition(run, {}, {}, {});
  EXPECT_THAT(page, HasSubstr("perfgate_http_reqs_total{testid=\"t\",team=\"checkout\"} 0"));
}

TEST(EndpointUrlParsing, SplitsHostPortPathAndQuery) {
  auto url = parse_endpoint_url("http://127.0.0.1:8086/write?db=perfgate&u=me");
  ASSERT_TRUE(url) << url.error().describe();
  EXPECT_EQ(url->url.host, "127.0.0.1");
  EXPECT_EQ(url->url.port, 8086);
  EXPECT_EQ(url->path, "/write");
  EXPECT_EQ(url->query, "db=perfgate&u=me");
  EXPECT_EQ(url->url.authority, "127.0.0.1:8086");
  EXPECT_EQ(url->with("/query", "q=x"), "http://127.0.0.1:8086/query?q=x");
  EXPECT_EQ(url->with("/ping", ""), "http://127.0.0.1:8086/ping");
  auto v6 = parse_endpoint_url("http://[::1]/x");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->url.host, "::1");
  EXPECT_EQ(v6->url.port, 80);
  EXPECT_EQ(v6->with(v6->path, v6->query), "http://[::1]/x");
  auto tls = parse_endpoint_url("https://influx.example:8443/write?db=k6");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->with(tls->path, tls->query), "https://influx.example:8443/write?db=k6");
}

TEST(EndpointUrlParsing, RefusesOtherSchemesAndMissingHosts) {
  EXPECT_FALSE(parse_endpoint_url("ftp://127.0.0.1/"));
  EXPECT_FALSE(parse_endpoint_url("http:///write"));
  EXPECT_FALSE(parse_endpoint_url("http://127.0.0.1:99999/"));
}

TEST(QueryParameters, DecodesPercentAndPlus) {
  EXPECT_EQ(query_parameter("db=perf%20gate&u=a+b", "db"), "perf gate");
  EXPECT_EQ(query_parameter("db=perf%20gate&u=a+b", "u"), "a b");
  EXPECT_EQ(query_parameter("db=x", "p"), "");
  EXPECT_EQ(url_encode("CREATE DATABASE \"x\""), "CREATE%20DATABASE%20%22x%22");
}

TEST(HostPortParsing, AcceptsTheUsualForms) {
  auto a = net::parse_host_port("0.0.0.0:9464");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "0.0.0.0");
  EXPECT_EQ(a->port, 9464);
  auto b = net::parse_host_port(":9464");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "127.0.0.1");
  auto c = net::parse_host_port("9464");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "127.0.0.1");
  EXPECT_EQ(c->port, 9464);
  auto d = net::parse_host_port("[::1]:0");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->host, "::1");
  EXPECT_FALSE(net::parse_host_port("127.0.0.1:http"));
  EXPECT_FALSE(net::parse_host_port("127.0.0.1:70000"));
}

}  // namespace
}  // namespace perfgate::outputs
