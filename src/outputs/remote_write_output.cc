#include "outputs/remote_write_output.h"

#include <fmt/format.h>

#include <algorithm>

#include "net/address.h"

namespace perfgate::outputs {
namespace {

constexpr size_t kMaxPendingBatches = 10;
constexpr Nanos kPostTimeout = 2 * kNanosPerSecond;
constexpr Nanos kFinishWait = 2 * kNanosPerSecond;

}  // namespace

Result<std::unique_ptr<RemoteWriteOutput>> RemoteWriteOutput::create(std::string_view text,
                                                                     const RunInfo& run) {
  auto url = parse_endpoint_url(text);
  if (!url) return url.error();
  // The start-up check that the host exists; libcurl resolves it again for each connection.
  if (auto address = net::resolve(url->url.host, url->url.port); !address) {
    return address.error();
  }
  return std::unique_ptr<RemoteWriteOutput>(new RemoteWriteOutput(*url, run));
}

RemoteWriteOutput::RemoteWriteOutput(EndpointUrl url, const RunInfo& run)
    : url_(std::move(url)),
      run_(run),
      k6_(run),
      sender_(kMaxPendingBatches, [this](const std::string& body, const std::atomic<bool>& cancel) {
        return post(body, cancel);
      }) {}

RemoteWriteOutput::~RemoteWriteOutput() { finish(); }

void RemoteWriteOutput::on_gauges(const std::vector<Gauge>& gauges) { gauges_ = gauges; }

void RemoteWriteOutput::on_second_detail(const SecondDetail& detail) { k6_.add_detail(detail); }

void RemoteWriteOutput::on_second(const results::TimeSeriesPoint& second,
                                  const results::MetricSet& totals) {
  // Each push gets a later timestamp than the one before: Prometheus rejects a second sample of a
  // series at the same millisecond ("duplicate sample for timestamp"), which two pushes within one
  // millisecond (the last second and the final flush) would otherwise send.
  now_ms_ = std::max(wall_clock_unix_nanos() / 1'000'000, now_ms_ + 1);
  std::vector<RemoteSeries> series = k6_.series(second, totals, gauges_, now_ms_);
  gauges_.clear();
  sender_.push(snappy_compress(encode_write_request(std::move(series))));
}

Result<void> RemoteWriteOutput::post(const std::string& body, const std::atomic<bool>& cancel) {
  HttpCall call;
  call.method = "POST";
  call.url = url_.with(url_.path, url_.query);
  call.body = body;
  call.content_type = "application/x-protobuf";
  call.headers = {"Content-Encoding: snappy", "X-Prometheus-Remote-Write-Version: 0.1.0"};
  call.timeout = kPostTimeout;
  call.cancel = &cancel;
  auto reply = client_.exchange(call);
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
