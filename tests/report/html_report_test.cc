// The HTML report as a file: self-contained, every marker filled, the data HTML-safe. The
// browser test (report_browser_test.cc) checks what it draws.
#include "report/html_report.h"

#include <gtest/gtest.h>

#include "fixture.h"
#include "report/report_assets.h"

namespace perfgate::report {
namespace {

TEST(HtmlReportTest, IsSelfContained) {
  const std::string html = format_html_report(testing::make_fixture());
  EXPECT_EQ(html.find("@PERFGATE_"), std::string::npos);  // every marker filled
  EXPECT_NE(html.find(assets::kUplotJs.substr(0, 200)), std::string::npos);
  for (const char* remote : {"src=\"http", "href=\"http", "src=\"//", "@import", "url(http"}) {
    EXPECT_EQ(html.find(remote), std::string::npos) << remote;
  }
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
}

TEST(HtmlReportTest, DataCannotCloseItsScriptElement) {
  const std::string html = format_html_report(testing::make_fixture());
  // The fixture's request name holds "</script>"; the page has exactly its own three.
  size_t closes = 0;
  for (size_t at = html.find("</script"); at != std::string::npos;
       at = html.find("</script", at + 1)) {
    ++closes;
  }
  EXPECT_EQ(closes, 3u);
  EXPECT_NE(html.find("\\u003c/script\\u003e"), std::string::npos);
  EXPECT_EQ(html_safe_json(nlohmann::json{{"a", "x</script><!--&"}}),
            R"({"a":"x\u003c/script\u003e\u003c!--\u0026"})");
  EXPECT_EQ(html_safe_json(nlohmann::json("\xE2\x80\xA8")), R"("\u2028")");
}

TEST(HtmlReportTest, SpectrumCoversTheTailUpToTheMaximum) {
  const ResultsDocument doc = testing::make_fixture();
  const auto spectrum = percentile_spectrum(doc);
  const auto& x = spectrum["x"];
  ASSERT_GE(x.size(), 30u);  // 2000 samples: 1/(1-p) up to ~2000, ten points a decade
  EXPECT_EQ(x[0], 1.0);
  EXPECT_GT(x.back().get<double>(), 2000.0);
  const auto& corrected = spectrum["series"]["http_req_duration"];
  const auto& uncorrected = spectrum["series"]["http_req_duration_uncorrected"];
  ASSERT_EQ(corrected.size(), x.size());
  EXPECT_EQ(corrected.back(), doc.run.totals.trend(results::Trend::kDuration).max());
  for (size_t i = 1; i < corrected.size(); ++i) EXPECT_GE(corrected[i], corrected[i - 1]);
  EXPECT_LT(uncorrected[10], corrected[10]);  // p90: uncorrected is 0.9x in the fixture

  ResultsDocument closed = doc;
  closed.run.meta.model = results::Model::kClosed;
  EXPECT_FALSE(percentile_spectrum(closed)["series"].contains("http_req_duration_uncorrected"));
}

}  // namespace
}  // namespace perfgate::report
