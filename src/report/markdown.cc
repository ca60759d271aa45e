#include "report/markdown.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/escape.h"
#include "core/text_format.h"

namespace perfgate::report {
namespace {

using results::Trend;

std::string verdict(const ResultsDocument& doc) {
  if (!doc.passed()) return "❌ failed";
  if (doc.run.interrupted) return "⚠️ interrupted";
  return "✅ passed";
}

std::string workload_line(const ResultsDocument& doc) {
  const results::RunMetadata& m = doc.run.meta;
  std::string line = m.model == results::Model::kOpen
                         ? fmt::format("open model, {:g} req/s (max {} VUs)", m.rate, m.max_vus)
                         : fmt::format("closed model, {} VUs", m.vus);
  line += fmt::format(" · {:.1f} s · {} threads · perfgate {}", doc.run.elapsed_seconds(),
                      m.threads, markdown_escape(m.version));
  if (!doc.environment.git_commit.empty()) {
    line += " · commit " + markdown_escape(doc.environment.git_commit.substr(0, 12));
  }
  if (!doc.environment.host.empty()) line += " · " + markdown_escape(doc.environment.host);
  for (const auto& [key, value] : doc.environment.tags) {
    line += " · " + markdown_escape(fmt::format("{}={}", key, value));
  }
  return line;
}

std::string headline_table(const ResultsDocument& doc) {
  const results::MetricSet& t = doc.run.totals;
  const HdrHistogram& d = t.trend(Trend::kDuration);
  const double elapsed = doc.run.elapsed_seconds();
  auto lat = [&](double p) { return format_latency_us(d.value_at_percentile(p)); };
  std::string out =
      "| requests | req/s | failed | p50 | p90 | p95 | p99 | max | dropped |\n"
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  out += fmt::format("| {} | {:.1f} | {} | {} | {} | {} | {} | {} | {} |\n",
                     format_count(t.http_reqs), elapsed > 0 ? t.http_reqs / elapsed : 0.0,
                     format_percent(doc.run.failed_rate()), lat(50), lat(90), lat(95), lat(99),
                     format_latency_us(static_cast<double>(d.max())),
                     format_count(t.dropped_iterations));
  if (doc.run.meta.model == results::Model::kOpen) {
    out +=
        "\nLatency counts from each request's scheduled start (corrected for coordinated "
        "omission).\n";
  }
  return out;
}

std::string outcomes(const ResultsDocument& doc) {
  std::string out;
  if (!doc.thresholds.empty()) {
    out += "\n#### Thresholds\n\n| | metric | threshold | observed |\n|:-:|---|---|---:|\n";
    for (const ThresholdOutcome& t : doc.thresholds) {
      const char* mark = !t.passed ? "❌" : t.no_data ? "➖" : "✅";
      out += fmt::format(
          "| {} | {} | {} | {} |\n", mark, markdown_escape(t.metric), markdown_escape(t.expression),
          t.no_data ? "no data" : markdown_escape(format_observed(t.observed, t.unit)));
    }
  }
  if (!doc.checks.empty()) {
    // Where each check ran, when the results say (files from before 2026-12 do not).
    const bool where = std::any_of(doc.checks.begin(), doc.checks.end(),
                                   [](const CheckOutcome& c) { return !c.where().empty(); });
    out += where
               ? "\n#### Checks\n\n| | check | where | passed | failed |\n|:-:|---|---|---:|---:|\n"
               : "\n#### Checks\n\n| | check | passed | failed |\n|:-:|---|---:|---:|\n";
    for (const CheckOutcome& c : doc.checks) {
      out +=
          fmt::format("| {} | {} |{} {} | {} |\n", c.fails == 0 ? "✅" : "❌",
                      markdown_escape(c.name), where ? " " + markdown_escape(c.where()) + " |" : "",
                      format_count(c.passes), format_count(c.fails));
    }
  }
  return out;
}

std::string names_table(const ResultsDocument& doc) {
  if (doc.names.empty()) return {};
  std::string out =
      "\n#### Requests by name\n\n| name | requests | failed | p50 | p95 | p99 | max |\n"
      "|---|---:|---:|---:|---:|---:|---:|\n";
  for (const NamedStats& n : doc.names) {
    const HdrHistogram& h = n.duration;
    out += fmt::format(
        "| {} | {} | {} | {} | {} | {} | {} |\n", markdown_escape(n.name), format_count(n.requests),
        format_count(n.failures), format_latency_us(h.value_at_percentile(50)),
        format_latency_us(h.value_at_percentile(95)), format_latency_us(h.value_at_percentile(99)),
        format_latency_us(static_cast<double>(h.max())));
  }
  return out;
}

std::string errors_and_warnings(const ResultsDocument& doc) {
  const results::MetricSet& t = doc.run.totals;
  std::string errors, statuses, out;
  for (size_t i = 0; i < results::kErrorClassCount; ++i) {
    if (t.errors[i] == 0) continue;
    errors += fmt::format("{}{} {}", errors.empty() ? "" : " · ", results::kErrorClassNames[i],
                          format_count(t.errors[i]));
  }
  for (size_t i = 0; i < results::kStatusSlots; ++i) {
    if (t.statuses[i] == 0) continue;
    statuses +=
        fmt::format("{}{} × {}", statuses.empty() ? "" : " · ",
                    i == 0 ? "no response" : std::to_string(i), format_count(t.statuses[i]));
  }
  if (!errors.empty()) out += "\n**Errors:** " + errors + "\n";
  if (!statuses.empty()) out += "\n**Statuses:** " + statuses + "\n";
  for (const std::string& w : doc.run.health.warnings)
    out += "\n> ⚠️ " + markdown_escape(w) + "\n";
  return out;
}

}  // namespace

std::string markdown_escape(std::string_view text) { return perfgate::markdown_escape(text); }

std::string format_markdown(const ResultsDocument& doc) {
  std::string target =
      doc.environment.plan.empty() ? doc.run.meta.target_url : doc.environment.plan;
  std::string out = fmt::format("### perfgate: {} — {}\n\n", verdict(doc), markdown_escape(target));
  out += workload_line(doc) + "\n\n";
  out += headline_table(doc);
  out += outcomes(doc);
  out += names_table(doc);
  out += errors_and_warnings(doc);
  return out;
}

}  // namespace perfgate::report
