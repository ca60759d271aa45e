#include "plan/metric_samples.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace perfgate::plan {
namespace {

bool has_tags(const MetricSamples::Tags& sample_tags,
              const std::vector<std::pair<std::string, std::string>>& wanted) {
  return std::all_of(wanted.begin(), wanted.end(), [&](const auto& tag) {
    return std::find(sample_tags.begin(), sample_tags.end(), tag) != sample_tags.end();
  });
}

}  // namespace

double interpolated_percentile(const std::vector<double>& sorted, double percentile) {
  const double rank = percentile / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<size_t>(std::floor(rank));
  const size_t upper = std::min(lower + 1, sorted.size() - 1);
  const double fraction = rank - static_cast<double>(lower);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
}

void MetricSamples::add(const std::string& name, Nanos at, double value, Tags tags) {
  samples_[name].push_back(Sample{at, value, std::move(tags)});
  now_ = std::max(now_, at);
}

std::vector<double> MetricSamples::select(const MetricSelector& metric, Nanos window) const {
  std::vector<double> values;
  auto it = samples_.find(metric.name);
  if (it == samples_.end()) return values;
  for (const Sample& s : it->second) {
    if (window > 0 && s.at < now_ - window) continue;
    if (has_tags(s.tags, metric.tags)) values.push_back(s.value);
  }
  return values;
}

std::optional<double> MetricSamples::aggregate(const MetricSelector& metric,
                                               Aggregation aggregation, double percentile,
                                               Nanos window) const {
  std::vector<double> values = select(metric, window);
  if (values.empty()) return std::nullopt;
  auto type_it = types_.find(metric.name);
  const MetricType type = type_it == types_.end() ? MetricType::kTrend : type_it->second;
  const double sum = std::accumulate(values.begin(), values.end(), 0.0);
  const auto n = static_cast<double>(values.size());
  switch (aggregation) {
    case Aggregation::kCount:
      return type == MetricType::kCounter ? sum : n;
    case Aggregation::kRate: {
      if (type == MetricType::kCounter) {
        const Nanos span = window > 0 ? std::min(window, now_) : now_;
        if (span <= 0) return std::nullopt;
        return sum / (static_cast<double>(span) / kNanosPerSecond);
      }
      const auto nonzero =
          std::count_if(values.begin(), values.end(), [](double v) { return v != 0; });
      return static_cast<double>(nonzero) / n;
    }
    case Aggregation::kAvg:
      return sum / n;
    case Aggregation::kMin:
      return *std::min_element(values.begin(), values.end());
    case Aggregation::kMax:
      return *std::max_element(values.begin(), values.end());
    case Aggregation::kValue:
      return values.back();
    case Aggregation::kMed:
    case Aggregation::kPercentile:
      std::sort(values.begin(), values.end());
      return interpolated_percentile(values, aggregation == Aggregation::kMed ? 50.0 : percentile);
  }
  return std::nullopt;
}

}  // namespace perfgate::plan
