#include "outputs/remote_write_output.h"

#include <fmt/format.h>

#include <algorithm>

namespace perfgate::outputs {
namespace {

constexpr size_t kMaxPendingBatches = 10;
constexpr Nanos kPostTimeout = 2 * kNanosPerSecond;
constexpr Nanos kFinishWait = 2 * kNanosPerSecond;

double seconds(int64_t micros) { return static_cast<double>(micros) / 1e6; }

}  // namespace

Result<std::unique_ptr<RemoteWriteOutput>> RemoteWriteOutput::create(std::string_view text,
                                                                     const RunInfo& run) {
  auto url = parse_http_url(text);
  if (!url) return url.error();
  auto address = net::resolve(url->host, url->port);
  if (!address) return address.error();
  return std::unique_ptr<RemoteWriteOutput>(new RemoteWriteOutput(*url, *address, run));
}

RemoteWriteOutput::RemoteWriteOutput(HttpUrl url, net::Address address, const RunInfo& run)
    : url_(std::move(url)),
      address_(address),
      run_(run),
      sender_(kMaxPendingBatches, [this](const std::string& body, const std::atomic<bool>& cancel) {
        return post(body, cancel);
      }) {}

RemoteWriteOutput::~RemoteWriteOutput() { finish(); }

void RemoteWriteOutput::on_gauges(const std::vector<Gauge>& gauges) { gauges_ = gauges; }

void RemoteWriteOutput::on_second_detail(const SecondDetail& detail) {
  for (const NamedSecond& n : detail.names) {
    if (n.duration == nullptr) continue;
    auto [it, added] = names_.try_emplace({n.name, n.method}, HdrHistogram::for_latency_micros());
    it->second.add(*n.duration);
  }
  for (const CheckSecond& c : detail.checks) {
    auto& [passes, fails] = checks_[c.name];
    passes += c.passes;
    fails += c.fails;
  }
}

void RemoteWriteOutput::add(std::vector<RemoteSeries>& out, std::string name,
                            std::vector<std::pair<std::string, std::string>> labels,
                            double value) const {
  labels.emplace_back("__name__", std::move(name));
  labels.emplace_back("testid", run_.run_id);
  labels.emplace_back("instance", run_.instance);
  labels.emplace_back("scenario", run_.scenario);
  out.push_back({std::move(labels), value, now_ms_});
}

void RemoteWriteOutput::add_trend(std::vector<RemoteSeries>& out, std::string_view metric,
                                  const std::vector<std::pair<std::string, std::string>>& labels,
                                  const HdrHistogram& h) const {
  if (h.count() == 0) return;
  const std::string prefix = fmt::format("k6_{}_", metric);
  add(out, prefix + "p99", labels, seconds(h.value_at_percentile(99)));
  add(out, prefix + "p95", labels, seconds(h.value_at_percentile(95)));
  add(out, prefix + "p90", labels, seconds(h.value_at_percentile(90)));
  add(out, prefix + "med", labels, seconds(h.value_at_percentile(50)));
  add(out, prefix + "avg", labels, h.mean() / 1e6);
  add(out, prefix + "min", labels, seconds(h.min()));
  add(out, prefix + "max", labels, seconds(h.max()));
}

void RemoteWriteOutput::on_second(const results::TimeSeriesPoint& second,
                                  const results::MetricSet& totals) {
  // Each push gets a later timestamp than the one before: Prometheus rejects a second sample of a
  // series at the same millisecond ("duplicate sample for timestamp"), which two pushes within one
  // millisecond (the last second and the final flush) would otherwise send.
  now_ms_ = std::max(wall_clock_unix_nanos() / 1'000'000, now_ms_ + 1);
  std::vector<RemoteSeries> series;
  for (size_t status = 0; status < totals.statuses.size(); ++status) {
    if (totals.statuses[status] == 0) continue;
    const bool expected = status >= 200 && status <= 399;
    add(series, "k6_http_reqs_total",
        {{"status", std::to_string(status)}, {"expected_response", expected ? "true" : "false"}},
        static_cast<double>(totals.statuses[status]));
  }
  if (totals.http_reqs > 0) {
    add(series, "k6_http_req_failed_rate", {},
        static_cast<double>(totals.failed_requests) / static_cast<double>(totals.http_reqs));
  }
  add(series, "k6_vus", {}, static_cast<double>(second.active_vus));
  add(series, "k6_iterations_total", {}, static_cast<double>(totals.iterations));
  add(series, "k6_dropped_iterations_total", {}, static_cast<double>(totals.dropped_iterations));
  add(series, "k6_data_sent_total", {}, static_cast<double>(totals.data_sent));
  add(series, "k6_data_received_total", {}, static_cast<double>(totals.data_received));
  for (size_t t = 0; t < results::kTrendCount; ++t) {
    add_trend(series, results::kTrendNames[t], {}, totals.trends[t]);
  }
  for (const auto& [key, h] : names_) {
    add_trend(series, "http_req_duration", {{"name", key.first}, {"method", key.second}}, h);
  }
  for (const auto& [check, counts] : checks_) {
    const int64_t total = counts.first + counts.second;
    if (total > 0) {
      add(series, "k6_checks_rate", {{"check", check}},
          static_cast<double>(counts.first) / static_cast<double>(total));
    }
  }
  for (const Gauge& g : gauges_) add(series, "k6_" + g.name, {}, g.value);
  gauges_.clear();
  sender_.push(snappy_compress(encode_write_request(std::move(series))));
}

Result<void> RemoteWriteOutput::post(const std::string& body, const std::atomic<bool>& cancel) {
  HttpCall call;
  call.method = "POST";
  const std::string target = url_.query.empty() ? url_.path : url_.path + "?" + url_.query;
  call.target = target;
  call.host_header = url_.authority;
  call.body = body;
  call.content_type = "application/x-protobuf";
  call.extra_headers = "Content-Encoding: snappy\r\nX-Prometheus-Remote-Write-Version: 0.1.0\r\n";
  call.timeout = kPostTimeout;
  call.cancel = &cancel;
  auto reply = http_exchange(address_, call);
  if (!reply) return reply.error();
  if (reply->status < 200 || reply->status >= 300) {
    return make_error(fmt::format("HTTP {}: {}", reply->status, reply->body.substr(0, 200)));
  }
  return {};
}

void RemoteWriteOutput::finish() { sender_.finish(kFinishWait); }

std::string RemoteWriteOutput::summary_note() const {
  std::string note = fmt::format("prometheus remote write: {} pushes sent, {} dropped",
                                 sender_.sent(), sender_.dropped());
  if (const int64_t failed = sender_.failed(); failed > 0) {
    note += fmt::format(", {} failed (last: {})", failed, sender_.last_error());
  }
  return note;
}

}  // namespace perfgate::outputs
