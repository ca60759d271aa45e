#include "outputs/influxdb_output.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "net/address.h"

namespace perfgate::outputs {
namespace {

constexpr std::string_view kWriteSuffix = "/write";

std::string describe_reply(const HttpReply& reply) {
  std::string body = reply.body.substr(0, 200);
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
  return body.empty() ? fmt::format("HTTP {}", reply.status)
                      : fmt::format("HTTP {}: {}", reply.status, body);
}

bool is_success(const HttpReply& reply) { return reply.status >= 200 && reply.status < 300; }

// "/query?q=CREATE+DATABASE..." next to the write path, keeping the credentials (u, p).
std::string create_database_url(const EndpointUrl& url, const std::string& db) {
  std::string query = "q=" + url_encode(fmt::format("CREATE DATABASE \"{}\"", db));
  for (const char* name : {"u", "p"}) {
    const std::string value = query_parameter(url.query, name);
    if (!value.empty()) query += fmt::format("&{}={}", name, url_encode(value));
  }
  return url.with(url.path.substr(0, url.path.size() - kWriteSuffix.size()) + "/query", query);
}

Result<void> create_database(const EndpointUrl& url, const std::string& db,
                             const InfluxDbOptions& options) {
  HttpCall call;
  call.method = "POST";
  call.url = create_database_url(url, db);
  call.content_type = "application/x-www-form-urlencoded";
  call.timeout = options.request_timeout;
  auto reply = http_exchange(call, options.http);
  const std::string& where = url.url.authority;
  if (!reply) {
    return make_error(fmt::format("influxdb at {}: {}", where, reply.error().message),
                      "is InfluxDB running there? start it, or fix the --out URL");
  }
  if (!is_success(*reply)) {
    return make_error(fmt::format("influxdb at {}: CREATE DATABASE \"{}\" failed: {}", where, db,
                                  describe_reply(*reply)));
  }
  return {};
}

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// The query without its `schema` parameter (perfgate's, not InfluxDB's).
std::string without_schema(std::string_view query) {
  std::string out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view part = query.substr(start, end - start);
    if (!part.empty() && !part.starts_with("schema=")) {
      out += out.empty() ? "" : "&";
      out += part;
    }
    start = end + 1;
  }
  return out;
}

// k6's form http://HOST:8086/DB becomes /write?db=DB (other parameters kept).
bool rewrite_k6_form(EndpointUrl& url) {
  if (url.path.size() < 2 || url.path.find('/', 1) != std::string::npos ||
      url.path == kWriteSuffix || !query_parameter(url.query, "db").empty()) {
    return false;
  }
  const std::string db = url.path.substr(1);
  url.query = "db=" + url_encode(db) + (url.query.empty() ? "" : "&" + url.query);
  url.path = std::string(kWriteSuffix);
  return true;
}

}  // namespace

InfluxDbOptions influxdb_options_from_environment() {
  InfluxDbOptions options;
  options.http.username = environment("K6_INFLUXDB_USERNAME");
  options.http.password = environment("K6_INFLUXDB_PASSWORD");
  options.http.token = environment("K6_INFLUXDB_TOKEN");
  const std::string insecure = environment("K6_INFLUXDB_INSECURE");
  options.http.insecure_skip_tls_verify = insecure == "true" || insecure == "1";
  return options;
}

Result<std::unique_ptr<InfluxDbOutput>> InfluxDbOutput::create(std::string_view text,
                                                               const RunInfo& run,
                                                               const InfluxDbOptions& options) {
  auto url = parse_endpoint_url(text);
  if (!url) return url.error();
  const std::string schema = query_parameter(url->query, "schema");
  if (!schema.empty() && schema != "k6" && schema != "perfgate") {
    return make_error(fmt::format("influxdb: unknown schema \"{}\"", schema),
                      "schema=k6 (k6's measurements, the default for http://HOST:8086/DB) or "
                      "schema=perfgate (per-second aggregates)");
  }
  url->query = without_schema(url->query);
  const bool k6_form = rewrite_k6_form(*url);
  const std::string db = query_parameter(url->query, "db");
  if (!url->path.ends_with(kWriteSuffix) || db.empty()) {
    return make_error(fmt::format("influxdb: \"{}\" is not an InfluxDB 1.x URL", text),
                      "write it as http://HOST:8086/DB (k6's form) or "
                      "http://HOST:8086/write?db=NAME");
  }
  const bool k6_schema = schema.empty() ? k6_form : schema == "k6";
  // The start-up check that the host exists; libcurl resolves it again for each connection.
  if (auto address = net::resolve(url->url.host, url->url.port); !address) {
    return address.error();
  }
  if (options.create_database) {
    auto created = create_database(*url, db, options);
    if (!created) return created.error();
  }
  return std::unique_ptr<InfluxDbOutput>(
      new InfluxDbOutput(std::move(*url), run, options, k6_schema));
}

InfluxDbOutput::InfluxDbOutput(EndpointUrl url, const RunInfo& run, const InfluxDbOptions& options,
                               bool k6_schema)
    : url_(std::move(url)),
      client_(options.http),
      run_(run),
      options_(options),
      k6_schema_(k6_schema),
      sender_(options.max_pending_batches,
              [this](const std::string& batch, const std::atomic<bool>& cancel) {
                return post(batch, cancel);
              }) {}

InfluxDbOutput::~InfluxDbOutput() { finish(); }

void InfluxDbOutput::on_gauges(const std::vector<Gauge>& gauges) {
  append_gauge_points(pending_, run_, gauges, wall_clock_unix_nanos());
}

// The wall-clock span of the second now reported: from the end of the previous one (a last,
// partial second is shorter), never longer than a second.
Window InfluxDbOutput::next_window() {
  const int64_t end = wall_clock_unix_nanos();
  const int64_t start = std::max(end - kNanosPerSecond, std::min(last_end_, end - 1));
  last_end_ = end;
  return {start, end};
}

void InfluxDbOutput::on_second_detail(const SecondDetail& detail) {
  if (!k6_schema_) return;
  window_ = next_window();
  append_k6_detail(pending_, run_, detail, window_);
}

void InfluxDbOutput::on_second(const results::TimeSeriesPoint& second,
                               const results::MetricSet& totals) {
  const CounterSnapshot now = CounterSnapshot::of(totals);
  std::string batch = std::move(pending_);
  pending_.clear();
  const Window window = window_.end != 0 ? window_ : next_window();
  window_ = {};
  if (k6_schema_) {
    append_k6_counters(batch, run_, second, now.minus(previous_), window);
  } else {
    append_second_points(batch, run_, second, now.minus(previous_), window.end);
  }
  previous_ = now;
  sender_.push(std::move(batch));
}

Result<void> InfluxDbOutput::post(const std::string& batch, const std::atomic<bool>& cancel) {
  HttpCall call;
  call.method = "POST";
  call.url = url_.with(url_.path, url_.query);
  call.body = batch;
  call.content_type = "text/plain; charset=utf-8";
  call.timeout = options_.request_timeout;
  call.cancel = &cancel;
  auto reply = client_.exchange(call);
  if (!reply) return reply.error();
  if (!is_success(*reply)) return make_error(describe_reply(*reply));
  return {};
}

void InfluxDbOutput::finish() {
  if (!pending_.empty()) sender_.push(std::exchange(pending_, {}));
  sender_.finish(options_.finish_wait);
}

std::string InfluxDbOutput::summary_note() const {
  std::string note =
      fmt::format("influxdb: {} batches sent, {} dropped", sent_batches(), dropped_batches());
  if (const int64_t failed = failed_batches(); failed > 0) {
    note += fmt::format(", {} failed (last: {})", failed, sender_.last_error());
  }
  return note;
}

}  // namespace perfgate::outputs
