// FlowVu: batch steps (k6's http.batch) — a VU's lanes run the batch's requests in parallel
// within the plan's limits (options.batch in all, options.batchPerHost per host); see flow_vu.h.
#include <algorithm>

#include "engine/flow_vu.h"
#include "engine/plan_worker.h"
#include "plan/runtime.h"

namespace perfgate::engine {

void FlowVu::check_deadline(Nanos now) {
  connection_.check_deadline(now);
  // By index: a lane timing out may end the batch and start the next one, adding lanes.
  for (size_t i = 0; i < lanes_.size(); ++i) lanes_[i]->connection_.check_deadline(now);
}

std::string FlowVu::batch_host(const FlatStep& step) {
  if (step.literal_url) return host_key(step.url);
  url_.clear();
  step.request->url.render(render_context(), url_);
  auto url = protocols::parse_http_url(url_);
  return url ? host_key(*url) : std::string();
}

void FlowVu::begin_batch(const FlatStep& step, Nanos now) {
  state_ = State::kBatch;
  const std::vector<FlatStep>& steps = worker_.shared().index.flows[flow_];
  batch_.end = step.group_end;
  batch_.pending.clear();
  batch_.hosts.clear();
  batch_.per_host.clear();
  batch_.running = 0;
  for (size_t k = step_ + 1; k < batch_.end; ++k) {
    if (steps[k].once && iteration_ > 0) continue;
    std::string host = batch_host(steps[k]);
    const auto it = std::find(batch_.hosts.begin(), batch_.hosts.end(), host);
    const size_t h = static_cast<size_t>(it - batch_.hosts.begin());
    if (it == batch_.hosts.end()) {
      batch_.hosts.push_back(std::move(host));
      batch_.per_host.push_back(0);
    }
    batch_.pending.emplace_back(k, h);
  }
  fill_batch(now);
}

// Requests start in the plan's order; one whose host is at batchPerHost waits while later ones
// to other hosts may start. A lane may end inside run_lane (a request that cannot be rendered,
// a refused connect), so the scan starts over after each start.
void FlowVu::fill_batch(Nanos now) {
  const plan::Options& options = worker_.shared().plan.options;
  batch_.filling = true;
  for (bool started = true; started;) {
    started = false;
    for (size_t i = 0; i < batch_.pending.size() && batch_.running < options.batch; ++i) {
      const auto [step, host] = batch_.pending[i];
      if (options.batch_per_host > 0 && batch_.per_host[host] >= options.batch_per_host) continue;
      batch_.pending.erase(batch_.pending.begin() + static_cast<std::ptrdiff_t>(i));
      ++batch_.running;
      ++batch_.per_host[host];
      idle_lane().run_lane(*this, step, host, now);
      started = true;
      break;
    }
  }
  batch_.filling = false;
  if (!batch_.pending.empty() || batch_.running > 0) return;
  step_ = batch_.end;
  after_request(now);  // on to the step after kBatchEnd
}

void FlowVu::on_lane_done(FlowVu& lane, Nanos now) {
  connect_failed_ |= lane.connect_failed_;
  lane.connect_failed_ = false;
  --batch_.running;
  --batch_.per_host[lane.lane_host_];
  if (!batch_.filling) fill_batch(now);
}

FlowVu& FlowVu::idle_lane() {
  for (auto& lane : lanes_) {
    if (lane->state_ == State::kIdle) return *lane;
  }
  lanes_.push_back(std::make_unique<FlowVu>(worker_, driver_, number_, this, lanes_.size() + 1));
  return *lanes_.back();
}

void FlowVu::run_lane(const FlowVu& root, size_t step, size_t host, Nanos now) {
  flow_ = root.flow_;
  step_ = step;
  iteration_ = root.iteration_;
  iteration_scheduled_ = root.iteration_scheduled_;
  picked_up_ = root.picked_up_;
  first_request_ = root.first_request_;  // the iteration's first requests, when it opens with one
  connect_failed_ = false;
  lane_host_ = host;
  begin_request(worker_.shared().index.flows[flow_][step], now);
}

}  // namespace perfgate::engine
