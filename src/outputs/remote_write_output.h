// RemoteWriteOutput: `--out experimental-prometheus-rw=http://HOST:9090/api/v1/write` (k6's
// output name; `prometheus-rw=` too) — once a second the run's metrics in the shape of k6's
// Prometheus remote-write output, pushed to a remote-write receiver (Prometheus with
// --web.enable-remote-write-receiver, Mimir, Thanos, VictoriaMetrics...). A push reaches even a
// CI run shorter than a scrape interval, which /metrics (prometheus_output.h) can miss.
//
// The series are k6_series.h's (k6's names and labels, statistics over the run so far); each
// push carries one sample per series stamped with the wall-clock time of the second.
//
// Delivery is batch_sender.h's: a bounded queue, a sender thread, drops and failures counted.
// Thread-safety: on_* and finish from the coordinator thread; counters from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "outputs/batch_sender.h"
#include "outputs/http_client.h"
#include "outputs/k6_series.h"
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
  RemoteWriteOutput(EndpointUrl url, const RunInfo& run);
  Result<void> post(const std::string& body, const std::atomic<bool>& cancel);

  const EndpointUrl url_;
  HttpClient client_;  // the sender thread's: keeps its connection between pushes
  const RunInfo run_;
  // Coordinator thread only: the run so far by name and check, and the current second's stamp.
  K6Series k6_;
  std::vector<Gauge> gauges_;
  int64_t now_ms_ = 0;
  BatchSender sender_;  // last: its thread calls post()
};

}  // namespace perfgate::outputs
