#include "outputs/live_output.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>
#include <random>

#include "outputs/influxdb_output.h"
#include "outputs/prometheus_output.h"
#include "outputs/remote_write_output.h"

namespace perfgate::outputs {

bool is_live_output_type(std::string_view type) {
  return type == "influxdb" || type == "prometheus" || type == "prometheus-rw" ||
         type == "experimental-prometheus-rw";
}

std::string generate_run_id() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::random_device random;
  return fmt::format("{:%Y%m%dT%H%M%SZ}-{:04x}", utc, random() & 0xffff);
}

Result<std::unique_ptr<LiveOutput>> make_live_output(std::string_view type, std::string_view target,
                                                     const RunInfo& run) {
  RunInfo info = run;
  if (info.run_id.empty()) info.run_id = generate_run_id();
  if (type == "influxdb") {
    auto output = InfluxDbOutput::create(target, info);
    if (!output) return output.error();
    return std::unique_ptr<LiveOutput>(std::move(*output));
  }
  if (type == "prometheus") {
    auto output = PrometheusOutput::create(target, info);
    if (!output) return output.error();
    return std::unique_ptr<LiveOutput>(std::move(*output));
  }
  if (type == "prometheus-rw" || type == "experimental-prometheus-rw") {
    auto output = RemoteWriteOutput::create(target, info);
    if (!output) return output.error();
    return std::unique_ptr<LiveOutput>(std::move(*output));
  }
  return make_error(fmt::format("unknown live output type '{}'", type),
                    "live outputs are influxdb=URL, prometheus=HOST:PORT and "
                    "experimental-prometheus-rw=URL");
}

}  // namespace perfgate::outputs
