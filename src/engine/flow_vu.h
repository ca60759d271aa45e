// FlowVu: one virtual user running a plan's flows — per-VU variables, its iteration counter, an
// RNG, a cookie jar and one Connection (the connection driver, engine/connection.h) — as a state
// machine over the worker's EventLoop:
//   idle -> (waiting to start) -> step by step: request (handed to the connection, which calls
//   back once with the outcome), think (a timer, never a sleep) or batch -> iteration done ->
//   the driver decides what comes next.
// Requests are rendered from the compiled templates into reused buffers, or taken as prebuilt
// wire bytes when nothing in them varies (the literal fast path). The connection keeps header
// fields for the cookie jar (k6: a jar per VU, emptied when an iteration starts unless the plan
// sets noCookiesReset) and the body only for steps whose checks or extractions read it.
//
// Batch steps (k6's http.batch, flow_batch.cc): the VU hands the batch's requests to lanes —
// FlowVus of its own that share its variables and cookie jar and run one request each, through
// the same code as any request step — at most options.batch at once and options.batchPerHost per
// host, and goes on when all have ended. A lane sends on the VU's connection when that takes the
// request now (an idle keep-alive HTTP/1.1 connection, a free HTTP/2 stream), else on its own
// connection, or through the shared connections (--connections) like any request.
//
// Thread-safety: owned by one worker thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "engine/connection.h"
#include "engine/plan_index.h"
#include "engine/trace_context.h"
#include "net/event_loop.h"
#include "net/resolver.h"
#include "plan/template.h"
#include "protocols/cookie_jar.h"
#include "protocols/grpc/framing.h"
#include "protocols/session.h"
#include "results/metric_set.h"

namespace perfgate::engine {

class PlanWorker;
class ScenarioDriver;

class FlowVu final : public net::TimerHandler, public ConnectionUser, private net::ResolveWaiter {
 public:
  FlowVu(PlanWorker& worker, ScenarioDriver& driver, int64_t number);
  // A lane of `parent` (batch steps); `lane` numbers it (its RNG differs from its siblings').
  FlowVu(PlanWorker& worker, ScenarioDriver& driver, int64_t number, FlowVu* parent, size_t lane);
  ~FlowVu() override;

  // Starts an iteration now; `scheduled` is when it was due (open model) or now.
  void start_iteration(Nanos scheduled, Nanos now);
  // Starts an iteration at `at` (a timer), e.g. the next one of a closed-model VU.
  void start_at(Nanos at);
  // Cuts the current iteration: not counted, connection closed.
  void abort();
  bool busy() const { return state_ != State::kIdle; }
  bool waiting_to_start() const { return state_ == State::kWaitingStart; }
  int64_t number() const { return number_; }
  int64_t iterations() const { return iteration_; }
  Nanos deactivated_at = -1;  // ramping-vus: when the target dropped below this VU
  // The worker's timeout sweep (the lanes' connections too).
  void check_deadline(Nanos now);

  void on_timer(uint64_t token) override;

 private:
  enum class State : uint8_t { kIdle, kWaitingStart, kThinking, kRequest, kBatch };

  void load_row_variables();
  void next_step(Nanos now);
  void begin_request(const FlatStep& step, Nanos now);
  plan::RenderContext render_context();
  std::optional<results::ErrorClass> render_request(const FlatStep& step);
  std::optional<results::ErrorClass> build_request(const FlatStep& step,
                                                   const plan::RenderContext& context);
  // Sends the built request to *request_url_'s origin: one resolved before the run, or one
  // the worker's resolver knows or looks up (the step then waits without blocking the loop).
  void send(const FlatStep& step, Nanos now);
  void send_resolved(const FlatStep& step, Nanos now);
  // Hands the request for origin_ to the shared connections or the VU's own.
  void dispatch(const FlatStep& step, Nanos now);
  void on_resolved(const net::Address* address, const std::string& error) override;
  Nanos timeout_for(const FlatStep& step) const;
  plan::HttpVersion version_for(const FlatStep& step) const;
  void on_request_done(const RequestOutcome& outcome, Nanos now) override;
  bool follow_redirect(const FlatStep& step, const RequestOutcome& outcome, Nanos now);
  void fail_step(const FlatStep& step, results::ErrorClass error, Nanos now);
  void render_cookie_header(const protocols::HttpUrl& url, int64_t unix_millis, std::string* out);
  void store_cookies(std::span<const protocols::HeaderField> headers);
  // The numbers of one finished request (see flow_metrics.cc).
  struct RequestSample {
    int status = 0;        // 0: no response
    int grpc_status = -1;  // a gRPC step's status code, its `status` tag; -1: an HTTP step
    bool failed = false;   // a transport error or a status >= 400
    std::optional<results::ErrorClass> error;
    bool timed = false;  // a response arrived, so `trends` hold values (microseconds)
    std::array<int64_t, results::kTrendCount> trends{};
    std::array<bool, results::kTrendCount> has{};
    int64_t sent = 0, received = 0;
  };
  void record(const FlatStep& step, const RequestOutcome& outcome, Nanos now);
  RequestSample measure(const RequestOutcome& outcome, int status);
  void record_sample(const FlatStep& step, const RequestSample& sample, bool with_checks);
  void record_subs(const std::vector<SubMatch>& matches, const FlatStep& step,
                   const RequestSample& sample, bool with_checks);
  void record_iteration(Nanos duration);
  std::string requested_url() const;
  // group_duration of the group whose end marker is flat step `end`, and its sub-metrics.
  void record_group(size_t end, int64_t micros);
  void after_request(Nanos now);
  void finish_iteration(Nanos now);
  void end_iteration(Nanos now, bool backoff);
  uint64_t arm(Nanos at);

  PlanWorker& worker_;
  ScenarioDriver& driver_;
  int64_t number_;
  State state_ = State::kIdle;
  FlowVu* parent_ = nullptr;  // set on a lane
  std::vector<std::string> own_vars_;
  std::vector<std::string>& vars_;  // own_vars_, or the parent's on a lane
  std::mt19937_64 rng_;
  int64_t iteration_ = 0;
  size_t flow_ = 0;
  size_t step_ = 0;
  std::vector<Nanos> group_starts_;
  uint64_t timer_ = 0;  // token of the live timer; other fires are stale
  Connection connection_;

  // The current request.
  Nanos iteration_scheduled_ = 0, picked_up_ = 0;
  Nanos asked_at_ = 0;  // when the request was handed to the connection (or the pool)
  bool first_request_ = true;
  bool connect_failed_ = false;  // in this iteration: the driver backs off before the next
  std::vector<char> check_results_;
  std::string url_, value_, method_, body_, cookie_value_;
  std::string header_bytes_;                             // rendered header values, back to back
  std::vector<std::pair<size_t, size_t>> header_spans_;  // each value's [begin, end)
  std::vector<protocols::HeaderField> fields_;
  protocols::OutgoingRequest request_;
  protocols::ResponseCapture capture_;
  Origin origin_;
  std::string origin_key_;  // when origin_ was resolved during the run
  net::Address resolved_;   // ... and its address
  bool resolving_ = false;  // waiting for the resolver
  // The URL of the request in flight (redirects resolve against it): the step's literal one or
  // rendered_url_.
  const protocols::HttpUrl* request_url_ = nullptr;
  protocols::HttpUrl rendered_url_;
  int redirects_ = 0;    // redirects followed for the current step
  bool traced_ = false;  // options.tracing: the current request carries trace_
  Traceparent trace_;
  protocols::CookieJar own_cookies_;
  protocols::CookieJar& cookies_;  // own_cookies_, or the parent's on a lane

  // gRPC steps (flow_grpc.cc): a templated message rendered as JSON in body_ becomes its framed
  // bytes (false when it does not match its type); a finished call sets the sample's failure
  // and grpc_req_duration and returns its status (also the sample's `status` tag).
  bool encode_grpc_message(const plan::RequestStep& req);
  int read_grpc_call(const FlatStep& step, const RequestOutcome& outcome, RequestSample& sample,
                     Nanos now);
  // A gRPC step's checks read the response metadata: its headers and then its trailers.
  std::vector<protocols::HeaderField> grpc_metadata_;
  protocols::grpc::FrameReader grpc_frames_;
  std::string grpc_json_;                // the call's messages as JSON, when its checks read them
  std::string cookie_path_, jar_value_;  // of the current request

  // Batch steps (flow_batch.cc).
  void begin_batch(const FlatStep& step, Nanos now);
  // Starts pending requests while the limits allow; ends the batch when none is left.
  void fill_batch(Nanos now);
  void on_lane_done(FlowVu& lane, Nanos now);
  // On a lane: runs flat step `step` of `root`'s current iteration.
  void run_lane(const FlowVu& root, size_t step, size_t host, Nanos now);
  FlowVu& idle_lane();
  // The "scheme://host:port" a request step goes to ("" when its URL does not parse).
  std::string batch_host(const FlatStep& step);
  struct Batch {
    size_t end = 0;                                  // the flat index of its kBatchEnd
    std::vector<std::pair<size_t, size_t>> pending;  // (flat step, host) not started, in order
    std::vector<std::string> hosts;
    std::vector<int> per_host;  // requests in flight per host
    int running = 0;
    bool filling = false;  // inside fill_batch: a lane ending there does not fill again
  };
  Batch batch_;
  std::vector<std::unique_ptr<FlowVu>> lanes_;
  size_t lane_host_ = 0;  // on a lane: its request's host in the parent's batch_.hosts
};

}  // namespace perfgate::engine
