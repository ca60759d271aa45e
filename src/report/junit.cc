#include "report/junit.h"

#include <fmt/format.h>

#include <ctime>

#include "core/text_format.h"

namespace perfgate::report {
namespace {

// JUnit's timestamp: ISO 8601 without a zone (the schema's xs:dateTime as Ant writes it), UTC.
std::string junit_timestamp(int64_t unix_nanos) {
  const time_t secs = static_cast<time_t>(unix_nanos / 1'000'000'000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// Suite attributes every consumer reads; strict ones (the Ant schema) require all of them.
std::string suite_open(const ResultsDocument& doc, std::string_view name, size_t tests,
                       int failures, double time_s, int skipped = 0) {
  const std::string host = doc.environment.host.empty() ? "localhost" : doc.environment.host;
  return fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
      "time=\"{:.3f}\" timestamp=\"{}\" hostname=\"{}\">\n",
      name, tests, failures, skipped, time_s, junit_timestamp(doc.run.meta.start_unix_nanos),
      xml_escape(host));
}

// Thresholds and checks are judged over the whole run: each case's time is the run's.
std::string threshold_case(const ThresholdOutcome& t, double time_s) {
  std::string out = fmt::format(
      "    <testcase classname=\"perfgate.thresholds.{}\" name=\"{}\" time=\"{:.3f}\">\n",
      xml_escape(t.metric), xml_escape(t.expression), time_s);
  if (t.no_data) {
    out += t.passed
               ? "      <skipped message=\"no data\"/>\n"
               : fmt::format(
                     "      <failure type=\"threshold\" message=\"{0} {1}: no data\">threshold "
                     "{0} {1} had no data (strict thresholds)</failure>\n",
                     xml_escape(t.metric), xml_escape(t.expression));
  } else if (!t.passed) {
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

std::string check_case(const CheckOutcome& c, double time_s) {
  std::string out =
      fmt::format("    <testcase classname=\"perfgate.checks\" name=\"{}\" time=\"{:.3f}\">\n",
                  xml_escape(c.label()), time_s);
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
  int threshold_failures = 0, check_failures = 0, no_data = 0;
  for (const auto& t : doc.thresholds) threshold_failures += t.passed ? 0 : 1;
  for (const auto& t : doc.thresholds) no_data += t.passed && t.no_data ? 1 : 0;
  for (const auto& c : doc.checks) check_failures += c.fails > 0 ? 1 : 0;
  const size_t tests = doc.thresholds.size() + doc.checks.size();
  const double time_s = doc.run.elapsed_seconds();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out +=
      fmt::format("<testsuites name=\"perfgate\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n",
                  tests, threshold_failures + check_failures, time_s);
  out += suite_open(doc, "thresholds", doc.thresholds.size(), threshold_failures, time_s, no_data);
  for (const auto& t : doc.thresholds) out += threshold_case(t, time_s);
  out += "  </testsuite>\n";
  out += suite_open(doc, "checks", doc.checks.size(), check_failures, time_s);
  for (const auto& c : doc.checks) out += check_case(c, time_s);
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace perfgate::report
