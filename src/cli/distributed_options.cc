// --execution-segment, --execution-segment-sequence, --start-at, --instance; see
// distributed_options.h.
#include "cli/distributed_options.h"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

#include "core/units.h"

namespace perfgate::cli {
namespace {

constexpr std::int64_t kMaxStartDelayNs = 7LL * 24 * 3600 * kNanosPerSecond;

bool digits(std::string_view s, size_t at, size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

Result<std::int64_t> parse_start(std::string_view text, std::int64_t now) {
  if (text.find('T') != std::string_view::npos) return parse_utc_time(text);
  auto delay = parse_duration(text);
  if (!delay) {
    return make_error(fmt::format("--start-at \"{}\" is neither a UTC time nor a duration", text),
                      "write 2026-12-03T10:00:00Z or 30s");
  }
  return now + *delay;
}

// Nanoseconds of ".250" (up to 9 digits); -1 when malformed.
std::int64_t fraction_nanos(std::string_view rest) {
  if (rest.empty()) return 0;
  if (rest[0] != '.' || rest.size() < 2 || rest.size() > 10) return -1;
  std::int64_t scale = kNanosPerSecond, nanos = 0;
  for (char c : rest.substr(1)) {
    if (c < '0' || c > '9') return -1;
    scale /= 10;
    nanos += (c - '0') * scale;
  }
  return nanos;
}

}  // namespace

std::int64_t unix_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void add_distributed_options(CLI::App& app, DistributedFlags& flags) {
  app.add_option("--execution-segment", flags.segment,
                 "run only this part of the test, e.g. 1/4:2/4 (k6's execution segments; see "
                 "docs/distributed.md)");
  app.add_option("--execution-segment-sequence", flags.sequence,
                 "the segments all parts use, e.g. 0,1/4,2/4,3/4,1");
  app.add_option("--start-at", flags.start_at,
                 "start at a UTC time (2026-12-03T10:00:00Z) or after a delay (30s)");
  app.add_option("--instance", flags.instance,
                 "this part's name in merged results (default: host name and segment)");
}

Result<std::int64_t> parse_utc_time(std::string_view s) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const bool shape = s.size() >= 20 && s.size() <= 30 && digits(s, 0, 4, year) && s[4] == '-' &&
                     digits(s, 5, 2, month) && s[7] == '-' && digits(s, 8, 2, day) &&
                     (s[10] == 'T' || s[10] == 't') && digits(s, 11, 2, hour) && s[13] == ':' &&
                     digits(s, 14, 2, minute) && s[16] == ':' && digits(s, 17, 2, second) &&
                     (s.back() == 'Z' || s.back() == 'z');
  const std::int64_t fraction = shape ? fraction_nanos(s.substr(19, s.size() - 20)) : -1;
  if (fraction < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    return make_error(fmt::format("\"{}\" is not a UTC time", s), "write 2026-12-03T10:00:00Z");
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<std::int64_t>(timegm(&tm)) * kNanosPerSecond + fraction;
}

Result<Distributed> parse_distributed(const DistributedFlags& flags, std::int64_t now) {
  Distributed d;
  if (!flags.segment.empty() || !flags.sequence.empty()) {
    auto segment = plan::parse_execution_segment(flags.segment);
    if (!segment) return make_error("--execution-segment: " + segment.error().describe());
    std::vector<plan::Fraction> points;
    if (!flags.sequence.empty()) {
      auto parsed = plan::parse_segment_sequence(flags.sequence);
      if (!parsed) return make_error("--execution-segment-sequence: " + parsed.error().describe());
      points = std::move(*parsed);
    }
    auto tuple = plan::SegmentTuple::make(*segment, points);
    if (!tuple) return tuple.error();
    d.segment = std::move(*tuple);
  }
  if (!flags.start_at.empty()) {
    auto start = parse_start(flags.start_at, now);
    if (!start) return start.error();
    if (*start - now > kMaxStartDelayNs) return make_error("--start-at is more than 7 days away");
    d.start_unix_ns = *start;
  }
  d.instance = flags.instance;
  if (d.instance.size() > 200) return make_error("--instance is longer than 200 characters");
  if (d.instance.empty() && !d.segment.full()) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    d.instance = fmt::format("{} {}", host, d.segment.segment().text());
  }
  return d;
}

bool wait_until_start(std::int64_t start_unix_ns, const std::atomic<bool>& interrupted) {
  for (;;) {
    if (interrupted.load()) return false;
    const std::int64_t left = start_unix_ns - unix_now_ns();
    if (left <= 0) return true;
    std::this_thread::sleep_for(
        std::chrono::nanoseconds(std::min<std::int64_t>(left, 50 * kNanosPerMilli)));
  }
}

}  // namespace perfgate::cli
