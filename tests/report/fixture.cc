#include "fixture.h"

#include "stats/hdr_encoding.h"

namespace perfgate::report::testing {
namespace {

using results::Trend;

// Latency of request i in microseconds: a spread from 1 to 10 ms, and a 250 ms outlier every 500
// requests so that the tail percentiles differ from the body.
int64_t latency_us(int i) { return i % 500 == 0 ? 250'000 : 1'000 + (i * 7919) % 9'000; }

void fill_totals(results::MetricSet& t) {
  for (int i = 0; i < 2000; ++i) {
    const int64_t d = latency_us(i);
    t.trend(Trend::kDuration).record(d);
    t.trend(Trend::kDurationUncorrected).record(d * 9 / 10);
    t.trend(Trend::kBlocked).record(i % 10);
    t.trend(Trend::kConnecting).record(i < 50 ? 300 : 0);
    t.trend(Trend::kSending).record(20 + i % 5);
    t.trend(Trend::kWaiting).record(d * 8 / 10);
    t.trend(Trend::kReceiving).record(d / 10);
    t.trend(Trend::kScheduleLag).record(i % 100);
    t.trend(Trend::kIterationDuration).record(d + 50);
  }
  t.http_reqs = 2000;
  t.failed_requests = 12;
  t.iterations = 2000;
  t.dropped_iterations = 3;
  t.data_sent = 200'000;
  t.data_received = 1'234'567;
  t.errors[static_cast<size_t>(results::ErrorClass::kHttp5xx)] = 10;
  t.errors[static_cast<size_t>(results::ErrorClass::kConnectRefused)] = 2;
  t.statuses[200] = 1988;
  t.statuses[503] = 10;
  t.statuses[0] = 2;
}

void fill_run(results::RunResult& run) {
  results::RunMetadata& m = run.meta;
  m.version = "0.1.0";
  m.command_line = "perfgate run http://127.0.0.1:8080/api --rate 200 -d 10s";
  m.model = results::Model::kOpen;
  m.target_url = "http://127.0.0.1:8080/api";
  m.start_unix_nanos = 1'763'900'000'123'000'000;
  m.duration = 10 * kNanosPerSecond;
  m.elapsed = 10 * kNanosPerSecond;
  m.threads = 2;
  m.max_vus = 50;
  m.rate = 200;
  m.timeout = 5 * kNanosPerSecond;
  fill_totals(run.totals);
  for (int s = 1; s <= 10; ++s) {
    results::TimeSeriesPoint p;
    p.t_seconds = s;
    p.requests = 195 + s;
    p.errors = s == 4 ? 12 : 0;
    p.active_vus = 3 + s % 4;
    p.p50_us = 5'000 + 100 * s;
    p.p90_us = 9'000 + 100 * s;
    p.p95_us = 9'500 + 100 * s;
    p.p99_us = 12'000 + 1'000 * s;
    p.max_us = 250'000;
    p.schedule_lag_p99_us = 90 + s;
    run.series.push_back(p);
  }
  run.health = {
      1.25, 6.25, 2, {"schedule lag p99 was 12 ms (> 10 ms): <b>the generator</b> lagged"}};
  run.vus = {0, 0, 17};
  run.vus_max = {50, 50, 50};
}

}  // namespace

ResultsDocument make_fixture() {
  ResultsDocument doc;
  fill_run(doc.run);
  doc.environment = {"examples/user-mix.yaml",
                     "0123456789abcdef0123456789abcdef01234567",
                     "ci-runner-7",
                     "Test CPU @ 3.00GHz",
                     2,
                     "Linux 6.1.0",
                     1'763'900'010'456'000'000};
  doc.thresholds = {{"http_req_duration", "p(95)<500", true, 9.5, "ms", false},
                    {"http_req_duration{name:login}", "p(99)<5", false, 250.111, "ms", true},
                    {"http_req_failed", "rate<0.01", true, 0.006, "", false}};
  doc.checks = {{"status is 200", 1988, 12}, {"body has <token> & \"id\" | 'x'", 2000, 0}};
  NamedStats api{"GET /api", 1500, 10};
  NamedStats login{"POST /login <script>alert(1)</script>", 500, 2};
  for (int i = 0; i < 2000; ++i) (i % 4 == 0 ? login : api).duration.record(latency_us(i));
  doc.names.push_back(std::move(api));
  doc.names.push_back(std::move(login));
  return doc;
}

ResultsDocument make_fixture_with_intervals() {
  ResultsDocument doc = make_fixture();
  for (int interval = 0; interval < 2; ++interval) {
    for (const char* tag : {"http_req_duration", "name:GET /api"}) {
      HdrHistogram histogram = HdrHistogram::for_latency_micros();
      for (int i = 0; i < 1000; ++i) histogram.record(latency_us(i + 1000 * interval));
      doc.intervals.push_back(
          {5.0 * interval, 5.0, tag, histogram.max(), encode_compressed_base64(histogram)});
    }
  }
  return doc;
}

void add_time_detail(ResultsDocument& doc) {
  doc.run.scenarios = {"browse", "checkout"};
  for (results::TimeSeriesPoint& p : doc.run.series) {
    if (p.errors == 12) {
      p.error_classes = {{results::ErrorClass::kHttp5xx, 10},
                         {results::ErrorClass::kConnectRefused, 2}};
    }
    p.scenario_vus = {p.active_vus - 1, 1};
  }
  results::NameSeriesSet& set = doc.run.name_series;
  set.interval_seconds = 1;
  set.names = {{"GET /api", {}}, {doc.names[1].name, {}}};
  for (int s = 1; s <= 10; ++s) {
    set.names[0].points.push_back({static_cast<double>(s), 150, s == 4 ? 8 : 0, 4'000 + 100 * s,
                                   9'000 + 100 * s, 11'000 + 1'000 * s});
    if (s == 1 || s == 6) continue;
    set.names[1].points.push_back(
        {static_cast<double>(s), 50, 0, 6'000 + 200 * s, 20'000, 40'000 + 2'000 * s});
  }
}

}  // namespace perfgate::report::testing
