#include "outputs/prometheus_output.h"

#include <fmt/format.h>

#include "outputs/exposition.h"

namespace perfgate::outputs {

namespace {

// "k6" or "perfgate" from "?schema=..." (empty query: perfgate's names).
Result<bool> k6_schema(std::string_view query) {
  if (query.empty() || query == "schema=perfgate") return false;
  if (query == "schema=k6") return true;
  return make_error(fmt::format("unknown prometheus option '{}'", query),
                    "the one option is schema=k6 (k6's metric names) or schema=perfgate");
}

}  // namespace

Result<std::unique_ptr<PrometheusOutput>> PrometheusOutput::create(std::string_view target,
                                                                   const RunInfo& run) {
  const size_t question = target.find('?');
  const std::string_view listen = target.substr(0, question);
  auto k6_names = k6_schema(question == std::string_view::npos ? "" : target.substr(question + 1));
  if (!k6_names) return k6_names.error();
  auto host_port = net::parse_host_port(listen);
  if (!host_port) return host_port.error();
  auto address = net::resolve(host_port->host, host_port->port);
  if (!address) return address.error();
  std::unique_ptr<PrometheusOutput> output(new PrometheusOutput(run, *k6_names));
  // Until the first second there is a valid page: every counter at zero.
  output->page_ = output->format({}, results::MetricSet());
  auto server = MetricsServer::start(*address, [raw = output.get()] { return raw->page(); });
  if (!server) return server.error();
  output->server_ = std::move(*server);
  return output;
}

PrometheusOutput::PrometheusOutput(const RunInfo& run, bool k6_names)
    : run_(run), k6_names_(k6_names), k6_(run) {}

PrometheusOutput::~PrometheusOutput() { finish(); }

void PrometheusOutput::on_gauges(const std::vector<Gauge>& gauges) { gauges_ = gauges; }

void PrometheusOutput::on_second_detail(const SecondDetail& detail) {
  if (k6_names_) k6_.add_detail(detail);
}

std::string PrometheusOutput::format(const results::TimeSeriesPoint& second,
                                     const results::MetricSet& totals) const {
  if (!k6_names_) return format_exposition(run_, second, totals, gauges_);
  return format_k6_exposition(k6_.series(second, totals, gauges_, 0));
}

void PrometheusOutput::on_second(const results::TimeSeriesPoint& second,
                                 const results::MetricSet& totals) {
  std::string fresh = format(second, totals);
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
