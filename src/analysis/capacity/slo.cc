#include "analysis/capacity/slo.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace perfgate::analysis::capacity {
namespace {

constexpr size_t kMaxSloLength = 200;

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// "p(95)" → 95, "avg" → -1, "med" → 50, "max" → 100, "min" → 0.
Result<double> parse_aggregation(const std::string& a) {
  if (a == "avg") return -1.0;
  if (a == "med") return 50.0;
  if (a == "max") return 100.0;
  if (a == "min") return 0.0;
  if (a.size() > 3 && a.starts_with("p(") && a.back() == ')') {
    double p = 0;
    const std::string inner = a.substr(2, a.size() - 3);
    auto [end, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), p);
    if (ec == std::errc() && end == inner.data() + inner.size() && p >= 0 && p <= 100) return p;
  }
  return make_error(fmt::format("unknown aggregation '{}'", a),
                    "use avg, med, min, max or p(N), e.g. p(95)<200ms");
}

// "200ms" → 200 (ms), "1.5s" → 1500, "1%" → 0.01 (with percent set).
Result<double> parse_bound(const std::string& text, bool latency) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value < 0) {
    return make_error(fmt::format("'{}' is not a number", text));
  }
  const std::string unit = trim(std::string_view(end, text.data() + text.size() - end));
  if (unit == "%") return value / 100;
  if (!latency && unit.empty()) return value;
  if (latency && (unit.empty() || unit == "ms")) return value;
  if (latency && unit == "s") return value * 1000;
  if (latency && (unit == "us" || unit == "µs")) return value / 1000;
  return make_error(fmt::format("unknown unit '{}' in '{}'", unit, text));
}

}  // namespace

double Slo::observed(const TrialStats& t) const {
  if (quantity == Quantity::kErrorRate) return t.error_rate;
  if (percentile < 0) return t.avg_ms;
  if (percentile >= 100) return t.max_ms;
  if (percentile >= 99) return t.p99_ms;
  if (percentile >= 95) return t.p95_ms;
  if (percentile >= 90) return t.p90_ms;
  return t.p50_ms;
}

bool Slo::holds(double v) const { return compare(v, op, bound); }

bool Slo::marginal(double v) const {
  if (bound <= 0) return false;
  const double ratio = v / bound;
  return quantity == Quantity::kErrorRate ? ratio >= 0.5 && ratio <= 2.0
                                          : ratio >= 0.8 && ratio <= 1.25;
}

Result<Slo> parse_slo(std::string_view text) {
  if (text.size() > kMaxSloLength) return make_error("SLO text is too long");
  const size_t op_at = text.find_first_of("<>");
  if (op_at == std::string_view::npos) {
    return make_error(fmt::format("SLO '{}' has no < or > comparison", text),
                      "e.g. --slo 'p(95)<200ms' --slo 'http_req_failed<1%'");
  }
  Slo slo;
  slo.text = trim(text);
  const bool equal = op_at + 1 < text.size() && text[op_at + 1] == '=';
  slo.op = text[op_at] == '<' ? (equal ? CompareOp::kLessEqual : CompareOp::kLess)
                              : (equal ? CompareOp::kGreaterEqual : CompareOp::kGreater);
  std::string left = trim(text.substr(0, op_at));
  const std::string right = trim(text.substr(op_at + (equal ? 2 : 1)));
  if (left.starts_with("http_req_duration")) left = trim(left.substr(17));
  if (left == "http_req_failed" || left == "error_rate" || left == "http_req_failed rate") {
    slo.quantity = Slo::Quantity::kErrorRate;
  } else {
    auto percentile = parse_aggregation(left);
    if (!percentile)
      return make_error(fmt::format("SLO '{}': {}", text, percentile.error().message),
                        percentile.error().hint);
    slo.percentile = *percentile;
  }
  auto bound = parse_bound(right, slo.quantity == Slo::Quantity::kLatencyMs);
  if (!bound) return make_error(fmt::format("SLO '{}': {}", text, bound.error().message));
  slo.bound = *bound;
  return slo;
}

}  // namespace perfgate::analysis::capacity
