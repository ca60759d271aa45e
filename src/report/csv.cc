#include "report/csv.h"

#include <fmt/format.h>

namespace perfgate::report {

std::string format_csv(const ResultsDocument& doc) {
  std::string out =
      "t_s,requests,requests_per_s,errors,active_vus,p50_us,p90_us,p95_us,p99_us,max_us,"
      "schedule_lag_p99_us\n";
  double previous_t = 0;
  for (const results::TimeSeriesPoint& p : doc.run.series) {
    // The last interval can be shorter than a second (a run of 2.5 s ends at t = 2.5).
    const double length = p.t_seconds - previous_t;
    const double per_second = length > 0 ? static_cast<double>(p.requests) / length : 0.0;
    previous_t = p.t_seconds;
    fmt::format_to(std::back_inserter(out), "{:g},{},{:.1f},{},{},{},{},{},{},{},{}\n", p.t_seconds,
                   p.requests, per_second, p.errors, p.active_vus, p.p50_us, p.p90_us, p.p95_us,
                   p.p99_us, p.max_us, p.schedule_lag_p99_us);
  }
  return out;
}

}  // namespace perfgate::report
