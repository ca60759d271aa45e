// Importers: one function per supported format, each turning a parsed JSON document into a
// MetricTable (without `source`, which the caller fills in). Each checks the shape it needs and
// returns a clear Error for anything else; none throws or crashes on hostile input.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "analysis/metric_table.h"
#include "core/result.h"

namespace perfgate::analysis {

// perfgate --summary-json / results files and k6 --summary-export: {"metrics": {name: {...}}}.
// `format` is "perfgate" or "k6" (they share the shape; perfgate adds a "perfgate" object).
Result<MetricTable> import_k6_summary(const nlohmann::json& doc, std::string_view format);

// perfgate's full results file: {"format": "perfgate-results", "version": 1, "trends": ...}.
Result<MetricTable> import_perfgate_results(const nlohmann::json& doc);

// Google Benchmark --benchmark_format=json.
Result<MetricTable> import_gbench(const nlohmann::json& doc);

// hyperfine --export-json.
Result<MetricTable> import_hyperfine(const nlohmann::json& doc);

// Lighthouse JSON report (lhr).
Result<MetricTable> import_lighthouse(const nlohmann::json& doc);

// Bencher Metric Format: {benchmark: {measure: {value, lower_value?, upper_value?}}}.
Result<MetricTable> import_bmf(const nlohmann::json& doc);

// The format of a parsed document by its shape, or an empty view when none matches.
std::string_view detect_format(const nlohmann::json& doc);

}  // namespace perfgate::analysis
