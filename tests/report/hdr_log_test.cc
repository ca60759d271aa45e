// The HdrHistogram interval log: its lines decode back to the recorded histograms (with our
// decoder), and hdr-histogram-js — an independent implementation — reads the same counts and
// percentiles from the file (interop).
#include "report/hdr_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/atomic_file.h"
#include "fixture.h"
#include "stats/hdr_encoding.h"
#include "test_util.h"

namespace perfgate::report {
namespace {

std::vector<std::string> data_lines(const std::string& log) {
  std::vector<std::string> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#' && line[0] != '"') lines.push_back(line);
  }
  return lines;
}

TEST(HdrLogTest, TagsCarryNoTerminalSequenceOrSeparator) {
  EXPECT_EQ(hdr_log_tag("name:\x1b[31mGET /a, b\r\n"), "name:\\x1b[31mGET_/a__b\\x0d\\x0a");
}

TEST(HdrLogTest, HeaderFollowsFormat13) {
  const std::string log = format_hdr_log(testing::make_fixture());
  EXPECT_EQ(log.rfind("#[Logged with perfgate 0.1.0]\n#[Histogram log format version 1.3]\n"
                      "#[StartTime: 1763900000.123 (seconds since epoch), Sun Nov 23 12:13:20 "
                      "UTC 2025]\n#[BaseTime: 1763900000.123 (seconds since epoch)]\n",
                      0),
            0u)
      << log;
}

TEST(HdrLogTest, WholeRunLinesDecodeToTheTrends) {
  const ResultsDocument doc = testing::make_fixture();
  const auto lines = data_lines(format_hdr_log(doc));
  // 9 trends (all recorded something) + 2 names.
  ASSERT_EQ(lines.size(), 11u);
  EXPECT_EQ(lines[5].rfind("Tag=http_req_duration,0.000,10.000,250.111,HISTFAAA", 0), 0u)
      << lines[5];
  EXPECT_EQ(lines[10].rfind("Tag=name:POST_/login_<script>alert(1)</script>,", 0), 0u);
  auto decoded = decode_compressed_base64(lines[5].substr(lines[5].rfind(',') + 1));
  ASSERT_TRUE(decoded) << decoded.error().describe();
  const HdrHistogram& original = doc.run.totals.trend(results::Trend::kDuration);
  EXPECT_EQ(decoded->count(), original.count());
  EXPECT_EQ(decoded->value_at_percentile(99), original.value_at_percentile(99));
}

TEST(HdrLogTest, IntervalLinesInTimeOrder) {
  const auto lines = data_lines(format_hdr_log(testing::make_fixture_with_intervals()));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].rfind("Tag=http_req_duration,0.000,5.000,", 0), 0u);
  EXPECT_EQ(lines[1].rfind("Tag=name:GET_/api,0.000,5.000,", 0), 0u);
  EXPECT_EQ(lines[3].rfind("Tag=name:GET_/api,5.000,5.000,", 0), 0u);
}

// A live run keeps http_req_duration per second and per-name histograms for the whole run: the
// names' lines come first (they start at 0), then one line per second.
TEST(HdrLogTest, DurationIntervalsAndWholeRunNameLines) {
  ResultsDocument doc = testing::make_fixture();
  for (int second = 0; second < 3; ++second) {
    HdrHistogram h = HdrHistogram::for_latency_micros();
    h.record(1000 * (second + 1));
    doc.intervals.push_back(
        {1.0 * second, 1.0, "http_req_duration", h.max(), encode_compressed_base64(h)});
  }
  const auto lines = data_lines(format_hdr_log(doc));
  ASSERT_EQ(lines.size(), doc.names.size() + 3);
  for (size_t i = 0; i < doc.names.size(); ++i) {
    EXPECT_EQ(lines[i].rfind("Tag=" + hdr_log_tag("name:" + doc.names[i].name) + ",0.000,", 0), 0u)
        << lines[i];
  }
  EXPECT_EQ(lines[doc.names.size()].rfind("Tag=http_req_duration,0.000,1.000,1.000,HISTFAAA", 0),
            0u);
  // 3000 µs sits in a bucket 2 µs wide: the histogram's max is its highest equivalent, 3001.
  EXPECT_EQ(lines.back().rfind("Tag=http_req_duration,2.000,1.000,3.001,", 0), 0u) << lines.back();
}

// Reads the log with hdr-histogram-js (installed by `npm ci` at build time) and compares.
TEST(HdrLogTest, HdrHistogramJsReadsTheSameCountsAndPercentiles) {
  const ResultsDocument doc = testing::make_fixture_with_intervals();
  const std::string dir = testing::make_temp_dir();
  const std::string path = dir + "/run.hlog";
  ASSERT_TRUE(write_file_atomically(path, format_hdr_log(doc)));
  const auto result = testing::run_command(std::string("NODE_PATH=") + PERFGATE_WEB_NODE_MODULES +
                                           " timeout 30 node " + PERFGATE_SOURCE_DIR +
                                           "/tests/report/hdr_interop.js " + path);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto intervals = nlohmann::json::parse(result.output);
  ASSERT_EQ(intervals.size(), doc.intervals.size());
  for (size_t i = 0; i < intervals.size(); ++i) {
    const auto& js = intervals[i];
    // Lines are written in time order, which is the fixture's order here.
    const IntervalHistogram& expected = doc.intervals[i];
    EXPECT_EQ(js["tag"], hdr_log_tag(expected.tag));
    EXPECT_DOUBLE_EQ(js["start_s"].get<double>(), expected.start_seconds);
    EXPECT_DOUBLE_EQ(js["end_s"].get<double>(), expected.start_seconds + expected.length_seconds);
    const auto decoded = decode_compressed_base64(expected.histogram);
    ASSERT_TRUE(decoded);
    const HdrHistogram& h = *decoded;
    EXPECT_EQ(js["count"], h.count());
    EXPECT_EQ(js["min"], h.min());
    EXPECT_EQ(js["max"], h.max());
    for (const char* p : {"50", "90", "99", "99.9", "100"}) {
      EXPECT_EQ(js["percentiles"][p], h.value_at_percentile(std::stod(p))) << "p" << p;
    }
    EXPECT_NEAR(js["mean"].get<double>(), h.mean(), h.mean() * 1e-9);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace perfgate::report
