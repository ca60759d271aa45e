#include "outputs/k6_series.h"

#include <fmt/format.h>

namespace perfgate::outputs {
namespace {

double seconds(int64_t micros) { return static_cast<double>(micros) / 1e6; }

}  // namespace

// Appends series with the run's labels and one timestamp.
struct K6Series::Builder {
  const RunInfo& run;
  int64_t timestamp_ms;
  std::vector<RemoteSeries> out;

  void add(std::string name, Labels labels, double value) {
    labels.emplace_back("__name__", std::move(name));
    labels.emplace_back("testid", run.run_id);
    if (!run.instance.empty()) labels.emplace_back("instance", run.instance);
    if (!run.scenario.empty()) labels.emplace_back("scenario", run.scenario);
    for (const auto& [key, tag] : run.tags) labels.emplace_back(key, tag);
    out.push_back({std::move(labels), value, timestamp_ms});
  }

  void trend(std::string_view metric, const Labels& labels, const HdrHistogram& h) {
    if (h.count() == 0) return;
    const std::string prefix = fmt::format("k6_{}_", metric);
    add(prefix + "p99", labels, seconds(h.value_at_percentile(99)));
    add(prefix + "p95", labels, seconds(h.value_at_percentile(95)));
    add(prefix + "p90", labels, seconds(h.value_at_percentile(90)));
    add(prefix + "med", labels, seconds(h.value_at_percentile(50)));
    add(prefix + "avg", labels, h.mean() / 1e6);
    add(prefix + "min", labels, seconds(h.min()));
    add(prefix + "max", labels, seconds(h.max()));
  }
};

void K6Series::add_detail(const SecondDetail& detail) {
  for (const NamedSecond& n : detail.names) {
    if (n.duration == nullptr) continue;
    auto [it, added] =
        names_.try_emplace({n.name, n.method, n.url}, HdrHistogram::for_latency_micros());
    it->second.add(*n.duration);
  }
  for (const CheckSecond& c : detail.checks) {
    auto& [passes, fails] = checks_[c.name];
    passes += c.passes;
    fails += c.fails;
  }
}

std::vector<RemoteSeries> K6Series::series(const results::TimeSeriesPoint& second,
                                           const results::MetricSet& totals,
                                           const std::vector<Gauge>& gauges,
                                           int64_t timestamp_ms) const {
  Builder b{run_, timestamp_ms, {}};
  for (size_t status = 0; status < totals.statuses.size(); ++status) {
    if (totals.statuses[status] == 0) continue;
    const bool expected = status >= 200 && status <= 399;
    b.add("k6_http_reqs_total",
          {{"status", std::to_string(status)}, {"expected_response", expected ? "true" : "false"}},
          static_cast<double>(totals.statuses[status]));
  }
  if (totals.http_reqs > 0) {
    b.add("k6_http_req_failed_rate", {},
          static_cast<double>(totals.failed_requests) / static_cast<double>(totals.http_reqs));
  }
  b.add("k6_vus", {}, static_cast<double>(second.active_vus));
  b.add("k6_iterations_total", {}, static_cast<double>(totals.iterations));
  b.add("k6_dropped_iterations_total", {}, static_cast<double>(totals.dropped_iterations));
  b.add("k6_data_sent_total", {}, static_cast<double>(totals.data_sent));
  b.add("k6_data_received_total", {}, static_cast<double>(totals.data_received));
  for (size_t t = 0; t < results::kTrendCount; ++t) {
    b.trend(results::kTrendNames[t], {}, totals.trends[t]);
  }
  for (const auto& [key, h] : names_) {
    const auto& [name, method, url] = key;
    Labels labels = {{"name", name}, {"method", method}};
    if (!url.empty()) labels.emplace_back("url", url);
    b.trend("http_req_duration", labels, h);
  }
  for (const auto& [check, counts] : checks_) {
    const int64_t total = counts.first + counts.second;
    if (total == 0) continue;
    b.add("k6_checks_rate", {{"check", check}},
          static_cast<double>(counts.first) / static_cast<double>(total));
  }
  for (const Gauge& g : gauges) b.add("k6_" + g.name, {}, g.value);
  return std::move(b.out);
}

std::string_view k6_series_type(std::string_view name) {
  return name.ends_with("_total") ? "counter" : "gauge";
}

}  // namespace perfgate::outputs
