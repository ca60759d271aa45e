#include "outputs/exposition.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <utility>

#include "outputs/k6_series.h"

namespace perfgate::outputs {
namespace {

using Labels = std::vector<std::pair<std::string_view, std::string>>;

// Writes families in the 0.0.4 text format: "# HELP", "# TYPE", then the samples.
class ExpositionWriter {
 public:
  explicit ExpositionWriter(const RunInfo& run) {
    base_.emplace_back("testid", run.run_id);
    if (!run.scenario.empty()) base_.emplace_back("scenario", run.scenario);
    if (!run.instance.empty()) base_.emplace_back("instance", run.instance);
    for (const auto& [key, value] : run.tags) base_.emplace_back(key, value);
  }

  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(help), name, type);
  }

  void sample(std::string_view name, const Labels& extra, double value) {
    out_ += name;
    out_ += '{';
    bool first = true;
    for (const Labels* labels : {static_cast<const Labels*>(&base_), &extra}) {
      for (const auto& [key, label_value] : *labels) {
        if (!first) out_ += ',';
        first = false;
        out_ += fmt::format("{}=\"{}\"", key, escape_label_value(label_value));
      }
    }
    out_ += "} ";
    out_ += format_sample_value(value);
    out_ += '\n';
  }

  void counter(std::string_view name, std::string_view help, int64_t value) {
    family(name, "counter", help);
    sample(name, {}, static_cast<double>(value));
  }

  std::string take() { return std::move(out_); }

 private:
  Labels base_;
  std::string out_;
};

double seconds(int64_t micros) { return static_cast<double>(micros) / 1e6; }

void write_counters(ExpositionWriter& w, const results::MetricSet& totals) {
  w.counter("perfgate_http_reqs_total", "Requests that ended, with a response or an error.",
            totals.http_reqs);
  w.counter("perfgate_http_req_failed_total",
            "Requests that failed: transport errors and status >= 400.", totals.failed_requests);
  w.family("perfgate_errors_total", "counter", "Failed requests by error class.");
  for (size_t i = 0; i < results::kErrorClassCount; ++i) {
    w.sample("perfgate_errors_total", {{"error_class", std::string(results::kErrorClassNames[i])}},
             static_cast<double>(totals.errors[i]));
  }
  w.family("perfgate_http_responses_total", "counter", "Complete responses by status code.");
  for (size_t status = 1; status < totals.statuses.size(); ++status) {
    if (totals.statuses[status] == 0) continue;
    w.sample("perfgate_http_responses_total", {{"status", std::to_string(status)}},
             static_cast<double>(totals.statuses[status]));
  }
  w.counter("perfgate_data_sent_bytes_total", "Bytes written to sockets.", totals.data_sent);
  w.counter("perfgate_data_received_bytes_total", "Bytes read from sockets.", totals.data_received);
  w.counter("perfgate_iterations_total", "Finished iterations.", totals.iterations);
  w.counter("perfgate_dropped_iterations_total",
            "Open model: iterations scheduled but never started.", totals.dropped_iterations);
}

void write_duration_histogram(ExpositionWriter& w, const results::MetricSet& totals) {
  constexpr std::string_view kName = "perfgate_http_req_duration_seconds";
  const HistogramBuckets h = histogram_buckets(totals.trend(results::Trend::kDuration),
                                               default_duration_buckets_seconds());
  w.family(kName, "histogram",
           "http_req_duration of completed responses (open model: from the scheduled start).");
  const std::string bucket = std::string(kName) + "_bucket";
  for (size_t i = 0; i < h.upper_bounds.size(); ++i) {
    w.sample(bucket, {{"le", format_sample_value(h.upper_bounds[i])}},
             static_cast<double>(h.cumulative[i]));
  }
  w.sample(bucket, {{"le", "+Inf"}}, static_cast<double>(h.cumulative.back()));
  w.sample(std::string(kName) + "_sum", {}, h.sum);
  w.sample(std::string(kName) + "_count", {}, static_cast<double>(h.count));
}

void write_last_second(ExpositionWriter& w, const results::TimeSeriesPoint& s) {
  w.family("perfgate_vus", "gauge", "VUs busy in an iteration during the last second.");
  w.sample("perfgate_vus", {}, static_cast<double>(s.active_vus));
  constexpr std::string_view kName = "perfgate_http_req_duration_last_second_seconds";
  w.family(kName, "gauge", "http_req_duration percentiles over the last second.");
  const std::pair<const char*, int64_t> stats[] = {{"p50", s.p50_us},
                                                   {"p90", s.p90_us},
                                                   {"p95", s.p95_us},
                                                   {"p99", s.p99_us},
                                                   {"max", s.max_us}};
  for (const auto& [stat, micros] : stats) w.sample(kName, {{"stat", stat}}, seconds(micros));
  w.family("perfgate_schedule_lag_p99_seconds", "gauge",
           "Open model: p99 of scheduled start -> actual send start over the last second.");
  w.sample("perfgate_schedule_lag_p99_seconds", {}, seconds(s.schedule_lag_p99_us));
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string sanitize_metric_name(std::string_view name) {
  std::string out;
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) out += '_';
  for (const char c : name) {
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':' ? c : '_';
  }
  return out;
}

std::string format_sample_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    return fmt::format("{}", static_cast<int64_t>(value));
  }
  return fmt::format("{}", value);
}

const std::vector<double>& default_duration_buckets_seconds() {
  static const std::vector<double> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                              0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                              1,      2.5,     5,      10,    30,     60};
  return kBounds;
}

HistogramBuckets histogram_buckets(const HdrHistogram& micros, std::span<const double> bounds) {
  HistogramBuckets h;
  h.upper_bounds.assign(bounds.begin(), bounds.end());
  h.cumulative.assign(bounds.size() + 1, 0);
  h.count = micros.count();
  std::vector<int64_t> per_bucket(bounds.size() + 1, 0);
  int64_t seen = 0;
  size_t bucket = 0;
  for (int32_t i = 0; i < micros.counts_length() && seen < h.count; ++i) {
    const int64_t n = micros.count_at_index(i);
    if (n == 0) continue;
    const int64_t value = micros.value_at_index(i);
    while (bucket < bounds.size() && value > std::llround(bounds[bucket] * 1e6)) ++bucket;
    per_bucket[bucket] += n;
    h.sum += static_cast<double>(n) * seconds(micros.median_equivalent(value));
    seen += n;
  }
  int64_t running = 0;
  for (size_t i = 0; i < per_bucket.size(); ++i) h.cumulative[i] = running += per_bucket[i];
  return h;
}

std::string format_k6_exposition(std::vector<RemoteSeries> series) {
  auto name_of = [](const RemoteSeries& s) -> std::string_view {
    for (const auto& [key, value] : s.labels) {
      if (key == "__name__") return value;
    }
    return {};
  };
  std::stable_sort(series.begin(), series.end(),
                   [&](const auto& a, const auto& b) { return name_of(a) < name_of(b); });
  std::string out;
  std::string family;
  for (const RemoteSeries& s : series) {
    const std::string name = sanitize_metric_name(name_of(s));
    if (name != family) {
      family = name;
      out += fmt::format("# HELP {} {} in k6's name (see k6's Prometheus remote-write output).\n",
                         name, name);
      out += fmt::format("# TYPE {} {}\n", name, k6_series_type(name));
    }
    auto sorted = s.labels;
    std::sort(sorted.begin(), sorted.end());
    std::string labels;
    for (const auto& [key, value] : sorted) {
      if (key == "__name__" || value.empty()) continue;
      labels +=
          fmt::format("{}{}=\"{}\"", labels.empty() ? "" : ",", key, escape_label_value(value));
    }
    out += fmt::format("{}{{{}}} {}\n", name, labels, format_sample_value(s.value));
  }
  return out;
}

std::string format_exposition(const RunInfo& run, const results::TimeSeriesPoint& last_second,
                              const results::MetricSet& totals, const std::vector<Gauge>& gauges) {
  ExpositionWriter w(run);
  write_counters(w, totals);
  write_duration_histogram(w, totals);
  write_last_second(w, last_second);
  std::set<std::string> seen;
  for (const Gauge& g : gauges) {
    const std::string name = "perfgate_" + sanitize_metric_name(g.name);
    if (!seen.insert(name).second) continue;  // a family appears once
    w.family(name, "gauge", fmt::format("{} from --monitor.", g.name));
    w.sample(name, {}, g.value);
  }
  return w.take();
}

}  // namespace perfgate::outputs
