#include "outputs/influxdb_k6_points.h"

#include <map>
#include <numeric>

#include "outputs/line_protocol.h"

namespace perfgate::outputs {
namespace {

using results::ErrorClass;
using Tags = std::vector<std::pair<std::string, std::string>>;

LinePoint k6_point(std::string_view measurement, const RunInfo& run, const Tags& tags) {
  LinePoint point(measurement);
  point.tag("testid", run.run_id).tag("instance", run.instance).tag("scenario", run.scenario);
  for (const auto& [key, value] : run.tags) point.tag(key, value);
  for (const auto& [key, value] : tags) point.tag(key, value);
  return point;
}

// The i-th of n timestamps spread over the window, visited in a scrambled order
// (a stride coprime to n) so that raw points do not draw a sorted ramp.
class Spread {
 public:
  Spread(int64_t n, Window w)
      : n_(std::max<int64_t>(n, 1)),
        start_(w.start),
        length_(std::max<int64_t>(w.end - w.start, 1)) {
    stride_ = 7919;
    while (std::gcd(stride_, n_) != 1) ++stride_;
  }
  int64_t at(int64_t i) const {
    const int64_t slot = (i % n_) * (stride_ % n_) % n_;
    return start_ + static_cast<int64_t>(static_cast<double>(slot) * length_ / n_);
  }

 private:
  int64_t n_, stride_, start_, length_;
};

// One series' samples of k6's counters and rates: `ones` points of value 1, then `zeros` of 0,
// each at its own time of the second.
void append_ones(std::string& out, std::string_view measurement, const RunInfo& run,
                 const Tags& tags, int64_t ones, int64_t zeros, Window w) {
  if (ones + zeros <= 0) return;
  const Spread spread(ones + zeros, w);
  LinePoint one = k6_point(measurement, run, tags), zero = one;
  one.field("value", 1.0);
  zero.field("value", 0.0);
  for (int64_t i = 0; i < ones + zeros; ++i) (i < ones ? one : zero).append_to(out, spread.at(i));
}

}  // namespace

int k6_error_code(ErrorClass error) {
  switch (error) {
    case ErrorClass::kConnectRefused:
      return 1212;
    case ErrorClass::kConnectTimeout:
      return 1211;
    case ErrorClass::kConnectError:
      return 1210;
    case ErrorClass::kReset:
      return 1220;
    case ErrorClass::kRequestTimeout:
      return 1050;
    case ErrorClass::kDnsError:
      return 1100;
    case ErrorClass::kInvalidRequest:
      return 1020;
    case ErrorClass::kTlsUntrusted:
      return 1310;
    case ErrorClass::kTlsHostname:
      return 1311;
    case ErrorClass::kTlsExpired:
    case ErrorClass::kTlsVersion:
    case ErrorClass::kTlsHandshake:
    case ErrorClass::kTlsNotTls:
    case ErrorClass::kTlsError:
      return 1300;
    case ErrorClass::kHttp4xx:
    case ErrorClass::kHttp5xx:
      return 0;  // 1000 + the status, which the class does not carry
    default:
      return 1000;
  }
}

void append_k6_trend(std::string& out, std::string_view measurement, const RunInfo& run,
                     const Tags& tags, const HdrHistogram& histogram, Window w) {
  if (histogram.count() == 0) return;
  const LinePoint head = k6_point(measurement, run, tags);
  const Spread spread(histogram.count(), w);
  int64_t i = 0;
  for (int32_t index = 0; index < histogram.counts_length(); ++index) {
    const int64_t count = histogram.count_at_index(index);
    if (count == 0) continue;
    const double ms =
        static_cast<double>(histogram.median_equivalent(histogram.value_at_index(index))) / 1000.0;
    LinePoint point = head;
    point.field("value", ms);
    for (int64_t k = 0; k < count; ++k) point.append_to(out, spread.at(i++));
  }
}

void append_k6_detail(std::string& out, const RunInfo& run, const SecondDetail& detail, Window w) {
  if (detail.interval == nullptr) return;
  for (size_t t = 0; t < results::kTrendCount; ++t) {
    const auto trend = static_cast<results::Trend>(t);
    if (trend == results::Trend::kDuration && !detail.names.empty()) continue;
    append_k6_trend(out, results::kTrendNames[t], run, {}, detail.interval->trends[t], w);
  }
  for (const NamedSecond& n : detail.names) {
    if (n.duration == nullptr) continue;
    append_k6_trend(out, "http_req_duration", run,
                    {{"name", n.name}, {"method", n.method}, {"url", n.url}}, *n.duration, w);
  }
  for (const CheckSecond& c : detail.checks) {
    append_ones(out, "checks", run, {{"check", c.name}}, c.passes, c.fails, w);
  }
}

void append_k6_counters(std::string& out, const RunInfo& run,
                        const results::TimeSeriesPoint& second, const CounterSnapshot& delta,
                        Window w) {
  // Requests with a response, by status (k6: expected 200..399; error_code 1000 + status).
  for (size_t status = 1; status < delta.statuses.size(); ++status) {
    const int64_t n = delta.statuses[status];
    if (n <= 0) continue;
    const bool expected = status >= 200 && status <= 399;
    Tags tags = {{"status", std::to_string(status)},
                 {"expected_response", expected ? "true" : "false"}};
    if (status >= 400) tags.emplace_back("error_code", std::to_string(1000 + status));
    append_ones(out, "http_reqs", run, tags, n, 0, w);
    append_ones(out, "http_req_failed", run, tags, status >= 400 ? n : 0, status >= 400 ? 0 : n, w);
  }
  // Requests without a response, by k6 error code (several classes may share one).
  std::map<int, int64_t> by_code;
  for (size_t e = 0; e < delta.errors.size(); ++e) {
    const auto error = static_cast<ErrorClass>(e);
    if (delta.errors[e] <= 0 || error == ErrorClass::kHttp4xx || error == ErrorClass::kHttp5xx) {
      continue;
    }
    by_code[k6_error_code(error)] += delta.errors[e];
  }
  for (const auto& [code, n] : by_code) {
    const Tags tags = {
        {"status", "0"}, {"expected_response", "false"}, {"error_code", std::to_string(code)}};
    append_ones(out, "http_reqs", run, tags, n, 0, w);
    append_ones(out, "http_req_failed", run, tags, n, 0, w);
  }
  append_ones(out, "iterations", run, {}, delta.iterations, 0, w);
  append_ones(out, "dropped_iterations", run, {}, delta.dropped_iterations, 0, w);
  const int64_t at = w.end - 1;  // one point per second: at the end of the second it describes
  auto gauge = [&](std::string_view name, int64_t value) {
    k6_point(name, run, {}).field("value", static_cast<double>(value)).append_to(out, at);
  };
  gauge("vus", second.active_vus);
  gauge("data_sent", delta.data_sent);
  gauge("data_received", delta.data_received);
}

}  // namespace perfgate::outputs
