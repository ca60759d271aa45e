// SubMetrics: the tag-filtered sub-metrics that thresholds declare, as k6 creates them
// ("http_req_duration{scenario:checkout,expected_response:true}": ["p(95)<300"]).
//
// Every sample of a plan run carries tags: requests `scenario`, `name`, `method`, `group`
// (k6's "::outer::inner"), `status`, `expected_response` (status 200..399), `url` (the URL
// requested, secrets redacted), the step's `tags` and the scenario's own `tags`; checks add
// `check`; iterations carry `scenario` and the scenario's tags; group_duration carries `group`
// (the group's own path) and the scenario's. Most are known before the run, so matching is
// compiled once: for every (scenario, flow, step) the index lists the sub-metrics whose static
// tags the step's samples carry, with the conditions on the tags only a response can tell
// (status, expected_response, check, url of a templated URL). Every run keeps
// kExpectedDurationKey (as k6 does); each sample pays a short list walk.
//
// A sub-metric whose tags no sample of the plan can carry is reported as a warning before the
// run (k6 silently reports no data, which reads like a pass).
//
// Thread-safety: SubMetricIndex is immutable after build_sub_metrics(); SubStats belong to one
// thread at a time (inside PlanMetrics).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plan/plan.h"
#include "plan/redact.h"
#include "results/metric_set.h"
#include "results/results_document.h"
#include "stats/hdr_histogram.h"

namespace perfgate::engine {

struct CheckId;
struct FlatStep;

// k6 always reports this sub-metric, thresholds or not, and so does every plan run: the index
// declares it first in every plan (one list walk per request, as for any sub-metric).
inline constexpr const char* kExpectedDurationKey = results::kExpectedDurationKey;

// What a sub-metric counts.
enum class SubSource : uint8_t {
  kRequestTrend,       // one of the http_req_* trends (SubMetric::trend)
  kRequests,           // http_reqs
  kRequestFailed,      // http_req_failed (rate)
  kChecks,             // checks (rate)
  kDataSent,           // data_sent (bytes)
  kDataReceived,       // data_received (bytes)
  kIterations,         // iterations
  kIterationDuration,  // iteration_duration (trend)
  kDroppedIterations,  // dropped_iterations
  kGroupDuration,      // group_duration (trend), one sample per group run
};

struct SubMetric {
  plan::MetricSelector selector;
  std::string key;  // selector.key()
  SubSource source = SubSource::kRequests;
  results::Trend trend = results::Trend::kDuration;  // kRequestTrend
  bool is_trend() const {
    return source == SubSource::kRequestTrend || source == SubSource::kIterationDuration ||
           source == SubSource::kGroupDuration;
  }
};

// One sub-metric a step's samples may feed, with the conditions left for the response.
struct SubMatch {
  size_t sub = 0;
  std::optional<int> status;         // the `status` tag, when the selector names one
  std::optional<bool> expected;      // the `expected_response` tag
  std::optional<std::string> check;  // the `check` tag (checks only)
  // The `url` tag of a step whose URL is rendered per request: the redacted URL must equal it.
  std::optional<std::string> url;

  // Whether a response with `status_code` (0: no response) passes the status and
  // expected_response conditions; k6 expects 200..399.
  bool accepts(int status_code) const {
    if (status && *status != status_code) return false;
    return !expected || *expected == (status_code >= 200 && status_code <= 399);
  }
  // The same for a gRPC call, whose `status` tag is its gRPC status code (as in k6) and which
  // is an expected response when that is OK (0).
  bool accepts_grpc(int grpc_status) const {
    if (status && *status != grpc_status) return false;
    return !expected || *expected == (grpc_status == 0);
  }
};

struct SubMetricIndex {
  std::vector<SubMetric> subs;
  // [scenario * flows + flow][flat step]: request and check samples; group_duration samples at
  // the group's end marker.
  std::vector<std::vector<std::vector<SubMatch>>> requests;
  // [scenario]: iteration samples (iterations, iteration_duration, dropped_iterations).
  std::vector<std::vector<size_t>> iterations;
  std::vector<std::string> warnings;  // sub-metrics no sample can match
  // Hides secrets in the `url` tag of rendered URLs, as selectors are written after redaction.
  plan::Redactor redactor;

  std::optional<size_t> find(const plan::MetricSelector& selector) const;
  const std::vector<SubMatch>& for_step(size_t scenario, size_t flow, size_t step) const {
    return requests[scenario * flows + flow][step];
  }
  size_t flows = 0;
};

// Declares a sub-metric for every tagged threshold on a built-in metric and compiles the matches
// against `flat` (PlanIndex::flows).
SubMetricIndex build_sub_metrics(const plan::Plan& plan,
                                 const std::vector<std::vector<FlatStep>>& flat,
                                 const std::vector<CheckId>& checks);

// One sub-metric's numbers in one interval.
struct SubStats {
  std::optional<HdrHistogram> trend;  // microseconds; trend sub-metrics only
  int64_t count = 0;                  // counters; rates: trues
  int64_t total = 0;                  // rates: all samples
  int64_t samples = 0;                // samples that matched (none: the threshold has no data)

  void add(const SubStats& other);
  void reset();
};

// Empty stats for every sub-metric of `index` (histograms only where needed).
std::vector<SubStats> make_sub_stats(const SubMetricIndex& index);

}  // namespace perfgate::engine
