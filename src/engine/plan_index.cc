// Building the PlanIndex and scaling durations; see plan_index.h.
#include "engine/plan_index.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace perfgate::engine {
namespace {

Nanos scaled(Nanos value, double factor) {
  return static_cast<Nanos>(std::llround(static_cast<double>(value) * factor));
}

template <typename T>
size_t intern(std::vector<T>& list, const T& value) {
  auto it = std::find(list.begin(), list.end(), value);
  if (it != list.end()) return static_cast<size_t>(it - list.begin());
  list.push_back(value);
  return list.size() - 1;
}

// Only plain checks on the status line and the duration can be decided without the bytes.
bool needs_body(const plan::RequestStep& request) {
  if (!request.extracts.empty()) return true;
  for (const plan::Record& record : request.records) {
    if (record.value == plan::Record::Value::kTemplate) return true;
  }
  const auto reads_response = [](const plan::Check& c) {
    return c.kind != plan::CheckKind::kStatusIn && c.kind != plan::CheckKind::kDurationBelow &&
           c.kind != plan::CheckKind::kGrpcStatusIn;
  };
  return std::any_of(request.checks.begin(), request.checks.end(), [&](const plan::Check& c) {
    return reads_response(c) || std::any_of(c.also.begin(), c.also.end(), reads_response);
  });
}

// The "http[s]://authority" prefix of a URL template when it has no variables, so its host can
// be resolved before the run even if the path is dynamic.
std::optional<std::string> static_origin(const std::string& source) {
  const size_t scheme = source.rfind("http://", 0) == 0    ? 7
                        : source.rfind("https://", 0) == 0 ? 8
                                                           : 0;
  if (scheme == 0) return std::nullopt;
  const size_t end = source.find_first_of("/?#", scheme);
  std::string origin = source.substr(0, end);
  if (origin.find("{{") != std::string::npos) return std::nullopt;
  return origin + "/";
}

Result<void> flatten(const std::vector<plan::Step>& steps, const std::string& group,
                     bool resolve_hosts, PlanIndex& index, std::vector<FlatStep>& out) {
  for (const plan::Step& step : steps) {
    FlatStep flat;
    flat.group = group;
    flat.once = step.once;
    if (step.kind == plan::Step::Kind::kThink) {
      flat.kind = FlatStep::Kind::kThink;
      flat.think = &step.think;
    } else if (step.kind == plan::Step::Kind::kGroup) {
      flat.kind = FlatStep::Kind::kGroupBegin;
      flat.group = group + "::" + step.group;
      const size_t begin = out.size();
      out.push_back(flat);
      if (auto ok = flatten(step.steps, flat.group, resolve_hosts, index, out); !ok) return ok;
      out[begin].group_end = out.size();
      flat.once = false;
      flat.kind = FlatStep::Kind::kGroupEnd;
    } else if (step.kind == plan::Step::Kind::kBatch) {
      flat.kind = FlatStep::Kind::kBatchBegin;
      const size_t begin = out.size();
      out.push_back(flat);
      if (auto ok = flatten(step.steps, group, resolve_hosts, index, out); !ok) return ok;
      out[begin].group_end = out.size();
      flat.once = false;
      flat.kind = FlatStep::Kind::kBatchEnd;
    } else {
      flat.request = &step.request;
      flat.name_id = intern(index.names, step.request.name);
      for (const plan::Check& check : step.request.checks) {
        flat.check_ids.push_back(
            intern(index.checks, CheckId{group, step.request.name, check.name}));
      }
      flat.needs_body = needs_body(step.request);
      // gRPC: the status may come in headers (trailers-only) and the messages are counted.
      flat.grpc_json = step.request.grpc && flat.needs_body;
      flat.needs_body |= step.request.grpc != nullptr;
      if (auto origin = resolve_hosts ? static_origin(step.request.url.source()) : std::nullopt) {
        auto url = protocols::parse_http_url(*origin);
        if (!url) return url.error();
        const std::string key = host_key(*url);
        if (!index.hosts.count(key)) {
          auto address = net::resolve_blocking(url->host, url->port);
          if (!address) return address.error();
          index.hosts.emplace(key, *address);
        }
      }
      if (step.request.url.is_literal()) {
        auto url = protocols::parse_http_url(step.request.url.source());
        if (!url) {
          return make_error(fmt::format("{}: {}", step.pos.describe(), url.error().describe()));
        }
        flat.literal_url = true;
        flat.url = std::move(*url);
      }
    }
    out.push_back(std::move(flat));
  }
  return {};
}

}  // namespace

std::string host_key(const protocols::HttpUrl& url) {
  return fmt::format("{}://{}:{}", url.scheme(), url.host, url.port);
}

std::string url_tag(const protocols::HttpUrl& url) {
  return fmt::format("{}://{}{}", url.scheme(), url.authority, url.target);
}

void scale_plan_durations(plan::Plan& plan, double factor) {
  for (plan::Scenario& s : plan.scenarios) {
    s.start_time = scaled(s.start_time, factor);
    s.graceful_stop = scaled(s.graceful_stop, factor);
    s.duration = scaled(s.duration, factor);
    s.graceful_ramp_down = scaled(s.graceful_ramp_down, factor);
    s.max_duration = scaled(s.max_duration, factor);
    for (plan::Stage& stage : s.stages) stage.duration = scaled(stage.duration, factor);
  }
  // Think times are not scaled: they set the load each VU offers (a 1 s sleep scaled by 0.0125
  // became 12.5 ms and the load 80x the script's), and a shorter run should keep that load.
  for (plan::Threshold& t : plan.options.thresholds) {
    t.delay_abort_eval = scaled(t.delay_abort_eval, factor);
    t.window = scaled(t.window, factor);
  }
}

Result<PlanIndex> build_plan_index(const plan::Plan& plan, bool resolve_hosts) {
  PlanIndex index;
  for (const plan::Flow& flow : plan.flows) {
    index.flows.emplace_back();
    if (auto ok = flatten(flow.steps, "", resolve_hosts, index, index.flows.back()); !ok) {
      return ok.error();
    }
  }
  index.subs = build_sub_metrics(plan, index.flows, index.checks);
  return index;
}

}  // namespace perfgate::engine
