// Plan: the validated, fully expanded test plan — what a plan file says, in the shape the engine
// consumes directly. Everything here is resolved at load time: durations are nanoseconds, load
// patterns are expanded into stages, templates are compiled with variables bound to slots, flows
// referenced by scenarios are indices, data files are read. Each element keeps its SourcePos so
// later stages (the engine, reports) can still point at the plan line a thing came from.
//
// Semantics follow k6's scenarios and executors (https://grafana.com/docs/k6/latest/using-k6/
// scenarios/executors/); schedule.h turns a Scenario into VU targets and iteration start times.
//
// Thread-safety: immutable after loading; share it read-only between threads.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "plan/diagnostics.h"
#include "plan/regex.h"
#include "plan/segment.h"
#include "plan/template.h"
#include "plan/threshold.h"

namespace perfgate::protocols::grpc {
struct Method;
}

namespace perfgate::plan {

constexpr Nanos kSecond = kNanosPerSecond;
constexpr std::int64_t kDefaultMaxBodyBytes = 10'000'000;  // options.maxBodySize: "10MB"
constexpr std::int64_t kMaxMaxBodyBytes = 1LL << 30;       // its upper bound: 1 GiB
constexpr int kMaxConnections = 100000;                    // options.connections' upper bound
constexpr int kDefaultBatch = 20;                          // options.batch: k6's default
constexpr int kDefaultBatchPerHost = 6;                    // options.batchPerHost: k6's default
constexpr int kMaxBatch = 1000;  // upper bound of both, and of the requests in one batch

// ---- scenarios ----------------------------------------------------------------------------

enum class ExecutorKind {
  kConstantVus,
  kRampingVus,
  kConstantArrivalRate,
  kRampingArrivalRate,
  kPerVuIterations,
  kSharedIterations,
};
std::string_view executor_name(ExecutorKind kind);
bool is_arrival_rate(ExecutorKind kind);

// Uniform: k6's evenly spaced starts. Poisson: exponential inter-arrival times with the same
// (possibly ramping) mean rate, reproducible from `seed`.
enum class ArrivalMode { kUniform, kPoisson };

// Which HTTP a request speaks (option `http`: auto, http1, http2). kAuto: HTTP/2 when a TLS
// server selects h2 by ALPN, else HTTP/1.1. kHttp2 over plain http:// is h2c with prior
// knowledge, and over TLS fails when the server does not select h2.
enum class HttpVersion : uint8_t { kAuto, kHttp1, kHttp2 };

struct Stage {
  Nanos duration = 0;
  std::int64_t target = 0;  // VUs (ramping-vus) or iterations per time_unit (ramping-arrival-rate)
  SourcePos pos;
};

// One flow a scenario may run, with its share of iterations.
struct FlowChoice {
  size_t flow = 0;      // index into Plan::flows
  double weight = 1.0;  // relative; the engine picks a flow per iteration with p = w / sum(w)
};

struct Scenario {
  std::string name;
  SourcePos pos;
  ExecutorKind executor = ExecutorKind::kConstantVus;
  std::string pattern;  // "step", "spike", "soak" when stages came from a shorthand; else empty

  // Common options (k6 defaults).
  Nanos start_time = 0;
  Nanos graceful_stop = 30 * kSecond;
  std::map<std::string, std::string> tags;
  std::map<std::string, std::string> env;
  std::vector<FlowChoice> flows;  // one entry for `exec:`, several for weighted `flows:`

  // Executor options; only those of `executor` are meaningful (validation enforces it).
  std::int64_t vus = 1;                     // constant-vus, per-vu-iterations, shared-iterations
  Nanos duration = 0;                       // constant-vus, constant-arrival-rate
  std::int64_t start_vus = 1;               // ramping-vus
  std::vector<Stage> stages;                // ramping-vus, ramping-arrival-rate
  Nanos graceful_ramp_down = 30 * kSecond;  // ramping-vus
  std::int64_t rate = 0;                    // constant-arrival-rate: iterations per time_unit
  std::int64_t start_rate = 0;              // ramping-arrival-rate
  Nanos time_unit = kSecond;                // arrival-rate executors
  std::int64_t pre_allocated_vus = 0;       // arrival-rate executors
  std::int64_t max_vus = 0;                 // arrival-rate executors; defaults to pre_allocated_vus
  std::int64_t iterations = 1;         // per-vu-iterations (each VU), shared-iterations (total)
  Nanos max_duration = 600 * kSecond;  // per-vu-iterations, shared-iterations
  ArrivalMode arrival = ArrivalMode::kUniform;
  std::uint64_t seed = 1;  // for arrival: poisson
  // Arrival-rate executors: how long an iteration that finds no free VU waits for one (its
  // latency counting from its scheduled start) before it is dropped. 0: dropped at once, as in
  // k6. One-liners wait up to their timeout.
  Nanos max_queue_wait = 0;
  // Option `http`: which HTTP this scenario's requests speak (a step's own `http` wins).
  HttpVersion http = HttpVersion::kAuto;
};

// ---- flows ------------------------------------------------------------------------------

struct Header {
  std::string name;
  Template value;
};

enum class ExtractSource { kJson, kHeader, kRegex, kCookie };

// Sets VU variable `slot` from the response. A missing match leaves the variable empty and
// counts as a failed extraction (the engine records it; it does not stop the VU).
struct Extract {
  std::string variable;
  int slot = -1;
  ExtractSource source = ExtractSource::kJson;
  std::string expression;      // JSON pointer (JSONPath is converted), header/cookie name, regex
  std::optional<Regex> regex;  // kRegex: compiled (RE2); group 1 if present, else the match
  SourcePos pos;
};

enum class CheckKind {
  kStatusIn,
  kHeaderMatches,
  kBodyContains,
  kBodyMatches,
  kJsonEquals,
  kJsonExists,
  kDurationBelow,
  kGrpcStatusIn,  // a gRPC step's status code is one of `statuses` (0..16)
};

// One check; its outcome feeds the `checks` rate metric, tagged with check=<name>. A named check
// (`"status is 200": {status: 200, ...}`) is its first condition plus `also`, all of which must
// hold. In results a check is known by its group path, its step's name and its own name.
struct Check {
  CheckKind kind = CheckKind::kStatusIn;
  std::string name;  // the plan's name, or the condition's ("status in [200,201]"); unique per step
  std::vector<int> statuses;   // kStatusIn, kGrpcStatusIn
  std::string subject;         // header name, JSON pointer, or the text to look for
  std::string expected;        // kJsonEquals: the JSON text of the expected value
  std::optional<Regex> regex;  // kHeaderMatches, kBodyMatches (RE2)
  Nanos below = 0;             // kDurationBelow
  std::vector<Check> also;     // a named check's further conditions (their names are unused)
  SourcePos pos;
};

enum class ThinkKind { kFixed, kUniform, kNormal, kExponential };

struct Think {
  ThinkKind kind = ThinkKind::kFixed;
  Nanos a = 0;  // fixed: the time; uniform: min; normal/exponential: mean
  Nanos b = 0;  // uniform: max; normal: standard deviation
};

// A sample added to a custom metric after a request.
struct Record {
  size_t metric = 0;  // index into Plan::metrics
  enum class Value { kConstant, kDuration, kChecksPassed, kTemplate } value = Value::kConstant;
  double constant = 1;
  Template text;  // kTemplate: rendered then parsed as a number
};

struct RequestStep {
  std::string name;  // the `name` tag of its metrics; defaults to "METHOD url-template"
  std::string method = "GET";
  Template url;                 // absolute after load (options.baseUrl prepended to relative URLs)
  std::vector<Header> headers;  // options.headers merged with the step's (step wins)
  Template body;
  Nanos timeout = 0;                // 0: options.timeout
  std::optional<HttpVersion> http;  // option `http`; unset: the scenario's
  std::vector<Extract> extracts;
  std::vector<Check> checks;
  std::vector<Record> records;
  // A gRPC step (`grpc:`, docs/grpc.md): the method called, null for HTTP steps. The request is
  // a POST of `url` (http:// or https:// + the method's path) with the gRPC headers and metadata
  // in `headers`. `body` is the framed request message when the message is literal (encoded at
  // load time); with templates it is the message's JSON, encoded per request.
  std::shared_ptr<const protocols::grpc::Method> grpc;
  bool grpc_encode_body = false;
  // `tags:` of the step, added to its samples (requests, checks, custom-metric records) over the
  // scenario's tags of the same name; threshold selectors read them like any tag.
  std::map<std::string, std::string> tags;
  // Server-streaming calls: the Plan::metrics counters grpc_streams, grpc_streams_msgs_sent and
  // grpc_streams_msgs_received (k6's names), declared by the loader; -1 otherwise.
  std::array<int, 3> grpc_stream_metrics = {-1, -1, -1};
};

// kBatch: k6's http.batch — the request steps in `steps` are sent in parallel (at most
// options.batch at once, options.batchPerHost per host), each on a connection or HTTP/2 stream of
// its own, and the flow goes on when all have ended. Each is recorded, checked and extracts as a
// request step does; one failing cancels none of the others.
struct Step {
  enum class Kind { kRequest, kThink, kGroup, kBatch } kind = Kind::kRequest;
  RequestStep request;      // kRequest
  Think think;              // kThink
  std::string group;        // kGroup: the name (k6's group tag)
  std::vector<Step> steps;  // kGroup: the nested steps; kBatch: its requests (kRequest only)
  // `once: true`: run only in the VU's first iteration (k6's `if (__ITER === 0)`), e.g. a login
  // whose extracted token later iterations reuse (a VU's variables outlive its iterations).
  bool once = false;
  SourcePos pos;
};

struct Flow {
  std::string name;
  std::vector<Step> steps;
  std::vector<size_t> feeders;  // indices into Plan::feeders whose columns the flow reads
  SourcePos pos;
};

// ---- data, variables, metrics ----------------------------------------------------------

enum class FeederMode { kSequential, kRandom, kUniquePerVu };

struct Feeder {
  std::string name;
  std::string path;  // resolved against the plan file's directory
  FeederMode mode = FeederMode::kSequential;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // rows[i][column]
  // `segments: partition`: under an execution segment keep only the segment's rows (see
  // plan::apply_segment); default `share`: every segment reads every row.
  bool partition = false;
  SourcePos pos;
};

// One VU variable slot and everything that may fill it at run time: the engine sets constants
// and the scenario's env when a VU starts, feeder columns when an iteration starts, and
// extracted values after the response that carries them.
struct Variable {
  std::string name;
  std::optional<std::string> constant;                    // from top-level `vars:`
  bool scenario_env = false;                              // some scenario's `env:` defines it
  bool extracted = false;                                 // some step's `extract:` sets it
  std::vector<std::pair<size_t, size_t>> feeder_columns;  // (feeder, column) pairs
};

struct CustomMetric {
  std::string name;
  MetricType type = MetricType::kCounter;
  SourcePos pos;
};

// ---- the plan -----------------------------------------------------------------------------

struct TlsAuth {
  std::vector<std::string> domains;
  std::string cert;  // PEM file
  std::string key;   // PEM file
};

struct Options {
  std::string base_url;
  std::vector<Header> headers;
  Nanos timeout = 60 * kSecond;  // per request, k6's default
  // k6's noCookiesReset: keep each VU's cookie jar across iterations instead of emptying it when
  // an iteration starts.
  bool no_cookies_reset = false;
  int max_redirects = 10;  // k6's maxRedirects: 3xx answers followed per request step
  // options.maxBodySize: the most response-body bytes kept for a step that reads the body
  // (body/JSON checks, json/regex extraction); a longer body fails that request.
  std::int64_t max_body_bytes = kDefaultMaxBodyBytes;
  // k6's discardResponseBodies: keep no response body at all (steps that read one are refused at
  // load time).
  bool discard_response_bodies = false;
  // options.connections: > 0, the VUs share this many connections (their requests multiplexed as
  // HTTP/2 streams; `--connections` wins); 0: one connection per VU.
  int connections = 0;
  // k6's batch and batchPerHost: the most requests of one batch step a VU has in flight at once,
  // in all and to one host ("scheme://host:port"; 0: no per-host limit).
  int batch = kDefaultBatch;
  int batch_per_host = kDefaultBatchPerHost;
  // TLS, with k6's option names: insecureSkipTLSVerify, tlsVersion (one version or {min, max}),
  // tlsCipherSuites (IANA names), tlsAuth (client certificates per domain; file paths here,
  // resolved against the plan's directory).
  bool insecure_skip_tls_verify = false;
  std::string tls_version_min, tls_version_max;  // "tls1.2"...; empty: the default
  std::vector<std::string> tls_cipher_suites;
  std::vector<TlsAuth> tls_auth;
  std::vector<Threshold> thresholds;
  // options.strictThresholds (or --strict-thresholds): a threshold no sample reached fails the
  // run instead of being reported as "no data".
  bool strict_thresholds = false;
  // k6's tracing (`instrumentHTTP({propagator: "w3c", sampling})`; options.tracing here, or
  // --traceparent RATIO): a W3C traceparent header on every request, marked sampled with
  // probability trace_sampling (0..1); see engine/trace_context.h.
  bool tracing = false;
  double trace_sampling = 1.0;
};

struct Plan {
  std::string file;
  std::string name;
  Options options;
  std::vector<Scenario> scenarios;
  std::vector<Flow> flows;
  std::vector<Feeder> feeders;
  std::vector<Variable> variables;  // the VU variable slots, indexed by Template slot
  std::vector<CustomMetric> metrics;
  // Values that must never be printed or stored (from secret-looking or `secrets:` env vars).
  std::vector<std::string> secret_values;
  // This process's execution segment (--execution-segment; default the whole test): the engine
  // runs only the VUs, arrivals and iterations it owns (see segment.h).
  SegmentTuple segment;

  const Flow* find_flow(std::string_view name) const;
  int slot_of(std::string_view variable) const;  // -1 if none
};

}  // namespace perfgate::plan
