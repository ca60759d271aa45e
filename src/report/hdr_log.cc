#include "report/hdr_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "core/escape.h"
#include "stats/hdr_encoding.h"

namespace perfgate::report {
namespace {

// Java's HistogramLogWriter prints StartTime as seconds with milliseconds and then a date.
std::string header(const ResultsDocument& doc) {
  const int64_t start_ns = doc.run.meta.start_unix_nanos;
  const double start_s = static_cast<double>(start_ns) / kNanosPerSecond;
  const std::time_t secs = static_cast<std::time_t>(start_ns / kNanosPerSecond);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char date[64];
  std::strftime(date, sizeof date, "%a %b %d %H:%M:%S UTC %Y", &tm);
  std::string out = fmt::format("#[Logged with perfgate {}]\n", doc.run.meta.version);
  out += "#[Histogram log format version 1.3]\n";
  out += fmt::format("#[StartTime: {:.3f} (seconds since epoch), {}]\n", start_s, date);
  out += fmt::format("#[BaseTime: {:.3f} (seconds since epoch)]\n", start_s);
  out += "#[Values are microseconds; Interval_Max is in milliseconds]\n";
  out +=
      "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n";
  return out;
}

void append_encoded_line(std::string& out, double start_s, double length_s, std::string_view tag,
                         int64_t max_us, std::string_view encoded) {
  fmt::format_to(std::back_inserter(out), "Tag={},{:.3f},{:.3f},{:.3f},{}\n", hdr_log_tag(tag),
                 start_s, length_s, static_cast<double>(max_us) / 1000.0, encoded);
}

void append_line(std::string& out, double start_s, double length_s, std::string_view tag,
                 const HdrHistogram& h) {
  if (h.count() == 0) return;
  append_encoded_line(out, start_s, length_s, tag, h.max(), encode_compressed_base64(h));
}

// No interval histograms: one interval per tag covering the whole run.
void append_whole_run(std::string& out, const ResultsDocument& doc) {
  const double length = doc.run.elapsed_seconds();
  for (size_t i = 0; i < results::kTrendCount; ++i) {
    append_line(out, 0.0, length, results::kTrendNames[i], doc.run.totals.trends[i]);
  }
  for (const NamedStats& n : doc.names) append_line(out, 0.0, length, "name:" + n.name, n.duration);
}

}  // namespace

std::string hdr_log_tag(std::string_view text) {
  std::string tag = terminal_safe(text);  // log viewers print tags raw
  std::replace_if(
      tag.begin(), tag.end(), [](char c) { return c == ',' || c == ' ' || c == '\r' || c == '\n'; },
      '_');
  return tag;
}

std::string format_hdr_log(const ResultsDocument& doc) {
  std::string out = header(doc);
  if (doc.intervals.empty()) {
    append_whole_run(out, doc);
    return out;
  }
  // When the intervals carry no per-name histograms (a live run keeps http_req_duration per
  // second only), each name gets one whole-run line; it starts at 0, ahead of the intervals.
  // Readers expect lines in time order; keep the document's tag order within an interval.
  const bool names_in_intervals =
      std::any_of(doc.intervals.begin(), doc.intervals.end(),
                  [](const IntervalHistogram& i) { return i.tag.starts_with("name:"); });
  const double length = doc.run.elapsed_seconds();
  for (const NamedStats& n : doc.names) {
    if (!names_in_intervals) append_line(out, 0.0, length, "name:" + n.name, n.duration);
  }
  std::vector<const IntervalHistogram*> ordered;
  for (const IntervalHistogram& i : doc.intervals) ordered.push_back(&i);
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) {
    return a->start_seconds < b->start_seconds;
  });
  for (const IntervalHistogram* i : ordered) {
    append_encoded_line(out, i->start_seconds, i->length_seconds, i->tag, i->max_us, i->histogram);
  }
  return out;
}

}  // namespace perfgate::report
