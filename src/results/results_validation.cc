#include "results/results_validation.h"

#include <fmt/format.h>

#include <cmath>
#include <string>

namespace perfgate::results {
namespace {

Error impossible(const std::string& what, std::string_view why) {
  return make_error(fmt::format("malformed results file: {} {}", what, why),
                    "the file was edited or corrupted; write it again with perfgate run --out "
                    "json=FILE");
}

Result<void> non_negative(const std::string& what, double value) {
  if (std::isnan(value)) return impossible(what, "is not a number");
  if (value < 0) return impossible(what, fmt::format("is {} (a count cannot be negative)", value));
  return {};
}

Result<void> validate_totals(const MetricSet& t) {
  const std::pair<const char*, int64_t> counts[] = {
      {"counters.http_reqs", t.http_reqs},   {"http_req_failed fails", t.failed_requests},
      {"counters.iterations", t.iterations}, {"counters.dropped_iterations", t.dropped_iterations},
      {"counters.data_sent", t.data_sent},   {"counters.data_received", t.data_received}};
  for (const auto& [what, value] : counts) {
    if (auto ok = non_negative(what, static_cast<double>(value)); !ok) return ok;
  }
  if (t.failed_requests > t.http_reqs) {
    return impossible("http_req_failed", fmt::format("counts {} failures in {} requests",
                                                     t.failed_requests, t.http_reqs));
  }
  for (int64_t e : t.errors) {
    if (auto ok = non_negative("an error count", static_cast<double>(e)); !ok) return ok;
  }
  for (int64_t s : t.statuses) {
    if (auto ok = non_negative("a status count", static_cast<double>(s)); !ok) return ok;
  }
  return {};
}

}  // namespace

Result<void> validate_results(const ResultsDocument& doc) {
  if (auto ok = validate_totals(doc.run.totals); !ok) return ok;
  if (auto ok = non_negative("run.elapsed_s", static_cast<double>(doc.run.meta.elapsed)); !ok)
    return ok;
  for (const NamedStats& n : doc.names) {
    const std::string what = fmt::format("names[\"{}\"]", n.name);
    if (auto ok = non_negative(what + ".requests", static_cast<double>(n.requests)); !ok) return ok;
    if (auto ok = non_negative(what + ".failures", static_cast<double>(n.failures)); !ok) return ok;
    if (n.failures > n.requests)
      return impossible(what,
                        fmt::format("has {} failures in {} requests", n.failures, n.requests));
  }
  for (const CheckOutcome& c : doc.checks) {
    const std::string what = fmt::format("checks[\"{}\"]", c.label());
    if (auto ok = non_negative(what + ".passes", static_cast<double>(c.passes)); !ok) return ok;
    if (auto ok = non_negative(what + ".fails", static_cast<double>(c.fails)); !ok) return ok;
  }
  if (doc.plan_run) {
    for (const SubMetricOutcome& s : doc.plan_run->sub_metrics) {
      const std::string what = fmt::format("plan_run.sub_metrics[\"{}\"]", s.key);
      for (const auto& [member, value] :
           {std::pair{".count", s.count}, {".total", s.total}, {".samples", s.samples}}) {
        if (auto ok = non_negative(what + member, static_cast<double>(value)); !ok) return ok;
      }
    }
  }
  for (const NameSeries& n : doc.run.name_series.names) {
    for (const NamePoint& p : n.points) {
      const std::string what = fmt::format("name_series[\"{}\"]", n.name);
      if (auto ok = non_negative(what + " requests", static_cast<double>(p.requests)); !ok)
        return ok;
      if (auto ok = non_negative(what + " failures", static_cast<double>(p.failures)); !ok)
        return ok;
      if (p.failures > p.requests)
        return impossible(what, fmt::format("has a point with {} failures in {} requests",
                                            p.failures, p.requests));
    }
  }
  for (const TimeSeriesPoint& p : doc.run.series) {
    if (auto ok = non_negative("series[].requests", static_cast<double>(p.requests)); !ok)
      return ok;
    if (auto ok = non_negative("series[].errors", static_cast<double>(p.errors)); !ok) return ok;
  }
  return {};
}

}  // namespace perfgate::results
