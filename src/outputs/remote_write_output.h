// RemoteWriteOutput: `--out experimental-prometheus-rw=http://HOST:9090/api/v1/write` (k6's
// output name; `prometheus-rw=` too) — once a second the run's metrics in the shape of k6's
// Prometheus remote-write output, pushed to a remote-write receiver (Prometheus with
// --web.enable-remote-write-receiver, Mimir, Thanos, VictoriaMetrics...). A push reaches even a
// CI run shorter than a scrape interval, which /metrics (prometheus_output.h) can miss.
//
// Series (k6's names: prefix k6_, counters _total, rates _rate, trends one gauge per statistic
// in seconds: _p99, _p95, _p90, _med, _avg, _min, _max), each labelled testid (and instance):
//   k6_http_reqs_total{status,expected_response}  k6_http_req_failed_rate  k6_vus
//   k6_iterations_total  k6_dropped_iterations_total  k6_data_sent_total  k6_data_received_total
//   k6_http_req_duration_p99{name,method} ... (per request name, and without name for all)
//   k6_http_req_waiting_p99 ... (the other trends)  k6_checks_rate{check}
// Statistics are over the run so far, as k6's are; each push carries one sample per series
// stamped with the wall-clock time of the second.
//
// Delivery is batch_sender.h's: a bounded queue, a sender thread, drops and failures counted.
// Thread-safety: on_* and finish from the coordinator thread; counters from any thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "outputs/batch_sender.h"
#include "outputs/http_client.h"
#include "outputs/live_output.h"
#include "outputs/remote_write.h"

namespace perfgate::outputs {

class RemoteWriteOutput final : public LiveOutput {
 public:
  // Parses the URL and resolves the host; nothing is sent before the first second.
  static Result<std::unique_ptr<RemoteWriteOutput>> create(std::string_view url,
                                                           const RunInfo& run);
  ~RemoteWriteOutput() override;

  void on_gauges(const std::vector<Gauge>& gauges) override;
  void on_second_detail(const SecondDetail& detail) override;
  void on_second(const results::TimeSeriesPoint& second, const results::MetricSet& totals) override;
  void finish() override;
  std::string summary_note() const override;

 private:
  RemoteWriteOutput(HttpUrl url, net::Address address, const RunInfo& run);
  Result<void> post(const std::string& body, const std::atomic<bool>& cancel);
  void add(std::vector<RemoteSeries>& out, std::string name,
           std::vector<std::pair<std::string, std::string>> labels, double value) const;
  void add_trend(std::vector<RemoteSeries>& out, std::string_view metric,
                 const std::vector<std::pair<std::string, std::string>>& labels,
                 const HdrHistogram& h) const;

  const HttpUrl url_;
  const net::Address address_;
  const RunInfo run_;
  // Coordinator thread only: the run so far by name and check, and the current second's stamp.
  std::map<std::pair<std::string, std::string>, HdrHistogram> names_;  // (name, method)
  std::map<std::string, std::pair<int64_t, int64_t>> checks_;          // passes, fails
  std::vector<Gauge> gauges_;
  int64_t now_ms_ = 0;
  BatchSender sender_;  // last: its thread calls post()
};

}  // namespace perfgate::outputs
