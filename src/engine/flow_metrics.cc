// FlowVu: turning a finished request or iteration into metrics — the worker's totals, the
// per-name table, checks, and the tag-filtered sub-metrics thresholds declared; see flow_vu.h.
#include <algorithm>

#include "engine/flow_vu.h"
#include "engine/plan_worker.h"
#include "engine/scenario_driver.h"

namespace perfgate::engine {
namespace {

using results::ErrorClass;
using results::Trend;

int64_t micros(Nanos duration) { return (std::max<Nanos>(duration, 0) + 500) / kNanosPerMicro; }

}  // namespace

// The phases of one request (see connection.h for when each clock reads). http_req_duration is
// sending + waiting + receiving, as in k6, except for the first request of an open-model
// iteration, whose duration counts from the iteration's scheduled start (coordinated-omission
// correction; http_req_duration_uncorrected keeps the k6 definition).
FlowVu::RequestSample FlowVu::measure(const RequestOutcome& outcome, int status) {
  const RequestTimes& t = *outcome.times;
  RequestSample s;
  s.status = status;
  s.error = outcome.error;
  s.failed = outcome.error.has_value() || status >= 400;
  s.sent = t.bytes_sent;
  s.received = t.bytes_received;
  if (outcome.error) return s;
  s.timed = true;
  auto set = [&s](Trend trend, int64_t value) {
    s.trends[static_cast<size_t>(trend)] = value;
    s.has[static_cast<size_t>(trend)] = true;
  };
  const bool first = first_request_;
  const bool corrected = first && driver_.open_model();
  // Blocked: waiting for a VU (the first request of an iteration) and for a connection or a
  // free stream on one (not the connect itself).
  const Nanos slot_wait =
      std::max<Nanos>((t.new_connection ? t.connect_start : t.send_start) - asked_at_, 0);
  set(Trend::kBlocked, (first ? micros(picked_up_ - iteration_scheduled_) : 0) + micros(slot_wait));
  set(Trend::kConnecting, t.new_connection ? micros(t.connect_end - t.connect_start) : 0);
  if (t.tls) set(Trend::kTlsHandshaking, t.handshake ? micros(t.tls_end - t.tls_start) : 0);
  set(Trend::kSending, micros(t.send_end - t.send_start));
  set(Trend::kWaiting, micros(t.first_byte - t.send_end));
  set(Trend::kReceiving, micros(t.done - t.first_byte));
  set(Trend::kDuration, micros(t.done - (corrected ? iteration_scheduled_ : t.send_start)));
  if (driver_.open_model()) {
    set(Trend::kDurationUncorrected, micros(t.done - t.send_start));
    if (first) set(Trend::kScheduleLag, micros(t.send_start - iteration_scheduled_));
  }
  return s;
}

void FlowVu::record_sample(const FlatStep& step, const RequestSample& s, bool with_checks) {
  PlanMetrics& pm = worker_.metrics();
  results::MetricSet& m = pm.base;
  NameStats& ns = pm.names[step.name_id];
  ++m.http_reqs;
  ++ns.requests;
  m.data_sent += s.sent;
  m.data_received += s.received;
  ++m.statuses[std::min<size_t>(static_cast<size_t>(s.status), results::kStatusSlots - 1)];
  if (s.failed) {
    ++m.failed_requests;
    ++ns.failed;
    m.count_error(s.error           ? *s.error
                  : s.status >= 500 ? ErrorClass::kHttp5xx
                                    : ErrorClass::kHttp4xx);
  }
  for (size_t t = 0; t < results::kTrendCount; ++t) {
    if (s.has[t]) m.trends[t].record(s.trends[t]);
  }
  if (s.timed) ns.duration.record(s.trends[static_cast<size_t>(Trend::kDuration)]);
  if (s.timed && traced_ && trace_.sampled) {
    ns.slowest.offer(s.trends[static_cast<size_t>(Trend::kDuration)], trace_.trace_id());
  }
  for (size_t i = 0; with_checks && i < step.check_ids.size(); ++i) {
    (check_results_[i] ? pm.checks[step.check_ids[i]].passes
                       : pm.checks[step.check_ids[i]].fails)++;
  }
  const SubMetricIndex& subs = worker_.shared().index.subs;
  if (!subs.subs.empty()) {
    record_subs(subs.for_step(driver_.scenario_index(), flow_, step_), step, s, with_checks);
  }
}

void FlowVu::record_subs(const std::vector<SubMatch>& matches, const FlatStep& step,
                         const RequestSample& s, bool with_checks) {
  const PlanIndex& index = worker_.shared().index;
  std::vector<SubStats>& stats = worker_.metrics().subs;
  for (const SubMatch& match : matches) {
    if (s.grpc_status >= 0 ? !match.accepts_grpc(s.grpc_status) : !match.accepts(s.status)) {
      continue;
    }
    if (match.url && (request_url_ == nullptr || requested_url() != *match.url)) continue;
    const SubMetric& sub = index.subs.subs[match.sub];
    SubStats& st = stats[match.sub];
    ++st.samples;
    switch (sub.source) {
      case SubSource::kRequestTrend:
        if (s.has[static_cast<size_t>(sub.trend)]) {
          st.trend->record(s.trends[static_cast<size_t>(sub.trend)]);
        }
        break;
      case SubSource::kRequests:
        ++st.count;
        break;
      case SubSource::kRequestFailed:
        st.count += s.failed ? 1 : 0;
        ++st.total;
        break;
      case SubSource::kChecks:
        for (size_t i = 0; with_checks && i < step.check_ids.size(); ++i) {
          if (match.check && index.checks[step.check_ids[i]].name != *match.check) continue;
          st.count += check_results_[i];
          ++st.total;
        }
        break;
      case SubSource::kDataSent:
        st.count += s.sent;
        break;
      case SubSource::kDataReceived:
        st.count += s.received;
        break;
      default:
        break;  // iteration sources never match a request
    }
  }
}

void FlowVu::record_group(size_t end, int64_t micros) {
  PlanMetrics& pm = worker_.metrics();
  pm.group_duration.record(micros);
  const SubMetricIndex& subs = worker_.shared().index.subs;
  if (subs.subs.empty()) return;
  for (const SubMatch& match : subs.for_step(driver_.scenario_index(), flow_, end)) {
    SubStats& st = pm.subs[match.sub];
    ++st.samples;
    st.trend->record(micros);
  }
}

// The `url` tag: the URL of the request in flight, as reports may show it.
std::string FlowVu::requested_url() const {
  return worker_.shared().index.subs.redactor.text(url_tag(*request_url_));
}

void FlowVu::record_iteration(Nanos duration) {
  const int64_t duration_us = micros(duration);
  PlanMetrics& pm = worker_.metrics();
  ++pm.base.iterations;
  pm.base.trend(Trend::kIterationDuration).record(duration_us);
  const auto& subs = worker_.shared().index.subs;
  if (subs.subs.empty()) return;
  for (size_t id : subs.iterations[driver_.scenario_index()]) {
    SubStats& st = pm.subs[id];
    ++st.samples;
    if (subs.subs[id].source == SubSource::kIterations) ++st.count;
    if (subs.subs[id].source == SubSource::kIterationDuration) st.trend->record(duration_us);
  }
}

}  // namespace perfgate::engine
