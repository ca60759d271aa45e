#include "outputs/prometheus_output.h"

#include <fmt/format.h>

#include "outputs/exposition.h"

namespace perfgate::outputs {

Result<std::unique_ptr<PrometheusOutput>> PrometheusOutput::create(std::string_view listen,
                                                                   const RunInfo& run) {
  auto host_port = net::parse_host_port(listen);
  if (!host_port) return host_port.error();
  auto address = net::resolve(host_port->host, host_port->port);
  if (!address) return address.error();
  std::unique_ptr<PrometheusOutput> output(new PrometheusOutput(run));
  // Until the first second there is a valid page: every counter at zero.
  output->page_ = format_exposition(run, {}, results::MetricSet(), {});
  auto server = MetricsServer::start(*address, [raw = output.get()] { return raw->page(); });
  if (!server) return server.error();
  output->server_ = std::move(*server);
  return output;
}

PrometheusOutput::PrometheusOutput(const RunInfo& run) : run_(run) {}

PrometheusOutput::~PrometheusOutput() { finish(); }

void PrometheusOutput::on_gauges(const std::vector<Gauge>& gauges) { gauges_ = gauges; }

void PrometheusOutput::on_second(const results::TimeSeriesPoint& second,
                                 const results::MetricSet& totals) {
  std::string fresh = format_exposition(run_, second, totals, gauges_);
  std::lock_guard lock(mutex_);
  page_.swap(fresh);
}

std::string PrometheusOutput::page() const {
  std::lock_guard lock(mutex_);
  return page_;
}

void PrometheusOutput::finish() {
  if (server_) server_->stop();
}

std::string PrometheusOutput::summary_note() const {
  return fmt::format("prometheus: served http://{}/metrics, {} scrapes",
                     server_->address().to_string(), server_->scrapes());
}

}  // namespace perfgate::outputs
