// redact_plan (plan/redact.h): finds the secrets a loaded plan carries and redacts the names that
// leave it for results and reports. Request URLs, headers and bodies keep their values: they are
// what is sent.
#include <algorithm>

#include "core/escape.h"
#include "plan/diagnostics.h"
#include "plan/plan.h"
#include "plan/redact.h"

namespace perfgate::plan {
namespace {

void append(std::vector<std::string>& to, std::vector<std::string> more) {
  for (std::string& s : more) to.push_back(std::move(s));
}

// A templated value ("Bearer {{token}}") gets its secret at run time and is never stored.
void collect_header(const Header& h, std::vector<std::string>& out) {
  if (h.value.is_literal()) append(out, secrets_in_header(h.name, h.value.source()));
}

void collect_steps(const std::vector<Step>& steps, std::vector<std::string>& out) {
  for (const Step& step : steps) {
    if (step.kind == Step::Kind::kGroup || step.kind == Step::Kind::kBatch)
      collect_steps(step.steps, out);
    if (step.kind != Step::Kind::kRequest) continue;
    append(out, secrets_in_url(step.request.url.source()));
    for (const Header& h : step.request.headers) collect_header(h, out);
  }
}

// A name as results and reports carry it: redacted, and with no terminal control sequence.
std::string shown(const Redactor& r, std::string_view name) { return terminal_safe(r.text(name)); }

void redact_steps(std::vector<Step>& steps, const Redactor& r) {
  for (Step& step : steps) {
    step.group = shown(r, step.group);
    redact_steps(step.steps, r);
    step.request.name = shown(r, step.request.name);
    for (Check& check : step.request.checks) check.name = shown(r, check.name);
    for (auto& [key, value] : step.request.tags) value = shown(r, value);
  }
}

}  // namespace

void redact_plan(Plan& plan, Diagnostics& diagnostics) {
  std::vector<std::string>& secrets = plan.secret_values;
  append(secrets, secrets_in_url(plan.options.base_url));
  for (const Header& h : plan.options.headers) collect_header(h, secrets);
  for (const Flow& flow : plan.flows) collect_steps(flow.steps, secrets);
  std::sort(secrets.begin(), secrets.end());
  secrets.erase(std::unique(secrets.begin(), secrets.end()), secrets.end());
  secrets.erase(std::remove(secrets.begin(), secrets.end(), std::string()), secrets.end());
  const Redactor redactor(secrets);
  for (Flow& flow : plan.flows) redact_steps(flow.steps, redactor);
  for (Scenario& scenario : plan.scenarios) {
    for (auto& [key, value] : scenario.tags) value = shown(redactor, value);
  }
  for (Threshold& t : plan.options.thresholds) {
    for (auto& [key, value] : t.metric.tags) value = shown(redactor, value);
    t.expression.source = redactor.text(t.expression.source);
  }
  diagnostics.rewrite([&](std::string_view text) { return redactor.text(text); });
}

}  // namespace perfgate::plan
