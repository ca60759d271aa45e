// The run in k6's InfluxDB schema, so the community k6 dashboards (Grafana 2587 and its kin)
// read perfgate runs unchanged: one measurement per metric, one point per sample with the field
// `value`, tags as k6 sets them —
//   http_req_duration,testid=T,name=home,method=GET,scenario=S  value=12.3      (ms)
//   http_reqs,testid=T,status=200,expected_response=true        value=1
//   http_reqs,testid=T,status=0,error_code=1212,expected_response=false value=1
//   http_req_failed,...                                         value=0|1
//   checks,testid=T,check=status\ is\ 200                       value=0|1
//   vus, vus_max value=N (one per second); data_sent, data_received value=bytes of the second;
//   iterations value=1; dropped_iterations value=1; http_req_waiting, ..., iteration_duration
//   value=ms; plus `instance` for a part of a distributed run.
//
// perfgate does not keep every request's sample: each second's histograms are replayed as one
// point per recorded value (exact to the histogram's 0.1 %), timestamps spread over the second
// so that every point of a series is distinct. count(), sum(), mean(), percentile() over any
// window of whole seconds then equal k6's. The cost is k6's too: one line per request per metric.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "outputs/influxdb_points.h"
#include "outputs/live_output.h"
#include "stats/hdr_histogram.h"

namespace perfgate::outputs {

// k6's error_code for a failure class (error-codes in k6's docs: 1050 request timeout, 1100
// DNS, 121x TCP dial, 1220 reset, 13xx TLS, 1000 + status for HTTP errors); 0 for none.
int k6_error_code(results::ErrorClass error);

// The wall-clock span of the second (or the shorter last part) the points describe, Unix ns.
struct Window {
  int64_t start = 0;
  int64_t end = 0;
};

// Appends `histogram`'s values (microseconds) as points of `measurement` with field value in
// milliseconds, spread over the window. `tags` go after testid/instance/scenario.
void append_k6_trend(std::string& out, std::string_view measurement, const RunInfo& run,
                     const std::vector<std::pair<std::string, std::string>>& tags,
                     const HdrHistogram& histogram, Window window);

// The per-second detail (trends per name, checks) in k6's schema.
void append_k6_detail(std::string& out, const RunInfo& run, const SecondDetail& detail,
                      Window window);

// The counters of one second (requests by status and error, failures, iterations, data, VUs).
void append_k6_counters(std::string& out, const RunInfo& run,
                        const results::TimeSeriesPoint& second, const CounterSnapshot& delta,
                        Window window);

}  // namespace perfgate::outputs
