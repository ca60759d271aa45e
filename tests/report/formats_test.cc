// Golden-file tests of the text formats (JUnit, Markdown, CSV) on the fixture run, plus the
// properties the goldens alone would not pin: escaping, failure counts, output-spec parsing.
#include <gtest/gtest.h>

#include <filesystem>

#include "fixture.h"
#include "report/csv.h"
#include "report/junit.h"
#include "report/markdown.h"
#include "report/outputs.h"
#include "test_util.h"

namespace perfgate::report {
namespace {

using testing::compare_with_golden;
using testing::make_fixture;

TEST(JunitTest, MatchesGolden) {
  EXPECT_EQ(compare_with_golden("junit.xml", format_junit(make_fixture())), "");
}

TEST(JunitTest, FailedThresholdCarriesObservedValueAndCountsFailures) {
  const std::string xml = format_junit(make_fixture());
  EXPECT_NE(xml.find("tests=\"5\" failures=\"2\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("observed 250.111 ms"), std::string::npos);
  EXPECT_NE(xml.find("12 of 2000 failed (0.60%)"), std::string::npos);
  // The check name's markup is escaped, never written raw.
  EXPECT_EQ(xml.find("<token>"), std::string::npos);
  EXPECT_NE(xml.find("body has &lt;token&gt; &amp; &quot;id&quot; | &apos;x&apos;"),
            std::string::npos);
}

TEST(JunitTest, EveryCaseHasATimeAndEverySuiteATimestampAndHost) {
  const std::string xml = format_junit(make_fixture());
  size_t cases = 0, timed = 0;
  for (size_t at = xml.find("<testcase "); at != std::string::npos;
       at = xml.find("<testcase ", at + 1)) {
    ++cases;
    const std::string tag = xml.substr(at, xml.find('>', at) - at);
    timed += tag.find(" time=\"10.000\"") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(cases, 5u);
  EXPECT_EQ(timed, cases) << xml;
  // The fixture run started at 1'763'900'000.123 s after the epoch.
  EXPECT_NE(xml.find("timestamp=\"2025-11-23T12:13:20\" hostname=\"ci-runner-7\""),
            std::string::npos)
      << xml;
}

TEST(JunitTest, AllPassingRunHasNoFailureElements) {
  ResultsDocument doc = make_fixture();
  doc.thresholds[1].passed = true;
  doc.checks[0].fails = 0;
  const std::string xml = format_junit(doc);
  EXPECT_EQ(xml.find("<failure"), std::string::npos);
  EXPECT_NE(xml.find("tests=\"5\" failures=\"0\""), std::string::npos);
}

TEST(XmlEscapeTest, ReplacesCharactersXmlCannotHold) {
  EXPECT_EQ(xml_escape("a\x01z\tq"), "a\xEF\xBF\xBDz\tq");
  EXPECT_EQ(xml_escape("<&>\"'"), "&lt;&amp;&gt;&quot;&apos;");
}

TEST(MarkdownTest, MatchesGolden) {
  EXPECT_EQ(compare_with_golden("summary.md", format_markdown(make_fixture())), "");
}

TEST(MarkdownTest, EscapesTableBreakersAndHtml) {
  const std::string md = format_markdown(make_fixture());
  EXPECT_EQ(md.find("<script>"), std::string::npos);
  EXPECT_NE(md.find("POST /login &lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(md.find("\\| 'x'"), std::string::npos);  // a pipe in a cell would split the row
  EXPECT_EQ(markdown_escape("a|b\nc_d"), "a\\|b c\\_d");
}

TEST(MarkdownTest, VerdictFollowsThresholds) {
  ResultsDocument doc = make_fixture();
  EXPECT_NE(format_markdown(doc).find("❌ failed"), std::string::npos);
  for (auto& t : doc.thresholds) t.passed = true;
  EXPECT_NE(format_markdown(doc).find("✅ passed"), std::string::npos);
  doc.run.interrupted = true;
  EXPECT_NE(format_markdown(doc).find("⚠️ interrupted"), std::string::npos);
}

TEST(CsvTest, MatchesGolden) {
  EXPECT_EQ(compare_with_golden("series.csv", format_csv(make_fixture())), "");
}

TEST(CsvTest, OneRowPerSecondAndRateOverAShortLastInterval) {
  ResultsDocument doc = make_fixture();
  doc.run.series.back().t_seconds = 9.5;  // the run ended half-way through its last second
  doc.run.series.back().requests = 100;
  const std::string csv = format_csv(doc);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 11);  // header + 10 rows
  EXPECT_NE(csv.find("\n9.5,100,200.0,"), std::string::npos) << csv;
}

TEST(OutputSpecTest, ParsesTypesAndChecksPaths) {
  const std::string dir = testing::make_temp_dir();
  auto specs = parse_output_specs({"json=" + dir + "/r.json", "md=" + dir + "/s.md"});
  ASSERT_TRUE(specs) << specs.error().describe();
  ASSERT_EQ(specs->size(), 2u);
  EXPECT_EQ((*specs)[0].type, OutputType::kJson);
  EXPECT_EQ((*specs)[1].type, OutputType::kMarkdown);

  auto unknown = parse_output_specs({"pdf=" + dir + "/r.pdf"});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("unknown output type 'pdf'"), std::string::npos);
  EXPECT_FALSE(parse_output_specs({"json"}));
  auto missing_dir = parse_output_specs({"csv=" + dir + "/no/such/dir/x.csv"});
  ASSERT_FALSE(missing_dir);
  EXPECT_NE(missing_dir.error().message.find("does not exist"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(OutputSpecTest, TypeFromExtension) {
  EXPECT_EQ(output_type_from_path("a/report.html"), OutputType::kHtml);
  EXPECT_EQ(output_type_from_path("junit.xml"), OutputType::kJunit);
  EXPECT_EQ(output_type_from_path("s.md"), OutputType::kMarkdown);
  EXPECT_EQ(output_type_from_path("r.hlog"), OutputType::kHdr);
  EXPECT_EQ(output_type_from_path("x.csv"), OutputType::kCsv);
  EXPECT_FALSE(output_type_from_path("report.pdf"));
  EXPECT_FALSE(output_type_from_path(".html"));
}

TEST(OutputSpecTest, WritesEveryFileAtomically) {
  const std::string dir = testing::make_temp_dir();
  std::vector<OutputSpec> specs;
  for (OutputType t : {OutputType::kJson, OutputType::kHtml, OutputType::kJunit,
                       OutputType::kMarkdown, OutputType::kCsv, OutputType::kHdr}) {
    specs.push_back({t, dir + "/out." + std::string(output_type_name(t))});
  }
  ASSERT_TRUE(write_outputs(make_fixture(), specs));
  for (const auto& s : specs) {
    EXPECT_GT(std::filesystem::file_size(s.path), 100u) << s.path;
  }
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, specs.size());  // no temporary files left behind
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace perfgate::report
