// RequestLabels: the labels of each request name that results and live outputs carry beside the
// name — k6's `method` and `url` tags. The url is bounded in cardinality: one per request name,
// that of the name's first step — its literal URL, or the URL *template* when it has templates
// (`{{base}}/items/{{id}}`, never a rendered URL), or the step's own `tags: {url: ...}`; secrets
// are hidden with the plan's Redactor (issue #15's rules: URL userinfo, secret query values and
// the plan's secret values).
//
// Thread-safety: pure functions over immutable inputs.
#pragma once

#include <string>
#include <vector>

#include "engine/plan_index.h"
#include "plan/plan.h"

namespace perfgate::engine {

struct RequestLabel {
  std::string method;  // "GET"; "" for a name with no request step
  std::string url;     // redacted url tag or template, as above
};

// One label per PlanIndex::names entry, in the same order.
std::vector<RequestLabel> request_labels(const PlanIndex& index, const plan::Plan& plan);

}  // namespace perfgate::engine
