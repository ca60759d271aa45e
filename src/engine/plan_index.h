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

// A check as results know it: k6's group path and check name, plus the name of the request step
// it belongs to, so a failed `status in [200]` says which endpoint failed. Checks with the same
// identity (the same step in several flows) add up.
struct CheckId {
  std::string group;  // "" at the top, "::outer::inner" inside groups
  std::string step;   // the request's `name` tag
  std::string name;   // the check's name
  bool operator==(const CheckId&) const = default;
};

struct FlatStep {
  // A batch step becomes kBatchBegin, its requests (kRequest, in order), kBatchEnd.
  enum class Kind {
    kRequest,
    kThink,
    kGroupBegin,
    kGroupEnd,
    kBatchBegin,
    kBatchEnd
  } kind = Kind::kRequest;
  const plan::RequestStep* request = nullptr;  // kRequest
  const plan::Think* think = nullptr;          // kThink
  size_t name_id = 0;                          // kRequest: index into PlanIndex::names
  std::vector<size_t> check_ids;               // kRequest: per check, into PlanIndex::checks
  bool once = false;        // run in the VU's first iteration only (a group: all of it)
  size_t group_end = 0;     // kGroupBegin, kBatchBegin: the index of its kGroupEnd, kBatchEnd
  bool needs_body = false;  // checks or extractions read headers/body: keep the response bytes
  bool grpc_json = false;   // a gRPC step whose checks or extractions read the messages as JSON
  bool literal_url = false;
  protocols::HttpUrl url;  // when literal_url
  // k6's group tag: "" at the top, "::outer::inner" inside groups; for the group markers the
  // group's own path (the tag of its group_duration sample).
  std::string group;
};

struct PlanIndex {
  std::vector<std::vector<FlatStep>> flows;   // parallel to Plan::flows
  std::vector<std::string> names;             // request `name` tags
  std::vector<CheckId> checks;                // every check of the plan
  std::map<std::string, net::Address> hosts;  // "scheme://host:port" -> resolved address
  SubMetricIndex subs;                        // tag-filtered sub-metrics of the thresholds
};

// Multiplies every duration of the plan's schedule (startTime, duration, stages, gracefulStop,
// gracefulRampDown, maxDuration), delayAbortEval and threshold windows by `factor`. Think times
// and timeUnit are not scaled: they set the load (per VU, per unit of time), which a shorter run
// keeps.
void scale_plan_durations(plan::Plan& plan, double factor);

// Flattens, numbers and resolves. Errors: a literal URL that does not parse, a host that does
// not resolve. Without `resolve_hosts` (plan --check) no name is looked up and `hosts` stays
// empty.
Result<PlanIndex> build_plan_index(const plan::Plan& plan, bool resolve_hosts = true);

// "scheme://host:port" key of a parsed URL, as used in PlanIndex::hosts.
std::string host_key(const protocols::HttpUrl& url);
// The `url` tag of a request to `url`: "scheme://authority/target" (before redaction).
std::string url_tag(const protocols::HttpUrl& url);

}  // namespace perfgate::engine
