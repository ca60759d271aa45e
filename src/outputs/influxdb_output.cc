#include "outputs/influxdb_output.h"

#include <fmt/format.h>

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
std::string create_database_target(const HttpUrl& url, const std::string& db) {
  std::string target = url.path.substr(0, url.path.size() - kWriteSuffix.size()) +
                       "/query?q=" + url_encode(fmt::format("CREATE DATABASE \"{}\"", db));
  for (const char* name : {"u", "p"}) {
    const std::string value = query_parameter(url.query, name);
    if (!value.empty()) target += fmt::format("&{}={}", name, url_encode(value));
  }
  return target;
}

Result<void> create_database(const HttpUrl& url, const net::Address& address, const std::string& db,
                             Nanos timeout) {
  const std::string target = create_database_target(url, db);
  HttpCall call;
  call.method = "POST";
  call.target = target;
  call.host_header = url.authority;
  call.content_type = "application/x-www-form-urlencoded";
  call.timeout = timeout;
  auto reply = http_exchange(address, call);
  if (!reply) {
    return make_error(fmt::format("influxdb at {}: {}", url.authority, reply.error().message),
                      "is InfluxDB running there? start it, or fix the --out URL");
  }
  if (!is_success(*reply)) {
    return make_error(fmt::format("influxdb at {}: CREATE DATABASE \"{}\" failed: {}",
                                  url.authority, db, describe_reply(*reply)));
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<InfluxDbOutput>> InfluxDbOutput::create(std::string_view text,
                                                               const RunInfo& run,
                                                               const InfluxDbOptions& options) {
  auto url = parse_http_url(text);
  if (!url) return url.error();
  const std::string db = query_parameter(url->query, "db");
  if (!url->path.ends_with(kWriteSuffix) || db.empty()) {
    return make_error(fmt::format("influxdb: \"{}\" is not an InfluxDB 1.x write URL", text),
                      "write it as http://HOST:8086/write?db=NAME");
  }
  auto address = net::resolve(url->host, url->port);
  if (!address) return address.error();
  if (options.create_database) {
    auto created = create_database(*url, *address, db, options.request_timeout);
    if (!created) return created.error();
  }
  return std::unique_ptr<InfluxDbOutput>(
      new InfluxDbOutput(std::move(*url), *address, run, options));
}

InfluxDbOutput::InfluxDbOutput(HttpUrl url, net::Address address, const RunInfo& run,
                               const InfluxDbOptions& options)
    : url_(std::move(url)), address_(address), run_(run), options_(options) {
  sender_ = std::thread([this] { sender_loop(); });
}

InfluxDbOutput::~InfluxDbOutput() { finish(); }

void InfluxDbOutput::on_gauges(const std::vector<Gauge>& gauges) {
  append_gauge_points(pending_, run_, gauges, wall_clock_unix_nanos());
}

void InfluxDbOutput::on_second(const results::TimeSeriesPoint& second,
                               const results::MetricSet& totals) {
  const CounterSnapshot now = CounterSnapshot::of(totals);
  std::string batch = std::move(pending_);
  pending_.clear();
  append_second_points(batch, run_, second, now.minus(previous_), wall_clock_unix_nanos());
  previous_ = now;
  push(std::move(batch));
}

void InfluxDbOutput::push(std::string batch) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= options_.max_pending_batches) {
      dropped_.fetch_add(1);
      return;
    }
    queue_.push_back(std::move(batch));
  }
  wake_.notify_all();
}

void InfluxDbOutput::sender_loop() {
  for (;;) {
    std::string batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      batch = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    if (auto ok = post(batch); ok) {
      sent_.fetch_add(1);
    } else {
      failed_.fetch_add(1);
      std::lock_guard lock(error_mutex_);
      last_error_ = ok.error().message;
    }
    {
      std::lock_guard lock(mutex_);
      busy_ = false;
    }
    wake_.notify_all();
  }
}

Result<void> InfluxDbOutput::post(const std::string& batch) {
  const std::string target = url_.path + "?" + url_.query;
  HttpCall call;
  call.method = "POST";
  call.target = target;
  call.host_header = url_.authority;
  call.body = batch;
  call.content_type = "text/plain; charset=utf-8";
  call.timeout = options_.request_timeout;
  call.cancel = &cancel_;
  auto reply = http_exchange(address_, call);
  if (!reply) return reply.error();
  if (!is_success(*reply)) return make_error(describe_reply(*reply));
  return {};
}

void InfluxDbOutput::finish() {
  if (!sender_.joinable()) return;
  if (!pending_.empty()) push(std::exchange(pending_, {}));
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::nanoseconds(options_.finish_wait);
  {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
    wake_.wait_until(lock, deadline, [this] { return queue_.empty() && !busy_; });
    // Whatever could not be sent in time counts as dropped.
    dropped_.fetch_add(static_cast<int64_t>(queue_.size()));
    queue_.clear();
  }
  cancel_.store(true);  // an in-flight POST gives up within 50 ms
  wake_.notify_all();
  sender_.join();
}

std::string InfluxDbOutput::summary_note() const {
  std::string note =
      fmt::format("influxdb: {} batches sent, {} dropped", sent_batches(), dropped_batches());
  if (const int64_t failed = failed_batches(); failed > 0) {
    std::lock_guard lock(error_mutex_);
    note += fmt::format(", {} failed (last: {})", failed, last_error_);
  }
  return note;
}

}  // namespace perfgate::outputs
