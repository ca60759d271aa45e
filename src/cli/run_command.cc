// `perfgate run URL`: the one-liner load test. Parse -> a one-step plan -> run on the engine ->
// print the summary (and write --summary-json) -> exit code. All logic lives in the engine,
// protocols and report modules; this file only translates the command line.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <thread>

#include "cli/command.h"
#include "cli/command_line_redaction.h"
#include "cli/distributed_options.h"
#include "cli/exit_codes.h"
#include "cli/github_actions.h"
#include "cli/plan_flags.h"
#include "cli/plan_outcomes.h"
#include "cli/run_attachments.h"
#include "cli/run_verdict.h"
#include "cli/tls_options.h"
#include "cli/version.h"
#include "core/atomic_file.h"
#include "core/read_file.h"
#include "core/units.h"
#include "engine/one_liner.h"
#include "engine/plan_run.h"
#include "net/socket.h"
#include "plan/overrides.h"
#include "plan/schedule.h"
#include "report/console_summary.h"
#include "report/outputs.h"
#include "report/results_model.h"
#include "report/summary_json.h"

namespace perfgate::cli {
namespace {

constexpr const char* kRunHelp =
    "Load-test one HTTP/1.1 URL (http:// or https://) and print a k6-style summary.\n\n"
    "Closed model (default): --vus VUs each send a request as soon as the previous response\n"
    "arrived. Open model (--rate): requests start on a fixed schedule whatever the target does;\n"
    "latency then counts from each scheduled start (coordinated-omission corrected).\n\n"
    "Examples:\n"
    "  perfgate run http://127.0.0.1:8080/ --vus 50 --duration 30s\n"
    "  perfgate run http://127.0.0.1:8080/ -c 50 -n 100000          # as with hey or ab\n"
    "  perfgate run http://127.0.0.1:8080/api --rate 2000 --duration 1m --max-vus 500\n"
    "  perfgate run http://127.0.0.1:8080/ --stage 10s:50 --stage 20s:0   # a ramp, as k6 -s\n"
    "  perfgate run http://127.0.0.1:8080/login -X POST -H 'Content-Type: application/json' \\\n"
    "      --body @login.json --summary-json summary.json\n\n"
    "Plans: perfgate run PLAN.yaml [-u N] [-d D | -i N | -s D:T ...] [-e KEY=VALUE]\n"
    "  [--tag NAME=VALUE] [--duration-scale F] [--strict-thresholds] ...; -d, -i and --stage\n"
    "  replace the plan's scenarios with one, as in k6; --duration-scale shortens the schedule\n"
    "  but keeps think times. All plan options: perfgate run PLAN.yaml --help\n\n"
    "Exit codes: 0 done (request failures are counted, not fatal), 5 no request succeeded\n"
    "(every one failed: a loud warning too), 1 runtime error, 2 bad input, 105 interrupted\n"
    "(Ctrl-C / SIGTERM; summary still printed and written).";

struct RunOptions {
  std::string url;
  double traceparent = -1;  // --traceparent RATIO; < 0: not given
  int vus = 10;
  std::string duration = "10s";
  bool duration_given = false;
  int64_t requests = 0;
  std::vector<std::string> stages;  // --stage D:T (a ramping-vus one-liner)
  std::vector<std::string> tags;    // --tag k=v
  std::string rate;
  int max_vus = 0;
  int connections = 0;  // > 0: the VUs share this many connections
  bool http1 = false, http2 = false;
  std::string method = "GET";
  std::vector<std::string> headers;
  std::string body;
  std::vector<std::string> protos, import_paths;  // grpc:// one-liners
  bool reflect = false;
  std::string message;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string timeout = "5s";
  std::string timer_resolution = "250us";
  std::string summary_json;
  TlsFlags tls;
  DistributedFlags distributed;  // --execution-segment, --start-at, ...
  AttachmentOptions attach;      // --out, --monitor
};

std::atomic<bool> g_interrupted{false};

void on_signal(int signal) {
  g_interrupted.store(true);
  std::signal(signal, SIG_DFL);  // a second Ctrl-C ends the process at once
}

int bad_input(const Error& error) {
  fmt::print(stderr, "error: {}\n", plan::Redactor().text(error.describe()));
  return kExitUsage;
}

void add_options(CLI::App& app, RunOptions& o, bool& vus_given) {
  app.add_option("url", o.url,
                 "target URL, http[s]://host[:port]/path or grpc[s]://host:port/pkg.Service/Method")
      ->required();
  app.add_option("-u,-c,--vus", o.vus,
                 "closed model: concurrent VUs, one connection each (default 10)")
      ->check(CLI::PositiveNumber)
      ->each([&](const std::string&) { vus_given = true; });
  app.add_option("-d,--duration", o.duration, "how long to run, e.g. 30s, 2m (default 10s)")
      ->each([&o](const std::string&) { o.duration_given = true; });
  app.add_option("-n,-i,--requests,--iterations", o.requests,
                 "stop after this many requests (with -d: whichever comes first)")
      ->check(CLI::PositiveNumber);
  app.add_option("-s,--stage", o.stages,
                 "DURATION:TARGET, repeatable: ramp the VUs (k6's ramping-vus; starts from -u, "
                 "default 1), e.g. --stage 10s:50 --stage 20s:0")
      ->allow_extra_args(false);
  add_traceparent_flag(app, o.traceparent);
  app.add_option("--tag", o.tags,
                 "NAME=VALUE on every sample (repeatable); testid=X names the run in live outputs")
      ->allow_extra_args(false);
  app.add_option("-r,--rate", o.rate, "open model: requests per second, e.g. 500 or 6000/m");
  app.add_option("--max-vus", o.max_vus,
                 "open model: most requests in flight (default max(100, rate/10))")
      ->check(CLI::PositiveNumber);
  app.add_option("--connections", o.connections,
                 "VUs share this many connections, their requests multiplexed as HTTP/2 streams "
                 "(-u 500 --connections 50 = h2load -c 50 -m 10); alone, it sets --vus as well")
      ->check(CLI::PositiveNumber);
  auto* http1 =
      app.add_flag("--http1", o.http1, "speak HTTP/1.1 only (https: ALPN offers only http/1.1)");
  app.add_flag("--http2", o.http2,
               "require HTTP/2: h2 by ALPN over https (a server that refuses fails as "
               "http2_not_negotiated), h2c with prior knowledge over http")
      ->excludes(http1);
  app.add_option("-X,--method", o.method, "HTTP method (default GET)");
  app.add_option("-H,--header", o.headers, "request header 'Name: value' (repeatable)")
      ->allow_extra_args(false);  // one value per -H, so a URL after -H stays the URL
  app.add_option("--body", o.body, "request body: TEXT, or @FILE to read it from a file");
  app.add_option("--proto", o.protos, "gRPC: a .proto file declaring the method (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--import-path", o.import_paths, "gRPC: where .proto imports are found")
      ->allow_extra_args(false);
  app.add_option("--message", o.message, "gRPC: the request message in JSON, or @FILE");
  app.add_flag("--reflect", o.reflect,
               "gRPC: ask the server for the method's types (server reflection, k6's reflect: "
               "true) before any traffic, instead of --proto");
  app.add_option("-t,--threads", o.threads, "worker threads (default: number of CPUs)")
      ->check(CLI::PositiveNumber);
  app.add_option("--timeout", o.timeout, "connect and request timeout (default 5s)");
  app.add_option("--timer-resolution", o.timer_resolution,
                 "how closely arrivals keep their schedule: 0 exact (most CPU), default 250us");
  app.add_option("--summary-json", o.summary_json,
                 "write the summary as JSON (k6 summary-export shape)");
  add_tls_flags(app, o.tls);
  add_distributed_options(app, o.distributed);
  add_attachment_options(app, o.attach);
}

Result<void> add_request(const RunOptions& o, engine::OneLiner& one) {
  one.url = o.url;
  one.method = o.method;
  for (const std::string& header : o.headers) {
    const size_t colon = header.find(':');
    if (colon == std::string::npos || colon == 0) {
      return make_error(fmt::format("invalid header \"{}\"", header), "write it as 'Name: value'");
    }
    std::string value = header.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    one.headers.emplace_back(header.substr(0, colon), value);
  }
  if (!o.body.empty() && o.body.front() == '@') {
    auto content = read_file_bounded(o.body.substr(1), kMaxBodyFileBytes, "body file");
    if (!content) return content.error();
    one.body = std::move(*content);
  } else {
    one.body = o.body;
  }
  one.protos = o.protos;
  one.import_paths = o.import_paths;
  one.reflect = o.reflect;
  one.reflection_tls = {o.tls.cacert, o.tls.insecure_skip_verify};
  if (!o.message.empty() && o.message.front() == '@') {
    auto content = read_file_bounded(o.message.substr(1), kMaxBodyFileBytes, "message file");
    if (!content) return content.error();
    one.message = std::move(*content);
  } else {
    one.message = o.message;
  }
  return {};
}

// Everything that can be wrong with the input is found here, before any traffic.
Result<engine::OneLiner> build_one_liner(const RunOptions& o, bool vus_given) {
  engine::OneLiner one;
  auto duration = parse_duration(o.duration);
  if (!duration) return duration.error();
  if (*duration <= 0) return make_error("--duration must be above 0");
  one.duration = o.requests > 0 && !o.duration_given ? results::kNoDurationLimit : *duration;
  auto timeout = parse_duration(o.timeout);
  if (!timeout) return timeout.error();
  if (*timeout <= 0) return make_error("--timeout must be above 0");
  one.timeout = *timeout;
  if (!o.rate.empty()) {
    if (vus_given)
      return make_error("--vus and --rate exclude each other",
                        "--vus runs a closed model, --rate an open one; use --max-vus with --rate");
    auto rate = parse_rate(o.rate);
    if (!rate) return rate.error();
    if (*rate <= 0) return make_error(fmt::format("invalid rate \"{}\": must be above 0", o.rate));
    one.open_model = true;
    one.rate = *rate;
    if (o.requests > 0) {  // arrivals j = 0..n-1 are due at j/rate: end between the last two
      const auto span = static_cast<Nanos>((static_cast<double>(o.requests) - 0.5) *
                                           static_cast<double>(kNanosPerSecond) / *rate);
      one.duration = o.duration_given ? std::min(*duration, span) : span;
    }
    one.max_vus = o.max_vus > 0 ? o.max_vus : engine::default_max_vus(*rate);
  } else if (o.max_vus > 0) {
    return make_error("--max-vus needs --rate", "the closed model uses --vus");
  } else {
    one.requests = o.requests;
  }
  one.vus = o.connections > 0 && !vus_given ? o.connections : o.vus;
  if (!o.stages.empty()) {
    if (!o.rate.empty() || o.requests > 0 || o.duration_given) {
      return make_error("--stage excludes --rate, --requests and --duration",
                        "the stages give the ramp and its length (k6's ramping-vus)");
    }
    one.vus = vus_given ? o.vus : 1;  // k6: the ramp starts from --vus, default 1
    one.duration = 0;
    for (const std::string& text : o.stages) {
      auto stage = plan::parse_stage_flag(text);
      if (!stage) return stage.error();
      one.stages.push_back(*stage);
      one.duration += stage->duration;
    }
    if (one.duration <= 0) return make_error("the stages give the run zero length");
  }
  one.connections = o.connections;
  one.http = o.http2   ? plan::HttpVersion::kHttp2
             : o.http1 ? plan::HttpVersion::kHttp1
                       : plan::HttpVersion::kAuto;
  if (auto ok = add_request(o, one); !ok) return ok.error();
  return one;
}

// The most VUs the one-liner runs at once.
int64_t most_vus(const engine::OneLiner& one) {
  int64_t most = one.open_model ? one.max_vus : one.vus;
  for (const plan::Stage& stage : one.stages) most = std::max(most, stage.target);
  return most;
}

Result<void> check_file_limit(const engine::OneLiner& one) {
  const long limit = net::raise_open_file_limit();
  const long needed = static_cast<long>(most_vus(one)) + 64;
  if (limit >= 0 && limit < needed) {
    return make_error(fmt::format("{} VUs need about {} open files, but the limit is {}",
                                  needed - 64, needed, limit),
                      "raise it with 'ulimit -n', or use fewer VUs");
  }
  return {};
}

// Whether `text` starts with a URL scheme ("http://", "grpc://"), i.e. is a one-liner's target.
bool is_url(std::string_view text) {
  const size_t colon = text.find("://");
  if (colon == std::string_view::npos || colon == 0) return false;
  return std::all_of(text.begin(), text.begin() + colon, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
}

// Whether the words name a plan: no URL among them and a .yaml/.yml/.json path (which need not
// exist: a missing file then gets the plan loader's "no such file", not "invalid URL").
bool names_plan_file(const std::vector<std::string>& args) {
  if (std::any_of(args.begin(), args.end(), [](const std::string& a) { return is_url(a); })) {
    return false;
  }
  return std::any_of(args.begin(), args.end(), [](const std::string& a) {
    const auto ends = [&](std::string_view suffix) {
      return a.size() > suffix.size() &&
             a.compare(a.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return !a.empty() && a[0] != '-' && (ends(".yaml") || ends(".yml") || ends(".json"));
  });
}

// The one-liner's header in summaries and results: its model's numbers, not a plan's scenarios.
void describe_one_liner(const engine::OneLiner& one, results::RunResult& run) {
  results::RunMetadata& meta = run.meta;
  if (!one.open_model && one.stages.empty()) {  // every VU runs for the whole test
    run.vus = {one.vus, one.vus, one.vus};
    run.vus_max = {one.vus, one.vus, one.vus};
  }
  meta.description.clear();
  meta.model = one.open_model ? results::Model::kOpen : results::Model::kClosed;
  meta.duration = one.duration;
  meta.requests = one.open_model ? 0 : one.requests;
  meta.vus = one.open_model ? 0 : static_cast<int>(most_vus(one));
  meta.max_vus = static_cast<int>(most_vus(one));
  meta.rate = one.open_model ? one.rate : 0;
  meta.timeout = one.timeout;
}

}  // namespace

int run_plan_main(const std::vector<std::string>& args);  // run_plan_command.cc

int run_main(const std::vector<std::string>& args) {
  if (names_plan_file(args)) return run_plan_main(args);
  CLI::App app(kRunHelp, "perfgate run");
  RunOptions o;
  bool vus_given = false;
  add_options(app, o, vus_given);
  if (int rc = parse_arguments(app, args); rc >= 0) return rc;
  auto resolution = parse_duration(o.timer_resolution);
  if (!resolution) return bad_input(resolution.error());
  auto one = build_one_liner(o, vus_given);
  if (!one) return bad_input(one.error());
  auto plan = engine::one_liner_plan(*one);
  if (!plan) return bad_input(plan.error());
  plan::PlanOverrides overrides;  // --tag: on every sample, as in a plan
  for (const std::string& text : o.tags) {
    auto tag = plan::parse_tag_flag(text);
    if (!tag) return bad_input(tag.error());
    overrides.tags[tag->first] = tag->second;
  }
  if (auto ok = plan::apply_overrides(*plan, overrides); !ok) return bad_input(ok.error());
  if (auto ok = apply_traceparent_flag(*plan, o.traceparent); !ok) return bad_input(ok.error());
  auto distributed = parse_distributed(o.distributed, unix_now_ns());
  if (!distributed) return bad_input(distributed.error());
  plan::apply_segment(*plan, distributed->segment);
  auto index = engine::build_plan_index(*plan);
  if (!index) return bad_input(index.error());
  auto tls = make_tls_context(o.tls, *index, nullptr);
  if (!tls) return bad_input(tls.error());
  if (auto ok = check_file_limit(*one); !ok) return bad_input(ok.error());
  if (!o.summary_json.empty()) {
    if (auto ok = check_writable(o.summary_json); !ok) return bad_input(ok.error());
  }
  o.attach.instance = distributed->instance;
  if (distributed->start_unix_ns) {  // parts with one --start-at share one testid
    o.attach.run_id = fmt::format("perfgate-{}", *distributed->start_unix_ns / kNanosPerSecond);
  }
  if (auto testid = overrides.tags.find("testid"); testid != overrides.tags.end()) {
    o.attach.run_id = testid->second;  // k6's convention: --tag testid=... names the run
  }
  o.attach.tags.assign(overrides.tags.begin(), overrides.tags.end());
  auto attachments = RunAttachments::prepare(o.attach);
  if (!attachments) return bad_input(attachments.error());
  results::RunMetadata meta;
  meta.version = kVersion;
  meta.command_line = redacted_command_line("perfgate run", args);
  meta.target_url = redactor_for_arguments(args).text(o.url);

  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  engine::PlanRunOptions options;
  options.threads = one->connections > 0 ? std::min(o.threads, one->connections) : o.threads;
  options.connections = one->connections;
  options.timer_resolution = *resolution;
  options.user_agent = fmt::format("perfgate/{}", kVersion);
  options.tls = *tls;
  options.cookies = false;
  options.interrupt = &g_interrupted;
  const bool tty = isatty(STDOUT_FILENO) == 1;
  RunAttachments& attached = **attachments;
  attached.set_request_labels(engine::request_labels(*index, *plan));
  options.on_second = [tty, &attached](const engine::LiveStatus& s) {
    attached.on_second(s);
    if (tty) {
      fmt::print("\r\033[K{}", report::format_progress_line(
                                   static_cast<double>(s.elapsed) / kNanosPerSecond,
                                   static_cast<double>(s.duration) / kNanosPerSecond,
                                   s.last_second->active_vus, *s.last_second, *s.totals));
      std::fflush(stdout);
    }
  };
  if (distributed->start_unix_ns && !wait_until_start(*distributed->start_unix_ns, g_interrupted)) {
    return kExitInterrupted;
  }
  attached.start();
  auto plan_result = engine::run_plan(*plan, *index, meta, options);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (tty) fmt::print("\r\033[K");
  if (!plan_result) {
    fmt::print(stderr, "error: {}\n", plan_result.error().describe());
    return kExitRuntimeError;
  }
  results::RunResult* result = &plan_result->run;
  describe_one_liner(*one, *result);
  report::ResultsDocument doc = report::make_document(*result);
  add_named_stats(doc, *plan_result, *index, *plan);
  doc.environment.instance = distributed->instance;
  doc.environment.tags = o.attach.tags;
  if (!plan->segment.full()) doc.environment.segment = plan->segment.segment().text();
  const std::string attached_lines = attached.finish(doc);
  fmt::print("{}{}", report::format_console_summary(*result), attached_lines);
  if (!plan->segment.full()) {
    fmt::print(
        "\n  {}: execution segment {} — this part's share of the test; merge the parts with "
        "`perfgate merge`\n",
        distributed->instance, plan->segment.segment().text());
  }
  std::fflush(stdout);
  bool written = true;
  if (!o.summary_json.empty()) {
    report::ResultsDocument summary = doc;  // the summary export lists per-name metrics
    summary.names.clear();
    add_plan_outcomes(summary, *plan_result, *index, *plan);
    if (auto ok = write_file_atomically(o.summary_json, report::format_plan_summary_json(summary));
        !ok) {
      fmt::print(stderr, "error: {}\n", ok.error().describe());
      written = false;
    }
  }
  if (auto ok = attached.write_files(doc); !ok) {
    fmt::print(stderr, "error: {}\n", ok.error().describe());
    written = false;
  }
  if (auto ok = append_step_summary(doc); !ok) {
    fmt::print(stderr, "warning: {}\n", ok.error().describe());
  }
  if (!written) return kExitRuntimeError;
  return final_exit_code(*result, result->interrupted ? kExitInterrupted : kExitOk);
}

}  // namespace perfgate::cli
