// PlanIndex: a Plan prepared for execution, built once before the run — flows flattened into
// step lists (groups become begin/end markers), request names and check names numbered so
// workers count into plain vectors, literal URLs pre-parsed, and every host:port the plan can
// reach with a literal origin resolved (hosts of rendered URLs and redirects are resolved during
// the run by each worker's net::Resolver). Also applies --duration-scale.
//
// Thread-safety: immutable after build_plan_index(); shared read-only by all workers.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/sub_metrics.h"
#include "net/address.h"
#include "net/resolver.h"
#include "plan/plan.h"
#include "protocols/url.h"

namespace perfgate::engine {

struct FlatStep {
  enum class Kind { kRequest, kThink, kGroupBegin, kGroupEnd } kind = Kind::kRequest;
  const plan::RequestStep* request = nullptr;  // kRequest
  const plan::Think* think = nullptr;          // kThink
  size_t name_id = 0;                          // kRequest: index into PlanIndex::names
  std::vector<size_t> check_ids;               // kRequest: per check, into PlanIndex::checks
  bool needs_body = false;  // checks or extractions read headers/body: keep the response bytes
  bool literal_url = false;
  protocols::HttpUrl url;  // when literal_url
  std::string group;       // k6's group tag: "" at the top, "::outer::inner" inside groups
};

struct PlanIndex {
  std::vector<std::vector<FlatStep>> flows;   // parallel to Plan::flows
  std::vector<std::string> names;             // request `name` tags
  std::vector<std::string> checks;            // check names
  std::map<std::string, net::Address> hosts;  // "scheme://host:port" -> resolved address
  SubMetricIndex subs;                        // tag-filtered sub-metrics of the thresholds
};

// Multiplies every duration of the plan's schedule (startTime, duration, stages, gracefulStop,
// gracefulRampDown, maxDuration), think times and delayAbortEval by `factor`. timeUnit is a rate
// unit and is not scaled.
void scale_plan_durations(plan::Plan& plan, double factor);

// Flattens, numbers and resolves. Errors: a literal URL that does not parse, a host that does
// not resolve. Without `resolve_hosts` (plan --check) no name is looked up and `hosts` stays
// empty.
Result<PlanIndex> build_plan_index(const plan::Plan& plan, bool resolve_hosts = true);

// "scheme://host:port" key of a parsed URL, as used in PlanIndex::hosts.
std::string host_key(const protocols::HttpUrl& url);

}  // namespace perfgate::engine
