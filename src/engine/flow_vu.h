// FlowVu: one virtual user running a plan's flows — per-VU variables, its iteration counter, an
// RNG, and one keep-alive connection — as a state machine over the worker's EventLoop:
//   idle -> (waiting to start) -> step by step: request (connect, send, await response) or
//   think (a timer, never a sleep) -> iteration done -> the driver decides what comes next.
// Requests are rendered from the compiled templates into reused buffers; the response bytes are
// kept only for steps whose checks or extractions read headers or the body, and otherwise only
// up to the end of the head so the VU's cookie jar sees every Set-Cookie (k6: a jar per VU,
// emptied when an iteration starts unless the plan sets noCookiesReset).
//
// Thread-safety: owned by one worker thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "engine/plan_index.h"
#include "net/address.h"
#include "net/event_loop.h"
#include "plan/template.h"
#include "protocols/cookie_jar.h"
#include "protocols/http1_response_parser.h"
#include "results/metric_set.h"

namespace perfgate::engine {

class PlanWorker;
class ScenarioDriver;

class FlowVu final : public net::IoHandler, public net::TimerHandler {
 public:
  FlowVu(PlanWorker& worker, ScenarioDriver& driver, int64_t number);
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

  void on_io(uint32_t events) override;
  void on_timer(uint64_t token) override;

 private:
  enum class State : uint8_t {
    kIdle,
    kWaitingStart,
    kThinking,
    kConnecting,
    kSending,
    kAwaitingResponse
  };

  void load_row_variables();
  void next_step(Nanos now);
  void begin_request(const FlatStep& step, Nanos now);
  plan::RenderContext render_context();
  bool render_request(const FlatStep& step, const net::Address** address);
  bool build_request(const FlatStep& step, const plan::RenderContext& context,
                     const net::Address** address);
  void dispatch(const net::Address& address, Nanos now);
  bool follow_redirect(const FlatStep& step, Nanos now);
  void start_connect(const net::Address& address, Nanos now);
  void on_connect_ready(uint32_t events, Nanos now);
  void send_request(Nanos now);
  void read_response(uint32_t events, Nanos now);
  void complete(Nanos now);
  void fail(results::ErrorClass error, Nanos now);
  void parse_head(std::string_view* body, bool want_body);
  void render_cookie_header(const protocols::HttpUrl& url, int64_t unix_millis, std::string* out);
  void store_cookies();
  // The numbers of one finished request (see flow_metrics.cc).
  struct RequestSample {
    int status = 0;       // 0: no response
    bool failed = false;  // a transport error or a status >= 400
    std::optional<results::ErrorClass> error;
    bool timed = false;  // a response arrived, so `trends` hold values (microseconds)
    std::array<int64_t, results::kTrendCount> trends{};
    std::array<bool, results::kTrendCount> has{};
    int64_t sent = 0, received = 0;
  };
  void record(const FlatStep& step, Nanos now, std::optional<results::ErrorClass> error);
  void record_hop(const FlatStep& step, Nanos now);
  RequestSample measure(Nanos now, int status, std::optional<results::ErrorClass> error);
  void record_sample(const FlatStep& step, const RequestSample& sample, bool with_checks);
  void record_subs(const std::vector<SubMatch>& matches, const FlatStep& step,
                   const RequestSample& sample, bool with_checks);
  void record_iteration(Nanos duration);
  void after_request(Nanos now);
  void finish_iteration(Nanos now);
  void end_iteration(Nanos now, bool backoff);
  void close_connection();
  uint64_t arm(Nanos at);

  PlanWorker& worker_;
  ScenarioDriver& driver_;
  int64_t number_;
  State state_ = State::kIdle;
  std::vector<std::string> vars_;
  std::mt19937_64 rng_;
  int64_t iteration_ = 0;
  size_t flow_ = 0;
  size_t step_ = 0;
  std::vector<Nanos> group_starts_;
  uint64_t timer_ = 0;  // token of the live timer; other fires are stale

  // Connection.
  int fd_ = -1;
  std::string connection_key_;  // host:port the connection goes to
  bool fresh_connection_ = false;
  bool retried_ = false;
  const net::Address* address_ = nullptr;

  // The current request.
  Nanos iteration_scheduled_ = 0, picked_up_ = 0;
  Nanos request_scheduled_ = 0;  // the iteration's due time for its first request, else send
  bool first_request_ = true;
  Nanos connect_start_ = 0, connect_end_ = 0, send_start_ = 0, send_end_ = 0, first_byte_ = 0;
  bool first_byte_seen_ = false;
  bool keep_bytes_ = false;  // the step reads the body: keep every response byte
  bool keep_head_ = false;   // until the head is complete (the cookie jar reads Set-Cookie)
  bool head_ = false;
  size_t written_ = 0;
  int64_t received_ = 0;         // response bytes read for the current request
  bool connect_failed_ = false;  // in this iteration: the driver backs off before the next
  std::vector<char> check_results_;
  std::string url_, request_, value_, response_, body_, method_, dechunked_;
  protocols::HttpUrl current_url_;  // of the request in flight (redirects resolve against it)
  int redirects_ = 0;               // redirects followed for the current step
  std::string_view response_body_;  // of the final response, when the step keeps bytes
  protocols::Http1ResponseParser parser_;
  std::vector<std::pair<std::string_view, std::string_view>> headers_;
  protocols::CookieJar cookies_;
  std::string cookie_host_, cookie_path_, jar_value_;  // of the current request
};

}  // namespace perfgate::engine
