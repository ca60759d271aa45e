#include "analysis/gate.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "analysis/gate_report.h"

namespace perfgate::analysis {
namespace {

GatesFile parse_ok(const std::string& yaml) {
  auto file = parse_gates(yaml, "g.yaml");
  EXPECT_TRUE(file) << file.error().describe();
  return file ? *file : GatesFile{};
}

MetricTable results() {
  MetricTable s;
  s.source = "run.json";
  s.metrics = {
      {.name = "http_req_duration", .stat = "p(95)", .unit = "ms", .value = 150},
      {.name = "http_req_duration", .stat = "avg", .unit = "ms", .value = 80},
      {.name = "http_reqs",
       .stat = "rate",
       .unit = "/s",
       .direction = Direction::kHigherIsBetter,
       .value = 1200},
      {.name = "sut_rss_bytes", .stat = "max", .unit = "bytes", .value = 600e6},
      {.name = "sut_rss_slope_mb_per_hour", .stat = "value", .unit = "MB/h", .value = 0},
      {.name = "http_req_failed", .stat = "value", .unit = "ratio", .value = 0.002},
  };
  return s;
}

GateReport run(const std::string& yaml, const MetricTable& baseline = {}) {
  return evaluate_gates(parse_ok(yaml), {results()},
                        [&](const std::string&) -> Result<MetricTable> { return baseline; });
}

TEST(GateParser, ReadsConditionsLevelsAndUnits) {
  const GatesFile f = parse_ok(R"(
baseline: base.json
gates:
  p95:
    condition: http_req_duration p(95) < 200ms
  rps:
    metric: http_reqs rate
    condition: ">= 1000/s"
    level: warning
  reg:
    condition: http_req_duration p95 regression <= 20%
    level: advisory
    optional: true
)");
  ASSERT_EQ(f.gates.size(), 3u);
  EXPECT_EQ(f.baseline, "base.json");
  EXPECT_EQ(f.gates[0].metric, "http_req_duration p(95)");
  EXPECT_EQ(f.gates[0].threshold.kind, ThresholdKind::kDuration);
  EXPECT_DOUBLE_EQ(f.gates[0].threshold.value, 200);
  EXPECT_EQ(f.gates[0].level, GateLevel::kBlocking);
  EXPECT_EQ(f.gates[1].metric, "http_reqs rate");
  EXPECT_EQ(f.gates[1].op, CompareOp::kGreaterEqual);
  EXPECT_DOUBLE_EQ(f.gates[1].threshold.value, 1000);
  EXPECT_TRUE(f.gates[2].relative);
  EXPECT_TRUE(f.gates[2].optional);
  EXPECT_DOUBLE_EQ(f.gates[2].threshold.value, 0.2);
  EXPECT_EQ(f.gates[2].line, 10);
}

TEST(GateParser, ErrorsCarryFileLineColumnAndAHint) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"gates:\n  a:\n    condition: x >> 5\n", "g.yaml:3:16"},
      {"gates:\n  a:\n    condition: x < 5\n    level: fatal\n", "g.yaml:4:12"},
      {"gates:\n  a:\n    conditon: x < 5\n", "g.yaml:3:5"},
      {"gates:\n  a:\n    condition: x < 5 parsecs\n", "g.yaml:3:16"},
      {"gates:\n  a:\n    condition: x regression < 5ms\n", "g.yaml:3:16"},
      {"gates:\n  a: [unclosed\n", "g.yaml:"},
      {"gate:\n  a: {condition: x < 1}\n", "g.yaml:1:1"},
  };
  for (const auto& [yaml, where] : cases) {
    auto f = parse_gates(yaml, "g.yaml");
    ASSERT_FALSE(f) << yaml;
    EXPECT_EQ(f.error().message.rfind(where, 0), 0u) << f.error().message;
    EXPECT_FALSE(f.error().hint.empty()) << f.error().message;
  }
}

TEST(GateEval, AbsoluteGatesConvertUnits) {
  const GateReport r = run(R"(
gates:
  p95: {condition: "http_req_duration p(95) < 0.2s"}
  rps: {condition: "throughput >= 1000/s"}
  mem: {condition: "memory_peak < 512MB"}
  leak: {condition: "leak_rate == 0"}
  errors: {condition: "http_req_failed < 1%"}
)");
  ASSERT_EQ(r.results.size(), 5u);
  EXPECT_EQ(r.results[0].status, GateStatus::kPass);
  EXPECT_EQ(r.results[1].status, GateStatus::kPass);  // alias of http_reqs rate
  EXPECT_EQ(r.results[2].status, GateStatus::kFail);  // 600 MB >= 512 MB
  EXPECT_EQ(r.results[2].evidence[0].metric, "sut_rss_bytes max");
  EXPECT_EQ(r.results[3].status, GateStatus::kPass);
  EXPECT_EQ(r.results[4].status, GateStatus::kPass);  // "value" picked, 0.2% < 1%
  EXPECT_FALSE(r.passed());
}

TEST(GateEval, NoEvidenceFailsBlockingUnlessOptional) {
  const GateReport r = run(R"(
gates:
  cpu: {condition: "sut_cpu_percent avg < 80"}
  cpu-opt: {condition: "sut_cpu_percent avg < 80", optional: true}
  cpu-warn: {condition: "sut_cpu_percent avg < 80", level: warning}
)");
  EXPECT_EQ(r.results[0].status, GateStatus::kNoEvidence);
  EXPECT_TRUE(r.results[0].fails_run());
  EXPECT_FALSE(r.results[1].fails_run());
  EXPECT_FALSE(r.results[2].fails_run());
  EXPECT_NE(r.results[0].message.find("run.json"), std::string::npos);
}

TEST(GateEval, UnitMismatchIsAnError) {
  const GateReport r = run("gates:\n  x: {condition: \"sut_rss_bytes max < 200ms\"}\n");
  EXPECT_EQ(r.results[0].status, GateStatus::kError);
  EXPECT_TRUE(r.results[0].fails_run());
}

TEST(GateEval, RegressionAgainstBaselineIsDirectionAware) {
  MetricTable base = results();
  base.source = "base.json";
  base.metrics[0].value = 100;   // p95 100 -> 150: +50%
  base.metrics[2].value = 1250;  // rps 1250 -> 1200: a 4% regression
  const GateReport r = run(R"(
gates:
  p95: {condition: "http_req_duration p(95) regression <= 20%", baseline: base.json}
  rps: {condition: "http_reqs rate regression <= 5%", baseline: base.json}
)",
                           base);
  EXPECT_EQ(r.results[0].status, GateStatus::kFail);
  EXPECT_NEAR(r.results[0].evidence[0].value, 0.5, 1e-12);
  EXPECT_EQ(r.results[0].evidence[0].baseline_source, "base.json");
  EXPECT_EQ(r.results[1].status, GateStatus::kPass);
  EXPECT_NEAR(r.results[1].evidence[0].value, 0.04, 1e-12);
  const GateReport none = evaluate_gates(
      parse_ok("gates:\n  p: {condition: \"http_req_duration p(95) regression <= 20%\"}\n"),
      {results()}, [](const std::string&) -> Result<MetricTable> { return MetricTable{}; });
  EXPECT_EQ(none.results[0].status, GateStatus::kError);
}

TEST(GateReport, RenderingsEscapeAndPickFormatByExtension) {
  const GateReport r =
      run("gates:\n  \"<script>\": {condition: \"http_req_duration p(95) < 1ms\"}\n");
  const std::string html = *render_gate_report(r, "gate.html");
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("FAILED"), std::string::npos);
  auto json = nlohmann::json::parse(*render_gate_report(r, "gate.json"));
  EXPECT_EQ(json["passed"], false);
  EXPECT_EQ(json["gates"][0]["evidence"][0]["value"], 150);
  EXPECT_NE(render_gate_report(r, "gate.md")->find("| blocking |"), std::string::npos);
  EXPECT_FALSE(render_gate_report(r, "gate.txt"));
}

TEST(GateReport, NamesCannotInjectMarkdownOrTerminalSequences) {
  const GateReport r =
      run("gates:\n  \"![p](http://evil/x.png) [ok](http://evil) \\e[2J\": "
          "{condition: \"http_req_duration p(95) < 1ms\"}\n");
  const std::string md = *render_gate_report(r, "gate.md");
  EXPECT_EQ(md.find("[ok]("), std::string::npos) << md;
  EXPECT_NE(md.find("\\[ok\\]"), std::string::npos) << md;
  const std::string text = gate_report_text(r);
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("\\x1b[2J"), std::string::npos) << text;
  EXPECT_NE(render_gate_report(r, "gate.html")->find("Content-Security-Policy"), std::string::npos);
}

}  // namespace
}  // namespace perfgate::analysis
