// FlowVu: the gRPC side of a request step (docs/grpc.md) — a templated message encoded per
// request, and a finished call read into its status, message count and JSON; see flow_vu.h.
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

int FlowVu::read_grpc_call(const FlatStep& step, const protocols::Response* response,
                           RequestSample& sample, Nanos now) {
  grpc_json_.clear();
  if (response == nullptr) return -1;  // no response: the transport error says why
  const plan::RequestStep& req = *step.request;
  protocols::grpc::CallResult call =
      protocols::grpc::read_call(*req.grpc, response->headers, response->trailers, response->status,
                                 response->body, step.grpc_json, grpc_frames_);
  if (call.status.code != protocols::grpc::kStatusOk) {
    sample.failed = true;
    sample.error = grpc_error_class(call.status.code);
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
