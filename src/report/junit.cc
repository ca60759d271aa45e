#include "report/junit.h"

#include <fmt/format.h>

#include "report/text_format.h"

namespace perfgate::report {
namespace {

std::string threshold_case(const ThresholdOutcome& t) {
  std::string out = fmt::format("    <testcase classname=\"perfgate.thresholds.{}\" name=\"{}\">\n",
                                xml_escape(t.metric), xml_escape(t.expression));
  if (!t.passed) {
    const std::string observed = format_observed(t.observed, t.unit);
    out += fmt::format(
        "      <failure type=\"threshold\" message=\"{0} {1}: observed {2}\">threshold {0} {1} "
        "failed: observed {2}{3}</failure>\n",
        xml_escape(t.metric), xml_escape(t.expression), xml_escape(observed),
        t.abort_on_fail ? " (abortOnFail)" : "");
  } else {
    out += fmt::format("      <system-out>observed {}</system-out>\n",
                       xml_escape(format_observed(t.observed, t.unit)));
  }
  return out + "    </testcase>\n";
}

std::string check_case(const CheckOutcome& c) {
  std::string out =
      fmt::format("    <testcase classname=\"perfgate.checks\" name=\"{}\">\n", xml_escape(c.name));
  const int64_t total = c.passes + c.fails;
  if (c.fails > 0) {
    const std::string text = fmt::format("{} of {} failed ({})", c.fails, total,
                                         format_percent(static_cast<double>(c.fails) / total));
    out +=
        fmt::format("      <failure type=\"check\" message=\"{0}\">check failed: {0}</failure>\n",
                    xml_escape(text));
  } else {
    out += fmt::format("      <system-out>{} of {} passed</system-out>\n", c.passes, total);
  }
  return out + "    </testcase>\n";
}

}  // namespace

std::string format_junit(const ResultsDocument& doc) {
  int threshold_failures = 0, check_failures = 0;
  for (const auto& t : doc.thresholds) threshold_failures += t.passed ? 0 : 1;
  for (const auto& c : doc.checks) check_failures += c.fails > 0 ? 1 : 0;
  const size_t tests = doc.thresholds.size() + doc.checks.size();
  const double time_s = doc.run.elapsed_seconds();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out +=
      fmt::format("<testsuites name=\"perfgate\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n",
                  tests, threshold_failures + check_failures, time_s);
  out += fmt::format(
      "  <testsuite name=\"thresholds\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
      "time=\"{:.3f}\">\n",
      doc.thresholds.size(), threshold_failures, time_s);
  for (const auto& t : doc.thresholds) out += threshold_case(t);
  out += "  </testsuite>\n";
  out += fmt::format(
      "  <testsuite name=\"checks\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3f}\">\n",
      doc.checks.size(), check_failures, time_s);
  for (const auto& c : doc.checks) out += check_case(c);
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace perfgate::report
