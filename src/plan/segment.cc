// Execution segments and k6's striping; see segment.h.
#include "plan/segment.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <numeric>

namespace perfgate::plan {
namespace {

using Wide = __int128;

constexpr size_t kMaxSequencePoints = 1001;
constexpr Wide kMaxStripingWork = 20'000'000;  // period * segments

int compare(const Fraction& a, const Fraction& b) {
  const Wide l = Wide{a.num} * b.den, r = Wide{b.num} * a.den;
  return l < r ? -1 : (l > r ? 1 : 0);
}

Result<Fraction> reduced(std::int64_t num, std::int64_t den, std::string_view text) {
  if (den <= 0) return make_error(fmt::format("'{}': the denominator must be above 0", text));
  const std::int64_t g = std::gcd(num, den);
  Fraction f{num / (g == 0 ? 1 : g), den / (g == 0 ? 1 : g)};
  if (f.den > kMaxSegmentDenominator) {
    return make_error(
        fmt::format("'{}': denominators above {} are not supported", text, kMaxSegmentDenominator));
  }
  return f;
}

bool parse_int(std::string_view s, std::int64_t& out) {
  if (s.empty() || s.size() > 12) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && out >= 0;
}

// "1/4", "25%", "0.25", "1".
Result<Fraction> parse_fraction(std::string_view text) {
  const auto bad = [&] {
    return make_error(fmt::format("'{}' is not a fraction, percentage or decimal", text),
                      "write e.g. 1/4, 25% or 0.25");
  };
  std::int64_t a = 0, b = 0;
  if (!text.empty() && text.back() == '%') {
    if (!parse_int(text.substr(0, text.size() - 1), a)) return bad();
    return reduced(a, 100, text);
  }
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    if (!parse_int(text.substr(0, slash), a) || !parse_int(text.substr(slash + 1), b)) {
      return bad();
    }
    return reduced(a, b, text);
  }
  if (auto dot = text.find('.'); dot != std::string_view::npos) {
    const std::string_view decimals = text.substr(dot + 1);
    if (decimals.size() > 6 || !parse_int(text.substr(0, dot), a)) return bad();
    if (!decimals.empty() && !parse_int(decimals, b)) return bad();
    std::int64_t den = 1;
    for (size_t i = 0; i < decimals.size(); ++i) den *= 10;
    return reduced(a * den + b, den, text);
  }
  if (!parse_int(text, a)) return bad();
  return reduced(a, 1, text);
}

Fraction minus(const Fraction& a, const Fraction& b) {
  const std::int64_t den = a.den / std::gcd(a.den, b.den) * b.den;
  const std::int64_t num = a.num * (den / a.den) - b.num * (den / b.den);
  const std::int64_t g = std::gcd(num, den);
  return {num / g, den / g};
}

Result<std::int64_t> period_of(const std::vector<Fraction>& points) {
  std::int64_t lcd = 1;
  for (size_t i = 0; i + 1 < points.size(); ++i) {
    const std::int64_t den = minus(points[i + 1], points[i]).den;
    lcd = lcd / std::gcd(lcd, den) * den;
    if (lcd > kMaxSegmentDenominator) {
      return make_error(
          fmt::format("the segments' common denominator is above {}", kMaxSegmentDenominator));
    }
  }
  if (Wide{lcd} * static_cast<Wide>(points.size()) > kMaxStripingWork) {
    return make_error("the execution segment sequence is too fine (period x segments > 2e7)");
  }
  return lcd;
}

}  // namespace

std::string Fraction::text() const {
  return den == 1 ? fmt::format("{}", num) : fmt::format("{}/{}", num, den);
}

std::string ExecutionSegment::text() const { return from.text() + ":" + to.text(); }

Result<ExecutionSegment> parse_execution_segment(std::string_view text) {
  if (text.size() > 64) return make_error("the execution segment is too long");
  ExecutionSegment s;
  if (text.empty()) return s;
  std::string_view to_text = text;
  if (auto colon = text.find(':'); colon != std::string_view::npos) {
    auto from = parse_fraction(text.substr(0, colon));
    if (!from) return from.error();
    s.from = *from;
    to_text = text.substr(colon + 1);
  }
  auto to = parse_fraction(to_text);
  if (!to) return to.error();
  s.to = *to;
  if (compare(s.from, s.to) >= 0 || compare(s.to, Fraction{1, 1}) > 0) {
    return make_error(fmt::format("execution segment '{}': need 0 <= from < to <= 1", text));
  }
  return s;
}

Result<std::vector<Fraction>> parse_segment_sequence(std::string_view text) {
  if (text.size() > 16 * 1024) return make_error("the execution segment sequence is too long");
  std::vector<Fraction> points;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t comma = text.find(',', begin);
    if (comma == std::string_view::npos) comma = text.size();
    auto point = parse_fraction(text.substr(begin, comma - begin));
    if (!point) return point.error();
    if (!points.empty() && compare(points.back(), *point) >= 0) {
      return make_error(fmt::format("execution segment sequence '{}': points must increase", text));
    }
    points.push_back(*point);
    if (points.size() > kMaxSequencePoints) return make_error("more than 1000 segments");
    begin = comma + 1;
  }
  if (points.size() < 2 || compare(points.back(), Fraction{1, 1}) > 0) {
    return make_error(
        fmt::format("execution segment sequence '{}': need at least two points in [0, 1]", text));
  }
  return points;
}

std::vector<int> stripe_owners(const std::vector<Fraction>& sequence) {
  const std::int64_t lcd = *period_of(sequence);
  const size_t n = sequence.size() - 1;
  std::vector<std::int64_t> norm(n);
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) {
    const Fraction length = minus(sequence[i + 1], sequence[i]);
    norm[i] = length.num * (lcd / length.den);
    order[i] = i;
  }
  // Largest segments first (they are the hardest to keep from taking neighbouring indices).
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return norm[a] > norm[b]; });
  std::vector<std::int64_t> taken(n, 0);
  std::vector<int> owner(static_cast<size_t>(lcd), -1);
  for (std::int64_t i = 0; i < lcd; ++i) {
    for (size_t s : order) {
      // Segment s's next element is due at index taken * lcd / norm.
      if (Wide{i} * norm[s] >= Wide{taken[s]} * lcd && taken[s] < norm[s]) {
        ++taken[s];
        owner[static_cast<size_t>(i)] = static_cast<int>(s);
        break;
      }
    }
  }
  return owner;
}

Result<SegmentTuple> SegmentTuple::make(const ExecutionSegment& segment,
                                        const std::vector<Fraction>& sequence) {
  std::vector<Fraction> points = sequence;
  if (points.empty()) points = {segment.from, segment.to};
  if (compare(points.front(), Fraction{0, 1}) != 0) points.insert(points.begin(), Fraction{0, 1});
  if (compare(points.back(), Fraction{1, 1}) != 0) points.push_back(Fraction{1, 1});
  size_t index = points.size();
  for (size_t i = 0; i + 1 < points.size(); ++i) {
    if (points[i] == segment.from && points[i + 1] == segment.to) index = i;
  }
  if (index == points.size()) {
    std::string seq;
    for (const Fraction& p : points) seq += (seq.empty() ? "" : ",") + p.text();
    return make_error(
        fmt::format("execution segment {} is not in the sequence {}", segment.text(), seq),
        "the segment must run from one point of the sequence to the next");
  }
  auto period = period_of(points);
  if (!period) return period.error();
  SegmentTuple tuple;
  tuple.segment_ = segment;
  tuple.sequence_ = points;
  tuple.lcd_ = *period;
  tuple.owned_.clear();
  const std::vector<int> owners = stripe_owners(points);
  for (size_t i = 0; i < owners.size(); ++i) {
    if (owners[i] == static_cast<int>(index)) tuple.owned_.push_back(static_cast<std::int64_t>(i));
  }
  return tuple;
}

bool SegmentTuple::owns(std::uint64_t k) const {
  const auto r = static_cast<std::int64_t>(k % static_cast<std::uint64_t>(lcd_));
  return std::binary_search(owned_.begin(), owned_.end(), r);
}

std::uint64_t SegmentTuple::rank(std::uint64_t k) const {
  const auto period = static_cast<std::uint64_t>(lcd_);
  const auto r = static_cast<std::int64_t>(k % period);
  const auto within = std::lower_bound(owned_.begin(), owned_.end(), r) - owned_.begin();
  return k / period * owned_.size() + static_cast<std::uint64_t>(within);
}

std::uint64_t SegmentTuple::nth(std::uint64_t j) const {
  const std::uint64_t m = owned_.size();
  return j / m * static_cast<std::uint64_t>(lcd_) + static_cast<std::uint64_t>(owned_[j % m]);
}

std::int64_t SegmentTuple::scale(std::int64_t total) const {
  if (total <= 0) return 0;
  return static_cast<std::int64_t>(rank(static_cast<std::uint64_t>(total)));
}

}  // namespace perfgate::plan
