// RunAttachments: what `perfgate run` attaches to a load test besides the engine itself —
//   --out TYPE=FILE        result files written at the end (json, html, junit, markdown, csv, hdr)
//   --out influxdb=URL     live outputs fed once a second (also prometheus=HOST:PORT)
//   --monitor TARGET       the system under test sampled from its own thread (pid:, cmd:,
//                          cgroup:, self), with leak analysis and findings at the end
// prepare() does every check that can fail before any traffic (paths writable, targets exist,
// InfluxDB reachable, /metrics port free); the rest never fails the run: a file that cannot be
// written at the end is reported and turns the exit code into a runtime error, nothing else.
//
// Thread-safety: prepare/start/finish on the main thread; on_second on the engine's coordinator
// thread. The monitor's latest numbers cross from its sampling thread under a mutex that only
// those two threads take (never the engine's workers).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/engine.h"
#include "engine/request_labels.h"
#include "monitor/monitor.h"
#include "outputs/live_output.h"
#include "report/outputs.h"
#include "report/results_model.h"

namespace CLI {
class App;
}

namespace perfgate::cli {

struct AttachmentOptions {
  std::vector<std::string> outs;      // --out TYPE=TARGET, repeatable
  std::vector<std::string> monitors;  // --monitor TARGET, repeatable
  std::string monitor_interval = "1s";
  std::string run_id;    // live outputs' testid; "" = generated
  std::string instance;  // live outputs' instance tag (a distributed run's part)
  std::vector<std::pair<std::string, std::string>> tags;  // --tag k=v: on every point/series
};

void add_attachment_options(CLI::App& app, AttachmentOptions& options);

class RunAttachments {
 public:
  static Result<std::unique_ptr<RunAttachments>> prepare(const AttachmentOptions& options);
  ~RunAttachments();

  // Starts the monitor (right before the engine starts, so t = 0 lines up).
  void start();
  // Feeds the live outputs; call from RunHooks::on_second.
  void on_second(const engine::LiveStatus& status);
  // Stops the monitor and the live outputs and attaches the monitor's report to `doc`.
  // Returns the console lines to print after the summary (monitor block, output notes).
  std::string finish(report::ResultsDocument& doc);
  // Writes the result files. Errors list every file that could not be written.
  Result<void> write_files(const report::ResultsDocument& doc) const;

  bool has_files() const { return !file_outputs_.empty(); }
  // The method and url of each request name (engine/request_labels.h) for the live outputs; call
  // before start().
  void set_request_labels(std::vector<engine::RequestLabel> labels) { labels_ = std::move(labels); }

 private:
  RunAttachments() = default;
  void remember_gauges(const monitor::MonitorReport& report);

  std::vector<report::OutputSpec> file_outputs_;
  std::vector<std::unique_ptr<outputs::LiveOutput>> live_outputs_;
  std::unique_ptr<monitor::Monitor> monitor_;
  Nanos run_started_ = 0;  // when the engine started, on the monitor's clock

  std::mutex gauges_mutex_;
  std::vector<outputs::Gauge> latest_gauges_;  // guarded by gauges_mutex_
  outputs::SecondDetail second_detail(const engine::LiveStatus& status);
  std::vector<engine::RequestLabel> labels_;  // indexed like PlanIndex::names
};

}  // namespace perfgate::cli
