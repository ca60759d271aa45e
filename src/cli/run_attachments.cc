#include "cli/run_attachments.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>

#include "core/units.h"
#include "engine/plan_index.h"
#include "engine/plan_metrics.h"
#include "monitor/console_block.h"
#include "monitor/findings.h"
#include "monitor/report_json.h"
#include "monitor/run_evidence.h"

namespace perfgate::cli {

void add_attachment_options(CLI::App& app, AttachmentOptions& o) {
  app.add_option("--out", o.outs,
                 "TYPE=TARGET, repeatable: json|html|junit|markdown|csv|hdr=FILE written at the "
                 "end; influxdb=URL, prometheus=HOST:PORT live");
  app.add_option("--monitor", o.monitors,
                 "watch the system under test: pid:N, cmd:NAME, cgroup:PATH or self (repeatable)");
  app.add_option("--monitor-interval", o.monitor_interval,
                 "monitor sampling interval (default 1s)");
}

namespace {

// Splits --out values into file outputs and live ones by their TYPE.
Result<void> split_outputs(const std::vector<std::string>& values, std::vector<std::string>& files,
                           std::vector<std::pair<std::string, std::string>>& live) {
  for (const std::string& value : values) {
    const size_t eq = value.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == value.size()) {
      return make_error(fmt::format("invalid --out \"{}\"", value),
                        "write TYPE=TARGET, e.g. json=results.json or "
                        "influxdb=http://127.0.0.1:8086/write?db=perfgate");
    }
    const std::string type = value.substr(0, eq);
    if (outputs::is_live_output_type(type)) {
      live.emplace_back(type, value.substr(eq + 1));
    } else {
      files.push_back(value);
    }
  }
  return {};
}

// Two outputs naming one file (after normalising: ./r.json and r.json, a/../r.json, a symlink to
// it) would overwrite each other at the end: refused before any traffic.
Result<void> check_distinct_paths(const std::vector<report::OutputSpec>& specs) {
  std::vector<std::pair<std::string, std::string>> seen;  // normalised, as given
  for (const report::OutputSpec& spec : specs) {
    std::error_code ec;
    std::filesystem::path path = std::filesystem::weakly_canonical(spec.path, ec);
    if (ec) path = std::filesystem::absolute(spec.path, ec).lexically_normal();
    for (const auto& [normal, given] : seen) {
      if (normal == path.string()) {
        return make_error(fmt::format("--out {} and --out {} name the same file", given, spec.path),
                          "give each output its own file");
      }
    }
    seen.emplace_back(path.string(), spec.path);
  }
  return {};
}

Result<std::unique_ptr<monitor::Monitor>> make_monitor(
    const AttachmentOptions& o, std::function<void(const monitor::MonitorReport&)> on_sample) {
  if (o.monitors.empty()) return std::unique_ptr<monitor::Monitor>();
  std::vector<monitor::Target> targets;
  for (const std::string& spec : o.monitors) {
    auto target = monitor::parse_target(spec);
    if (!target) return target.error();
    if (auto exists = monitor::check_target_exists(*target); !exists) return exists.error();
    targets.push_back(*target);
  }
  auto interval = parse_duration(o.monitor_interval);
  if (!interval) return interval.error();
  if (*interval < 10 * kNanosPerMilli) {
    return make_error("--monitor-interval must be at least 10ms");
  }
  monitor::MonitorOptions options;
  options.interval = *interval;
  options.on_sample = std::move(on_sample);
  return std::make_unique<monitor::Monitor>(std::move(targets), options);
}

}  // namespace

Result<std::unique_ptr<RunAttachments>> RunAttachments::prepare(const AttachmentOptions& o) {
  std::unique_ptr<RunAttachments> attachments(new RunAttachments());
  std::vector<std::string> files;
  std::vector<std::pair<std::string, std::string>> live;
  if (auto ok = split_outputs(o.outs, files, live); !ok) return ok.error();
  auto specs = report::parse_output_specs(files);
  if (!specs) return specs.error();
  if (auto distinct = check_distinct_paths(*specs); !distinct) return distinct.error();
  attachments->file_outputs_ = std::move(*specs);
  RunAttachments* self = attachments.get();
  auto mon = make_monitor(o, [self](const monitor::MonitorReport& r) { self->remember_gauges(r); });
  if (!mon) return mon.error();
  attachments->monitor_ = std::move(*mon);
  const outputs::RunInfo info{o.run_id.empty() ? outputs::generate_run_id() : o.run_id, "",
                              o.instance, o.tags};
  for (const auto& [type, target] : live) {
    auto output = outputs::make_live_output(type, target, info);
    if (!output) return output.error();
    attachments->live_outputs_.push_back(std::move(*output));
  }
  return attachments;
}

RunAttachments::~RunAttachments() {
  if (monitor_) monitor_->stop();
  for (auto& output : live_outputs_) output->finish();
}

void RunAttachments::start() {
  if (!monitor_) return;
  monitor_->start();
  run_started_ = SteadyClock::monotonic_now();
}

void RunAttachments::remember_gauges(const monitor::MonitorReport& report) {
  std::vector<outputs::Gauge> gauges;
  for (const auto& target : report.targets) {
    if (target.points.empty() || target.is_self) continue;
    const auto& last = target.points.back();
    gauges.push_back({"sut_cpu_percent", last.cpu_percent});
    gauges.push_back({"sut_rss_bytes", last.rss_bytes});
    gauges.push_back({"sut_threads", last.threads});
    if (last.open_fds) gauges.push_back({"sut_open_fds", *last.open_fds});
    break;  // the first watched target names the SUT in the dashboards
  }
  std::lock_guard lock(gauges_mutex_);
  latest_gauges_ = std::move(gauges);
}

// The second by request name (with the method of its first step) and check, for outputs in
// k6's per-sample schema.
outputs::SecondDetail RunAttachments::second_detail(const engine::LiveStatus& status) {
  outputs::SecondDetail detail;
  if (status.interval == nullptr || status.index == nullptr) return detail;
  const engine::PlanIndex& index = *status.index;
  const engine::PlanMetrics& interval = *status.interval;
  detail.interval = &interval.base;
  if (labels_.size() != index.names.size()) labels_.resize(index.names.size());
  for (size_t i = 0; i < index.names.size() && i < interval.names.size(); ++i) {
    if (interval.names[i].duration.count() == 0) continue;
    detail.names.push_back(
        {index.names[i], labels_[i].method, labels_[i].url, &interval.names[i].duration});
  }
  for (size_t i = 0; i < index.checks.size() && i < interval.checks.size(); ++i) {
    const engine::CheckStats& c = interval.checks[i];
    if (c.passes + c.fails == 0) continue;
    // One point per check name and second (the `check` tag): the same check of several steps
    // adds up.
    auto same =
        std::find_if(detail.checks.begin(), detail.checks.end(),
                     [&](const outputs::CheckSecond& s) { return s.name == index.checks[i].name; });
    if (same == detail.checks.end()) {
      detail.checks.push_back({index.checks[i].name, c.passes, c.fails});
    } else {
      same->passes += c.passes;
      same->fails += c.fails;
    }
  }
  return detail;
}

void RunAttachments::on_second(const engine::LiveStatus& status) {
  if (live_outputs_.empty() || status.last_second == nullptr || status.totals == nullptr) return;
  std::vector<outputs::Gauge> gauges;
  {
    std::lock_guard lock(gauges_mutex_);
    gauges = latest_gauges_;
  }
  const outputs::SecondDetail detail = second_detail(status);
  for (auto& output : live_outputs_) {
    if (!gauges.empty()) output->on_gauges(gauges);
    if (detail.interval != nullptr) output->on_second_detail(detail);
    output->on_second(*status.last_second, *status.totals);
  }
}

std::string RunAttachments::finish(report::ResultsDocument& doc) {
  std::string lines;
  for (auto& output : live_outputs_) {
    output->finish();
    lines += fmt::format("  output: {}\n", output->summary_note());
  }
  live_outputs_.clear();
  if (!monitor_) return lines;
  monitor::MonitorReport report = monitor_->stop();
  const auto evidence =
      monitor::evidence_from_run(doc.run, monitor_->seconds_since_start(run_started_));
  report.findings = monitor::find_findings(report, &evidence);
  doc.monitor = monitor::to_json(report);
  monitor_.reset();
  return monitor::format_console_block(report) + lines;
}

Result<void> RunAttachments::write_files(const report::ResultsDocument& doc) const {
  if (file_outputs_.empty()) return {};
  return report::write_outputs(doc, file_outputs_);
}

}  // namespace perfgate::cli
