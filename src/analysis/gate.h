// Performance gates: named conditions on metrics, read from a YAML gates file, evaluated against
// one or more result files, with a compliance report and an overall verdict.
//
// A condition is `<metric> <op> <threshold>` (absolute: "http_req_duration p(95) < 200ms",
// "http_reqs rate >= 1000/s", "sut_rss_bytes max < 512MB", "leak_rate == 0") or
// `<metric> regression <op> <percent>` (relative to a baseline: "http_req_duration p(95)
// regression <= 20%"). <metric> is a MetricTable key ("name stat"; see metric_set.h), so any metric
// any importer produces — including monitoring metrics such as sut_cpu_percent — is gateable.
// The grammar, lookup rules, aliases and units are documented in docs/gates.md.
//
// Levels: blocking (a failure fails the gate run), warning and advisory (reported only). A gate
// whose metric is in no result is "no evidence": a failure for a blocking gate unless optional.
//
// Thread-safety: plain data and pure functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/metric_table.h"
#include "core/compare_op.h"
#include "core/result.h"

namespace perfgate::analysis {

enum class GateLevel { kBlocking, kWarning, kAdvisory };
enum class ThresholdKind { kPlain, kDuration, kBytes, kRate, kPercent };
enum class GateStatus { kPass, kFail, kNoEvidence, kError };

std::string_view to_string(GateLevel level);
inline std::string_view to_string(CompareOp op) { return compare_op_text(op); }
std::string_view to_string(GateStatus status);

struct Threshold {
  ThresholdKind kind = ThresholdKind::kPlain;
  double value = 0;  // ms for durations, bytes, per second, a fraction for percent
  std::string text;  // as written ("200ms")
};

struct Gate {
  std::string name;
  std::string metric;     // a MetricTable key or alias
  bool relative = false;  // "regression <op> <percent>" against a baseline
  CompareOp op = CompareOp::kLess;
  Threshold threshold;
  GateLevel level = GateLevel::kBlocking;
  bool optional = false;
  std::string baseline;  // baseline source for relative gates; empty: the file's or --baseline
  std::string description;
  std::string condition;  // as written
  int line = 0;           // where the gate starts in the gates file (1-based)
};

struct GatesFile {
  std::string path;
  std::string baseline;  // default baseline source, resolved relative to the file's directory
  std::vector<Gate> gates;
};

// Reads a gates file. Errors read "<path>:<line>:<col>: <what>" with a hint.
Result<GatesFile> load_gates_file(const std::string& path);
Result<GatesFile> parse_gates(const std::string& text, const std::string& path);

// One result file's evidence for a gate.
struct Evidence {
  std::string source;
  std::string metric;  // the key actually read
  double value = 0;    // in `unit`; for relative gates, the regression as a fraction
  std::string unit;
  std::string baseline_source;  // relative gates
  std::optional<double> baseline_value, current_value;
  bool pass = false;
  std::string note;
};

struct GateResult {
  Gate gate;
  GateStatus status = GateStatus::kNoEvidence;
  std::vector<Evidence> evidence;
  std::string message;     // why, for no evidence and errors
  bool fails_run() const;  // blocking and (failed, error, or no evidence and not optional)
};

struct GateReport {
  std::string gates_path;
  std::vector<std::string> result_sources;
  std::vector<GateResult> results;
  bool passed() const;  // no result fails the run
  int count(GateStatus status) const;
};

// Loads a baseline source (file or "scheme:..."); injected so that tests and the CLI decide.
using BaselineLoader = std::function<Result<MetricTable>(const std::string& spec)>;

// `default_baseline` (from --baseline) overrides the file's `baseline:` when not empty.
GateReport evaluate_gates(const GatesFile& file, const std::vector<MetricTable>& results,
                          const BaselineLoader& load_baseline,
                          const std::string& default_baseline = {});

}  // namespace perfgate::analysis
