#include "plan/threshold.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

#include "core/units.h"

namespace perfgate::plan {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool identifier(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
      return false;
    }
  }
  return true;
}

const Error kExpressionHint = make_error(
    "", "write <aggregation><op><number>, e.g. p(95)<200, rate<0.01, avg<=150ms, count>100");

Error bad_expression(std::string_view text, std::string why) {
  return make_error(fmt::format("invalid threshold expression \"{}\": {}", text, why),
                    kExpressionHint.hint);
}

// Reads the aggregation at the front of `rest`.
Result<std::pair<Aggregation, double>> take_aggregation(std::string_view text,
                                                        std::string_view& rest) {
  size_t i = 0;
  while (i < rest.size() && std::isalpha(static_cast<unsigned char>(rest[i]))) ++i;
  const std::string_view word = rest.substr(0, i);
  rest.remove_prefix(i);
  if (word == "p") {
    rest = trim(rest);
    const size_t close = rest.find(')');
    if (rest.empty() || rest[0] != '(' || close == std::string_view::npos) {
      return bad_expression(text, "percentile must be written p(N)");
    }
    const std::string_view number = trim(rest.substr(1, close - 1));
    double pct = -1;
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), pct);
    if (ec != std::errc() || ptr != number.data() + number.size() ||
        !(pct >= 0 && pct <= 100)) {  // NaN fails both comparisons
      return bad_expression(text, "the percentile must be a number from 0 to 100");
    }
    rest.remove_prefix(close + 1);
    return std::pair{Aggregation::kPercentile, pct};
  }
  static const std::pair<std::string_view, Aggregation> kNames[] = {
      {"count", Aggregation::kCount}, {"rate", Aggregation::kRate}, {"avg", Aggregation::kAvg},
      {"min", Aggregation::kMin},     {"max", Aggregation::kMax},   {"med", Aggregation::kMed},
      {"value", Aggregation::kValue}};
  for (const auto& [name, aggregation] : kNames) {
    if (word == name) return std::pair{aggregation, 0.0};
  }
  const std::string shown = word.empty() ? std::string(trim(text)) : std::string(word);
  return bad_expression(text, fmt::format("unknown aggregation \"{}\"; expected count, rate, avg, "
                                          "min, max, med, value or p(N)",
                                          shown));
}

Result<CompareOp> take_comparison(std::string_view text, std::string_view& rest) {
  static const std::pair<std::string_view, CompareOp> kOps[] = {
      {"===", CompareOp::kEqual},    {"==", CompareOp::kEqual},        {"!=", CompareOp::kNotEqual},
      {"<=", CompareOp::kLessEqual}, {">=", CompareOp::kGreaterEqual}, {"<", CompareOp::kLess},
      {">", CompareOp::kGreater}};
  rest = trim(rest);
  for (const auto& [op, comparison] : kOps) {
    if (rest.starts_with(op)) {
      rest.remove_prefix(op.size());
      return comparison;
    }
  }
  return bad_expression(text, "expected an operator: <, <=, >, >=, ==, ===, !=");
}

// A plain number, a duration ("200ms", "1.5s") read as milliseconds, or a size ("512MB") read
// as bytes.
Result<double> take_bound(std::string_view text, std::string_view rest) {
  rest = trim(rest);
  double value = 0;
  const char* begin = rest.data();
  const char* end = begin + rest.size();
  if (!rest.empty() && rest[0] == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec == std::errc() && ptr == end && std::isfinite(value)) return value;
  if (auto nanos = parse_duration(rest); nanos && !rest.empty()) {
    return static_cast<double>(*nanos) / kNanosPerMilli;
  }
  // A size ("512MB", "1GiB") for byte metrics such as sut_rss_bytes, read as bytes.
  const bool has_unit = !rest.empty() && std::isalpha(static_cast<unsigned char>(rest.back()));
  if (auto bytes = parse_bytes(rest); bytes && has_unit) return *bytes;
  return bad_expression(text, rest.empty() ? "missing the number to compare with"
                                           : fmt::format("\"{}\" is not a number", rest));
}

}  // namespace

std::string_view metric_type_name(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kRate:
      return "rate";
    case MetricType::kTrend:
      return "trend";
    case MetricType::kAny:
      return "any";
  }
  return "?";
}

std::string_view aggregation_name(Aggregation aggregation) {
  switch (aggregation) {
    case Aggregation::kCount:
      return "count";
    case Aggregation::kRate:
      return "rate";
    case Aggregation::kAvg:
      return "avg";
    case Aggregation::kMin:
      return "min";
    case Aggregation::kMax:
      return "max";
    case Aggregation::kMed:
      return "med";
    case Aggregation::kValue:
      return "value";
    case Aggregation::kPercentile:
      return "p(N)";
  }
  return "?";
}

namespace {

// A tag value needs quotes in a selector when it holds a separator, a quote, a backslash or a
// brace, or starts or ends with a space.
bool needs_quotes(std::string_view value) {
  return value.empty() || value.find_first_of(",\"\\{}") != std::string_view::npos ||
         std::isspace(static_cast<unsigned char>(value.front())) ||
         std::isspace(static_cast<unsigned char>(value.back()));
}

std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Reads a "quoted value" (\" and \\ escaped) at the front of `rest`, leaving what follows.
std::optional<std::string> take_quoted(std::string_view& rest) {
  std::string value;
  for (size_t i = 1; i < rest.size(); ++i) {
    if (rest[i] == '\\' && i + 1 < rest.size()) {
      value += rest[++i];
    } else if (rest[i] == '"') {
      rest.remove_prefix(i + 1);
      return value;
    } else {
      value += rest[i];
    }
  }
  return std::nullopt;
}

}  // namespace

std::string MetricSelector::key() const {
  if (tags.empty()) return name;
  std::string out = name + "{";
  for (size_t i = 0; i < tags.size(); ++i) {
    if (i > 0) out += ",";
    out += tags[i].first + ":" +
           (needs_quotes(tags[i].second) ? quoted(tags[i].second) : tags[i].second);
  }
  return out + "}";
}

// Tag values are written bare (up to the next comma, trimmed) or quoted, k6's
// `http_req_duration{name:"login"}`, which may hold commas, colons, braces and spaces.
Result<MetricSelector> parse_metric_selector(std::string_view key) {
  const std::string_view text = trim(key);
  const size_t open = text.find('{');
  MetricSelector selector{std::string(trim(text.substr(0, open)))};
  const auto bad = [&](std::string why) {
    return make_error(fmt::format("invalid metric \"{}\": {}", key, why),
                      "write a metric name, optionally with tags: http_req_duration{name:login} "
                      "or {check:\"status is 200, fast\"}");
  };
  if (!identifier(selector.name)) return bad("a metric name uses letters, digits, _ . -");
  if (open == std::string_view::npos) return selector;
  if (text.back() != '}') return bad("the tag list must end with }");
  std::string_view tags = text.substr(open + 1, text.size() - open - 2);
  while (!trim(tags).empty()) {
    const size_t colon = tags.find(':');
    if (colon == std::string_view::npos) return bad("each tag is written tag:value");
    const std::string_view name = trim(tags.substr(0, colon));
    std::string_view rest = trim(tags.substr(colon + 1));
    std::string value;
    if (!rest.empty() && rest.front() == '"') {
      auto inside = take_quoted(rest);
      if (!inside) return bad("a quoted tag value has no closing \"");
      value = std::move(*inside);
      rest = trim(rest);
      if (!rest.empty() && rest.front() != ',') return bad("a quoted tag value ends the tag");
    } else {
      value = std::string(trim(rest.substr(0, rest.find(','))));
      if (value.empty()) return bad("each tag is written tag:value");
    }
    if (!identifier(name)) return bad("each tag is written tag:value");
    selector.tags.emplace_back(std::string(name), std::move(value));
    const size_t comma = rest.find(',');
    if (comma == std::string_view::npos) break;
    tags = rest.substr(comma + 1);
    if (trim(tags).empty()) return bad("a trailing comma in the tag list");
  }
  if (selector.tags.empty()) return bad("an empty tag list {}");
  return selector;
}

Result<ThresholdExpression> parse_threshold_expression(std::string_view text) {
  std::string_view rest = trim(text);
  if (rest.empty()) return bad_expression(text, "it is empty");
  auto aggregation = take_aggregation(text, rest);
  if (!aggregation) return aggregation.error();
  auto comparison = take_comparison(text, rest);
  if (!comparison) return comparison.error();
  auto bound = take_bound(text, rest);
  if (!bound) return bound.error();
  ThresholdExpression expression;
  expression.aggregation = aggregation->first;
  expression.percentile = aggregation->second;
  expression.comparison = *comparison;
  expression.bound = *bound;
  expression.source = std::string(trim(text));
  return expression;
}

bool ThresholdExpression::holds(double observed) const {
  return compare(observed, comparison, bound);
}

const std::vector<std::string_view>& builtin_metric_names() {
  static const std::vector<std::string_view> kNames = {"vus",
                                                       "vus_max",
                                                       "iterations",
                                                       "iteration_duration",
                                                       "dropped_iterations",
                                                       "data_received",
                                                       "data_sent",
                                                       "checks",
                                                       "http_reqs",
                                                       "http_req_blocked",
                                                       "http_req_connecting",
                                                       "http_req_tls_handshaking",
                                                       "http_req_sending",
                                                       "http_req_waiting",
                                                       "http_req_receiving",
                                                       "http_req_duration",
                                                       "http_req_failed",
                                                       "group_duration",
                                                       "extract_failures",
                                                       "grpc_req_duration"};
  return kNames;
}

std::optional<MetricType> builtin_metric_type(std::string_view name) {
  if (name.starts_with("sut_")) return MetricType::kAny;  // monitoring metrics are free-form
  if (name == "vus" || name == "vus_max") return MetricType::kGauge;
  if (name == "checks" || name == "http_req_failed") return MetricType::kRate;
  if (name == "iterations" || name == "dropped_iterations" || name == "data_received" ||
      name == "data_sent" || name == "http_reqs" || name == "extract_failures") {
    return MetricType::kCounter;
  }
  for (std::string_view known : builtin_metric_names()) {
    if (known == name) return MetricType::kTrend;  // the remaining built-ins are all trends
  }
  return std::nullopt;
}

bool aggregation_applies(MetricType type, Aggregation aggregation) {
  switch (type) {
    case MetricType::kAny:
      return true;
    case MetricType::kCounter:
      return aggregation == Aggregation::kCount || aggregation == Aggregation::kRate;
    case MetricType::kGauge:
      return aggregation == Aggregation::kValue || aggregation == Aggregation::kMin ||
             aggregation == Aggregation::kMax;
    case MetricType::kRate:
      return aggregation == Aggregation::kRate;
    case MetricType::kTrend:
      return aggregation != Aggregation::kRate && aggregation != Aggregation::kValue;
  }
  return false;
}

ThresholdOutcome evaluate(const Threshold& threshold, const MetricValues& values, Nanos elapsed) {
  ThresholdOutcome outcome;
  const ThresholdExpression& e = threshold.expression;
  const std::optional<double> observed =
      values.aggregate(threshold.metric, e.aggregation, e.percentile, threshold.window);
  if (!observed) return outcome;
  outcome.observed = *observed;
  outcome.status = e.holds(*observed) ? ThresholdStatus::kPass : ThresholdStatus::kFail;
  outcome.abort = outcome.status == ThresholdStatus::kFail && threshold.abort_on_fail &&
                  elapsed >= threshold.delay_abort_eval;
  return outcome;
}

}  // namespace perfgate::plan
