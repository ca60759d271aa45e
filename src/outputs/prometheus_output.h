// PrometheusOutput: `--out prometheus=127.0.0.1:9464` — a /metrics endpoint (exposition.h) that
// Prometheus scrapes during the run. The coordinator formats the page once a second and swaps it
// in under a mutex (held for a string swap, off the engine's hot path); the server thread only
// copies the current page. Binds to 127.0.0.1 unless the target names another address.
// `?schema=k6` (`--out prometheus=127.0.0.1:9464?schema=k6`) serves k6's names instead of
// perfgate's (k6_series.h: k6_http_reqs_total, k6_http_req_duration_p95{name,method}, ... the
// series remote write pushes); `schema=perfgate` is the default (exposition.h).
//
// Thread-safety: on_gauges/on_second/finish from one thread; the server thread reads the page.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "outputs/k6_series.h"
#include "outputs/live_output.h"
#include "outputs/metrics_server.h"

namespace perfgate::outputs {

class PrometheusOutput final : public LiveOutput {
 public:
  // `listen` is "HOST:PORT", ":PORT" or "PORT" (port 0: any free port, see address()), with an
  // optional "?schema=k6" or "?schema=perfgate".
  static Result<std::unique_ptr<PrometheusOutput>> create(std::string_view listen,
                                                          const RunInfo& run);
  ~PrometheusOutput() override;

  void on_gauges(const std::vector<Gauge>& gauges) override;
  void on_second_detail(const SecondDetail& detail) override;
  void on_second(const results::TimeSeriesPoint& second, const results::MetricSet& totals) override;
  void finish() override;
  std::string summary_note() const override;

  const net::Address& address() const { return server_->address(); }

 private:
  PrometheusOutput(const RunInfo& run, bool k6_names);
  std::string format(const results::TimeSeriesPoint& second,
                     const results::MetricSet& totals) const;
  std::string page() const;

  const RunInfo run_;
  const bool k6_names_;
  K6Series k6_;                // coordinator thread only; used with k6_names_
  std::vector<Gauge> gauges_;  // coordinator thread only
  mutable std::mutex mutex_;
  std::string page_;  // guarded by mutex_
  std::unique_ptr<MetricsServer> server_;
};

}  // namespace perfgate::outputs
