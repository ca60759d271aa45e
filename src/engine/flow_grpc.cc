// FlowVu: the gRPC side of a request step (docs/grpc.md) — a templated message encoded per
// request, and a finished call read into its status, message count and JSON; see flow_vu.h.
#include <algorithm>

#include "engine/flow_vu.h"
#include "engine/plan_worker.h"
#include "engine/scenario_driver.h"
#include "protocols/grpc/call.h"

namespace perfgate::engine {
namespace {

results::ErrorClass grpc_error_class(int code) {
  if (code < 1 || code >= protocols::grpc::kStatusCount) code = protocols::grpc::kStatusUnknown;
  return static_cast<results::ErrorClass>(static_cast<int>(results::ErrorClass::kGrpcCancelled) +
                                          code - 1);
}

}  // namespace

bool FlowVu::encode_grpc_message(const plan::RequestStep& req) {
  value_.swap(body_);  // the rendered JSON
  return protocols::grpc::encode_request(*req.grpc, value_, &body_).has_value();
}

// A call without a response takes the status a gRPC client reports: the step's timeout ended it
// (the server was told it in grpc-timeout): DEADLINE_EXCEEDED, counted as such; it could not be
// encoded: INTERNAL; the transport failed: UNAVAILABLE. The last two keep their own error class.
//
// grpc_req_duration, as k6 records it (a sample at the end of every RPC that began, tagged with
// its status code, including DEADLINE_EXCEEDED and UNAVAILABLE): a call that reached a
// connection counts from when it was handed to it (so waiting for the connection or a stream
// slot counts, as in k6; open model: from the scheduled start) to its end. A call that never began
// (its message did not encode, its host did not resolve) has no grpc_req_duration, as in k6.
int FlowVu::read_grpc_call(const FlatStep& step, const RequestOutcome& outcome,
                           RequestSample& sample, Nanos now) {
  grpc_json_.clear();
  grpc_metadata_.clear();
  if (outcome.error) {
    using results::ErrorClass;
    const RequestTimes& t = *outcome.times;
    if (t.queued != 0 && *outcome.error != ErrorClass::kInvalidRequest) {
      const Nanos began = first_request_ && driver_.open_model() ? iteration_scheduled_ : t.queued;
      const auto grpc_duration = static_cast<size_t>(results::Trend::kGrpcDuration);
      sample.trends[grpc_duration] = (std::max<Nanos>(now - began, 0) + 500) / kNanosPerMicro;
      sample.has[grpc_duration] = true;
    }
    if (*outcome.error == ErrorClass::kRequestTimeout) {
      sample.error = ErrorClass::kGrpcDeadlineExceeded;
      return sample.grpc_status = protocols::grpc::kStatusDeadlineExceeded;
    }
    return sample.grpc_status = *outcome.error == ErrorClass::kInvalidRequest
                                    ? protocols::grpc::kStatusInternal
                                    : protocols::grpc::kStatusUnavailable;
  }
  const protocols::Response* response = outcome.response;
  const plan::RequestStep& req = *step.request;
  protocols::grpc::CallResult call =
      protocols::grpc::read_call(*req.grpc, response->headers, response->trailers, response->status,
                                 response->body, step.grpc_json, grpc_frames_);
  sample.grpc_status = call.status.code;
  if (call.status.code != protocols::grpc::kStatusOk) {
    sample.failed = true;
    sample.error = grpc_error_class(call.status.code);
  }
  if (!req.checks.empty() || !req.extracts.empty()) {
    grpc_metadata_.assign(response->headers.begin(), response->headers.end());
    grpc_metadata_.insert(grpc_metadata_.end(), response->trailers.begin(),
                          response->trailers.end());
  }
  const auto duration = static_cast<size_t>(results::Trend::kDuration);
  const auto grpc_duration = static_cast<size_t>(results::Trend::kGrpcDuration);
  sample.trends[grpc_duration] = sample.trends[duration];
  sample.has[grpc_duration] = sample.has[duration];
  if (req.grpc_stream_metrics[0] >= 0) {  // k6's stream counters
    const Nanos since_start = now - worker_.shared().start;
    const double values[] = {1, 1, static_cast<double>(call.messages)};
    for (int i = 0; i < 3; ++i) {
      worker_.metrics().custom.push_back(
          {static_cast<size_t>(req.grpc_stream_metrics[i]), since_start, values[i],
           static_cast<uint32_t>(driver_.scenario_index()), static_cast<uint32_t>(flow_),
           static_cast<uint32_t>(step_)});
    }
  }
  grpc_json_ = std::move(call.json);
  return call.status.code;
}

}  // namespace perfgate::engine
