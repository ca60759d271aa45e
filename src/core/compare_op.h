// CompareOp: the comparison operators of plan thresholds ("p(95)<200", plan/threshold.h), gates
// ("p95 <= 250ms", analysis/gate.h) and capacity SLOs ("p95<300ms", analysis/capacity/slo.h) —
// one enum, one evaluation, one spelling. Each grammar decides which operators it accepts and
// which extra spellings it reads (k6's "===" is ==).
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

namespace perfgate {

enum class CompareOp { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual };

// Whether `value op bound` holds (NaN compares false, except for !=).
constexpr bool compare(double value, CompareOp op, double bound) {
  switch (op) {
    case CompareOp::kLess:
      return value < bound;
    case CompareOp::kLessEqual:
      return value <= bound;
    case CompareOp::kGreater:
      return value > bound;
    case CompareOp::kGreaterEqual:
      return value >= bound;
    case CompareOp::kEqual:
      return value == bound;
    case CompareOp::kNotEqual:
      return value != bound;
  }
  return false;
}

// "<", "<=", ">", ">=", "==", "!=".
constexpr std::string_view compare_op_text(CompareOp op) {
  switch (op) {
    case CompareOp::kLess:
      return "<";
    case CompareOp::kLessEqual:
      return "<=";
    case CompareOp::kGreater:
      return ">";
    case CompareOp::kGreaterEqual:
      return ">=";
    case CompareOp::kEqual:
      return "==";
    case CompareOp::kNotEqual:
      return "!=";
  }
  return "?";
}

}  // namespace perfgate
