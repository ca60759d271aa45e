#include "engine/request_labels.h"

#include "plan/redact.h"

namespace perfgate::engine {
namespace {

constexpr size_t kMaxUrlLabel = 512;  // bytes; a longer url label is cut (bounded series size)

std::string url_label(const FlatStep& step, const plan::Redactor& redactor) {
  const plan::RequestStep& request = *step.request;
  std::string url;
  if (auto own = request.tags.find("url"); own != request.tags.end()) {
    url = own->second;
  } else if (step.literal_url) {
    url = url_tag(step.url);
  } else {
    url = request.url.source();
  }
  url = redactor.text(url);
  if (url.size() > kMaxUrlLabel) url.resize(kMaxUrlLabel);
  return url;
}

}  // namespace

std::vector<RequestLabel> request_labels(const PlanIndex& index, const plan::Plan& plan) {
  const plan::Redactor redactor = plan::Redactor::for_plan(plan);
  std::vector<RequestLabel> labels(index.names.size());
  std::vector<bool> done(index.names.size(), false);
  for (const auto& flow : index.flows) {
    for (const FlatStep& step : flow) {
      if (step.kind != FlatStep::Kind::kRequest || step.request == nullptr) continue;
      if (step.name_id >= labels.size() || done[step.name_id]) continue;
      done[step.name_id] = true;
      labels[step.name_id] = {step.request->method, url_label(step, redactor)};
    }
  }
  return labels;
}

}  // namespace perfgate::engine
