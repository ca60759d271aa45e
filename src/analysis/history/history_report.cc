#include "analysis/history/history_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace perfgate::analysis::history {
namespace {

constexpr const char* kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

std::string short_sha(const std::string& commit) { return commit.substr(0, 12); }

// RFC 4180: quote a field holding a comma, quote or line break; double inner quotes.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string tags_text(const std::map<std::string, std::string>& tags) {
  std::string out;
  for (const auto& [key, value] : tags) out += (out.empty() ? "" : " ") + key + "=" + value;
  return out;
}

nlohmann::json run_object(const RunInfo& run) {
  return {{"id", run.id},         {"recorded_at", run.recorded_at},
          {"commit", run.commit}, {"branch", run.branch},
          {"source", run.source}, {"format", run.format},
          {"tags", run.tags},     {"metric_count", run.metric_count}};
}

nlohmann::json point_object(const SeriesPoint& p) {
  return {{"run", p.run_id},
          {"recorded_at", p.recorded_at},
          {"commit", p.commit},
          {"branch", p.branch},
          {"value", p.value}};
}

std::string change_line(const Change& c, const std::string& unit) {
  return fmt::format("  run #{} {} {}: {:.6g} -> {:.6g} {} ({:+.1f}%, p={:.2g}) {}\n", c.run.run_id,
                     c.run.recorded_at.substr(0, 10), short_sha(c.run.commit), c.point.mean_before,
                     c.point.mean_after, unit, c.point.change_percent(), c.point.p_value,
                     c.regression ? "REGRESSION" : "improvement");
}

}  // namespace

std::string sparkline(std::span<const double> values, size_t width) {
  if (values.size() > width) values = values.subspan(values.size() - width);
  if (values.empty()) return {};
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  std::string out;
  for (double v : values) {
    size_t level = 3;
    if (*high > *low) level = static_cast<size_t>((v - *low) / (*high - *low) * 7 + 0.5);
    out += kBars[std::min<size_t>(level, 7)];
  }
  return out;
}

std::string runs_table(const std::vector<RunInfo>& runs) {
  if (runs.empty()) return "no runs recorded\n";
  std::string out = fmt::format("{:>6}  {:<20}  {:<16}  {:<12}  {:>7}  {}\n", "run", "recorded",
                                "branch", "commit", "metrics", "tags");
  for (const RunInfo& r : runs) {
    out += fmt::format("{:>6}  {:<20}  {:<16}  {:<12}  {:>7}  {}\n", fmt::format("#{}", r.id),
                       r.recorded_at, r.branch.empty() ? "-" : r.branch,
                       r.commit.empty() ? "-" : short_sha(r.commit), r.metric_count,
                       tags_text(r.tags));
  }
  return out;
}

std::string runs_json(const std::vector<RunInfo>& runs) {
  nlohmann::json out = nlohmann::json::array();
  for (const RunInfo& r : runs) out.push_back(run_object(r));
  return out.dump(2) + "\n";
}

std::string run_text(const RunInfo& run, const MetricTable& metrics) {
  std::string out =
      fmt::format("run #{}  recorded {}  branch {}  commit {}\n", run.id, run.recorded_at,
                  run.branch.empty() ? "-" : run.branch, run.commit.empty() ? "-" : run.commit);
  out += fmt::format("source {} ({})", run.source, run.format);
  if (!run.tags.empty()) out += "  tags " + tags_text(run.tags);
  out += "\n\n";
  size_t width = 6;
  for (const Metric& m : metrics.metrics) width = std::max(width, m.key().size());
  for (const Metric& m : metrics.metrics) {
    out += fmt::format("  {:<{}}  {:>14.6g} {:<8} {}\n", m.key(), width, m.value, m.unit,
                       to_string(m.direction));
  }
  return out;
}

std::string run_json(const RunInfo& run, const MetricTable& metrics) {
  nlohmann::json out = run_object(run);
  out["context"] = run.context;
  nlohmann::json list = nlohmann::json::array();
  for (const Metric& m : metrics.metrics) {
    nlohmann::json entry = {{"key", m.key()},   {"name", m.name},
                            {"stat", m.stat},   {"unit", m.unit},
                            {"value", m.value}, {"direction", std::string(to_string(m.direction))}};
    if (!m.samples.empty()) entry["samples"] = m.samples;
    list.push_back(std::move(entry));
  }
  out["metrics"] = std::move(list);
  return out.dump(2) + "\n";
}

std::string trend_text(const Series& series, const SeriesAnalysis& analysis) {
  if (series.points.empty()) return fmt::format("{}: no runs recorded\n", series.key);
  const std::vector<double> values = series.values();
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  std::string out = fmt::format("{} ({}, {}) over {} runs\n", series.key,
                                series.unit.empty() ? "no unit" : series.unit,
                                to_string(series.direction), values.size());
  out += fmt::format("  {}  min {:.6g}  max {:.6g}  last {:.6g}\n", sparkline(values), *low, *high,
                     values.back());
  if (analysis.changes.empty()) out += "no change points\n";
  if (!analysis.changes.empty()) out += "change points:\n";
  for (const Change& c : analysis.changes) out += change_line(c, series.unit);
  if (!analysis.alerts.empty()) out += "trend alerts (consecutive worse runs):\n";
  for (const TrendAlert& a : analysis.alerts) {
    out +=
        fmt::format("  run #{} {} {}: {:.6g} {}\n", a.run.run_id, a.run.recorded_at.substr(0, 10),
                    short_sha(a.run.commit), a.run.value, series.unit);
  }
  return out;
}

std::string trend_csv(const Series& series, const SeriesAnalysis& analysis) {
  std::string out = "run,recorded_at,commit,branch,value,change_point,change_percent,alert\n";
  for (size_t i = 0; i < series.points.size(); ++i) {
    const SeriesPoint& p = series.points[i];
    auto change = std::find_if(analysis.changes.begin(), analysis.changes.end(),
                               [&](const Change& c) { return c.point.index == i; });
    const bool alert = std::any_of(analysis.alerts.begin(), analysis.alerts.end(),
                                   [&](const TrendAlert& a) { return a.index == i; });
    const bool is_change = change != analysis.changes.end();
    out += fmt::format("{},{},{},{},{},{},{},{}\n", p.run_id, p.recorded_at, csv_field(p.commit),
                       csv_field(p.branch), p.value,
                       is_change ? (change->regression ? "regression" : "improvement") : "",
                       is_change ? fmt::format("{:.4f}", change->point.change_percent()) : "",
                       alert ? "1" : "");
  }
  return out;
}

std::string trend_json(const Series& series, const SeriesAnalysis& analysis) {
  nlohmann::json points = nlohmann::json::array(), changes = nlohmann::json::array(),
                 alerts = nlohmann::json::array();
  for (const SeriesPoint& p : series.points) points.push_back(point_object(p));
  for (const Change& c : analysis.changes) {
    nlohmann::json entry = point_object(c.run);
    entry.update({{"index", c.point.index},
                  {"mean_before", c.point.mean_before},
                  {"mean_after", c.point.mean_after},
                  {"change_percent", c.point.change_percent()},
                  {"p_value", c.point.p_value},
                  {"regression", c.regression}});
    changes.push_back(std::move(entry));
  }
  for (const TrendAlert& a : analysis.alerts) alerts.push_back(point_object(a.run));
  nlohmann::json out = {{"metric", series.key},
                        {"unit", series.unit},
                        {"direction", std::string(to_string(series.direction))},
                        {"points", std::move(points)},
                        {"change_points", std::move(changes)},
                        {"trend_alerts", std::move(alerts)},
                        {"newest_regresses", analysis.newest_regresses},
                        {"newest_trend_alert", analysis.newest_alerted}};
  if (analysis.newest_regresses) out["regression_reason"] = analysis.regression_reason;
  if (analysis.newest_alerted) out["alert_reason"] = analysis.alert_reason;
  return out.dump(2) + "\n";
}

}  // namespace perfgate::analysis::history
